// The mapping step: when the server does not know a column title of the
// clerk's file, the clerk says what each such column holds; the choice is
// sent with the upload again and remembered for the company, keyed by the
// file's set of column titles, so the next file like it needs no step.
import { $, t, api, columnLabel, el, Note, updateScrollCues } from "./core.js";
import { columns } from "./i18n.js";

// fold compares column titles as the server does: case and everything but
// letters and digits ignored ("No. KPJ" = "no_kpj").
export function fold(h) { return String(h).toLowerCase().replace(/[^\p{L}\p{N}]/gu, ""); }

function headerSetKey(headers) {
  return [...new Set(headers.map(fold).filter(Boolean))].sort().join("|");
}

// readCSVHeader returns the column titles of a CSV file's first non-blank
// line, read in the browser (UTF-8, or UTF-16 with a byte-order mark), or
// null for a workbook or a file it cannot read.
export async function readCSVHeader(file) {
  if (/\.xlsx$/i.test(file.name)) return null;
  let buf;
  try { buf = new Uint8Array(await file.slice(0, 65536).arrayBuffer()); } catch (_) { return null; }
  let enc = "utf-8";
  if (buf[0] === 0xff && buf[1] === 0xfe) enc = "utf-16le";
  else if (buf[0] === 0xfe && buf[1] === 0xff) enc = "utf-16be";
  else if (buf[0] === 0x50 && buf[1] === 0x4b) return null; // a zip: a workbook under another name
  const textOf = new TextDecoder(enc).decode(buf).replace(/^\ufeff/, "");
  const line = textOf.split(/\r\n|\n|\r/).find((l) => l.trim() !== "");
  if (!line) return null;
  const delim = [",", ";", "\t"].map((d) => [d, splitLine(line, d).length])
    .reduce((best, cur) => (cur[1] > best[1] ? cur : best))[0];
  const fields = splitLine(line, delim).map((f) => f.trim());
  while (fields.length && fields[fields.length - 1] === "") fields.pop();
  return fields.length ? fields : null;
}

// splitLine splits one CSV line on delim, honouring double quotes.
function splitLine(line, delim) {
  const out = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) { out.push(cur); cur = ""; } else cur += c;
  }
  out.push(cur);
  return out;
}

// ---- remembered mappings ----
let remembered = null; // the company's mappings, loaded once per sign-in

export function forgetMappings() { remembered = null; }

async function mappings() {
  if (remembered) return remembered;
  try {
    const res = await api("/v1/mappings");
    remembered = (await res.json()).mappings || [];
  } catch (_) {
    remembered = []; // no remembered mapping only costs the clerk the step
  }
  return remembered;
}

// respell returns m with its keys spelt as in headers (matched by fold).
function respell(m, headers) {
  const byFold = new Map(headers.map((h) => [fold(h), h]));
  const out = {};
  for (const [k, v] of Object.entries(m)) {
    const h = byFold.get(fold(k));
    if (h === undefined) return null;
    out[h] = v;
  }
  return out;
}

// rememberedFor is the remembered mapping for a file with these column
// titles, or null: the one saved for the same set of titles, else one all
// of whose mapped titles the file has.
export async function rememberedFor(headers) {
  const key = headerSetKey(headers);
  const all = await mappings();
  const same = all.find((e) => headerSetKey(e.headers) === key && Object.keys(e.mapping).length);
  if (same) return respell(same.mapping, headers);
  // Else one saved from a workbook, which knows only the titles it mapped:
  // it fits when the file has every one of them.
  for (const e of all) {
    const m = Object.keys(e.mapping).length ? respell(e.mapping, headers) : null;
    if (m) return m;
  }
  return null;
}

// rememberedCovering is a remembered mapping that says what every one of
// the unknown titles holds (for a workbook, whose titles the page cannot
// read), or null.
export async function rememberedCovering(unknown) {
  if (!unknown.length) return null;
  for (const e of await mappings()) {
    const m = respell(Object.fromEntries(Object.entries(e.mapping).filter(([k]) => unknown.some((u) => fold(u) === fold(k)))), unknown);
    if (m && Object.keys(m).length === unknown.length) return m;
  }
  return null;
}

export async function saveMapping(headers, mapping) {
  try {
    await api("/v1/mappings", {
      method: "PUT", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ headers, mapping }),
    });
  } catch (_) { /* remembering is a convenience: the upload already went through */ }
  remembered = null;
}

// ---- the step itself ----
let step = null; // { unknown: [{column, suggestion}], missing: [name], headers, chosen, onApply }
const note = new Note("#mapping-note");

// showMappingStep shows the step for a HEADER_UNKNOWN_COLUMN or
// HEADER_MISSING_COLUMN refusal. headers are the file's titles when the page
// could read them; sent is the mapping the refused upload carried.
export function showMappingStep(err, headers, sent, onApply) {
  const unknown = [], missing = [];
  for (const d of err.details) {
    if (d.code === "HEADER_UNKNOWN_COLUMN" && d.column) unknown.push({ column: d.column, suggestion: d.suggestion ?? null });
    if (d.code === "HEADER_MISSING_COLUMN" && d.column) missing.push(d.column);
  }
  const rows = unknown.map((u) => u.column);
  // With only a missing column, the clerk may say which of the file's
  // titles holds it: those the page could read are offered too.
  if (!rows.length && headers) headers.forEach((h) => rows.push(h));
  const chosen = {};
  for (const u of unknown) {
    if (sent && Object.hasOwn(sent, u.column)) chosen[u.column] = sent[u.column] === null ? "-" : sent[u.column];
    else if (u.suggestion) chosen[u.column] = u.suggestion;
    else chosen[u.column] = "";
  }
  step = { unknown, missing, rows, headers, chosen, onApply, auto: !unknown.length };
  note.clear();
  renderMappingStep();
  $("#mapping").hidden = false;
  $("#mapping").scrollIntoView({ behavior: "smooth", block: "start" });
}

export function hideMappingStep() { step = null; $("#mapping").hidden = true; }

export function renderMappingStep() {
  if (!step) return;
  note.render();
  const miss = $("#mapping-missing");
  miss.hidden = !step.missing.length;
  const known = columns.map((c) => c[0]);
  miss.textContent = t("mapMissing", {
    cols: step.missing.map((m) => (known.includes(m) ? columnLabel(m) : m)).join(", "),
  }) + (step.rows.length ? "" : " " + t("mapNoHeaders"));
  $("#mapping-table").hidden = !step.rows.length;
  $("#mapping-apply").hidden = !step.rows.length;
  const tbody = $("#mapping-table tbody");
  tbody.replaceChildren();
  step.rows.forEach((h, i) => {
    const id = "map-" + i;
    const sel = el("select", { id, "data-header": h });
    const suggestion = (step.unknown.find((u) => u.column === h) || {}).suggestion;
    const blank = step.auto ? t("mapAuto") : t("mapChoose");
    sel.appendChild(el("option", { value: "", text: blank }));
    for (const [name] of columns) {
      sel.appendChild(el("option", { value: name, text: columnLabel(name) + (name === suggestion ? " " + t("mapSuggested") : "") }));
    }
    sel.appendChild(el("option", { value: "-", text: t("mapIgnore") }));
    sel.value = step.chosen[h] || "";
    sel.addEventListener("change", () => { step.chosen[h] = sel.value; });
    tbody.appendChild(el("tr", {},
      el("th", { scope: "row" }, el("label", { for: id, text: h || "—" })),
      el("td", {}, sel)));
  });
  updateScrollCues();
}

// mappingOfStep is the mapping the clerk chose, or null when a column is
// still to be chosen.
function mappingOfStep() {
  // The drop-downs say what was chosen, whatever event told us or not.
  document.querySelectorAll("#mapping select").forEach((sel) => { step.chosen[sel.dataset.header] = sel.value; });
  const m = {};
  for (const h of step.rows) {
    const v = step.chosen[h] || "";
    if (v === "" && !step.auto) return null;
    if (v === "-") m[h] = null;
    else if (v !== "") m[h] = v;
  }
  return m;
}

export function initMapping() {
  $("#mapping-apply").addEventListener("click", () => {
    if (!step) return;
    const m = mappingOfStep();
    if (!m) { note.set("mapNeedAll"); return; }
    const { onApply, headers, unknown } = step;
    hideMappingStep();
    onApply(m, headers || unknown.map((u) => u.column));
  });
  $("#mapping-cancel").addEventListener("click", hideMappingStep);
}
