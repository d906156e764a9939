// Fix in place: the rejected rows of a finished upload in a grid, each bad
// cell marked with what is wrong, editable; the corrected rows go back as
// a new CSV file with the original column titles, to check or to create.
import { $, t, api, el, Note, wordsOf, updateScrollCues } from "./core.js";

const PAGE = 50;
let fix = null; // { batch, header, rows: [{row, line, values, issues}], next }
const note = new Note("#fix-note");
let upload = async () => {}; // set by initFix: (file, mode) => Promise

// showFix loads the first page of b's rejected rows into the grid.
export async function showFix(b) {
  fix = { batch: b, header: [], rows: [], next: null };
  note.clear();
  try {
    await loadPage(null);
  } catch (err) {
    fix = null;
    $("#fix").hidden = true;
    return;
  }
  $("#fix").hidden = fix.rows.length === 0;
  renderFix();
}

export function hideFix() { fix = null; $("#fix").hidden = true; }

async function loadPage(cursor, limit = PAGE) {
  let url = "/v1/batches/" + fix.batch.id + "/rows?outcome=REJECTED&limit=" + limit;
  if (cursor) url += "&cursor=" + encodeURIComponent(cursor);
  const page = await (await api(url)).json();
  fix.header = page.header;
  fix.rows.push(...page.rows);
  fix.next = page.next_cursor;
}

// refreshWords fetches the rows shown again for their messages in the new
// language, keeping what the clerk has typed.
export async function refreshWords() {
  if (!fix || !fix.rows.length) return;
  syncTyped();
  const typed = new Map(fix.rows.map((r) => [r.row, r.values]));
  const shown = fix.rows.length;
  const old = fix;
  fix = { batch: old.batch, header: old.header, rows: [], next: null };
  try {
    while (fix.rows.length < shown) {
      await loadPage(fix.rows.length ? String(fix.rows[fix.rows.length - 1].row) : null, Math.min(100, shown - fix.rows.length));
      if (!fix.next) break;
    }
  } catch (_) {
    fix = old;
  }
  fix.rows.forEach((r) => { if (typed.has(r.row)) r.values = typed.get(r.row); });
  renderFix();
}

export function renderFix() {
  if (!fix) return;
  note.render();
  const head = el("tr", {}, el("th", { scope: "col", text: t("colLine") }));
  fix.header.forEach((h) => head.appendChild(el("th", { scope: "col", text: h })));
  $("#fix-grid thead").replaceChildren(head);
  const tbody = $("#fix-grid tbody");
  tbody.replaceChildren();
  let spreadsheetNumber = false;
  fix.rows.forEach((r, ri) => {
    const tr = el("tr");
    const whole = r.issues.filter((is) => is.index === null || is.index === undefined);
    const first = el("th", { scope: "row", class: "line" }, el("span", { text: String(r.line) }));
    whole.forEach((is) => first.appendChild(el("div", { class: is.warning ? "msg warn" : "msg", text: is.message })));
    tr.appendChild(first);
    fix.header.forEach((h, ci) => {
      const issues = r.issues.filter((is) => is.index === ci);
      const bad = issues.some((is) => !is.warning);
      if (issues.some((is) => is.code === "SPREADSHEET_NUMBER")) spreadsheetNumber = true;
      const id = "cell-" + ri + "-" + ci;
      const input = el("input", {
        id, type: "text", value: r.values[ci] ?? "", spellcheck: "false",
        size: String(Math.max(8, Math.min(40, (r.values[ci] || "").length + 2))),
        "aria-label": h + ", " + t("colLine").toLowerCase() + " " + r.line,
      });
      if (bad) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", id + "-msg");
      }
      input.addEventListener("input", () => { r.values[ci] = input.value; });
      const td = el("td", { class: bad ? "bad" : issues.length ? "warned" : "" }, input);
      if (issues.length) {
        const msg = el("div", { id: id + "-msg", class: bad ? "msg" : "msg warn" });
        msg.textContent = issues.map((is) => is.message).join(" ");
        td.appendChild(msg);
      }
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  });
  $("#fix-help").hidden = !spreadsheetNumber;
  $("#fix-count").textContent = t("fixRowsLoaded", { n: fix.rows.length });
  $("#fix-more").hidden = !fix.next;
  updateScrollCues();
}

// csvOf renders the header and rows as RFC 4180 CSV with a byte-order mark,
// quoting every field that needs it.
export function csvOf(header, rows) {
  const q = (v) => (/[",\r\n]|^\s|\s$/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v);
  const lines = [header.map(q).join(",")];
  rows.forEach((r) => lines.push(header.map((_, i) => q(r[i] ?? "")).join(",")));
  return "\ufeff" + lines.join("\r\n") + "\r\n";
}

// syncTyped copies what the grid's cells hold into the rows.
function syncTyped() {
  document.querySelectorAll("#fix-grid tbody input").forEach((input) => {
    const [, ri, ci] = input.id.split("-").map(Number);
    if (fix.rows[ri]) fix.rows[ri].values[ci] = input.value;
  });
}

async function send(mode) {
  if (!fix || !fix.rows.length) return;
  syncTyped();
  const base = (fix.batch.filename || "unggahan").replace(/\.[^.]*$/, "");
  const name = base.replace(/-perbaikan(-\d+)?$/, "") + "-perbaikan.csv";
  const file = new File([csvOf(fix.header, fix.rows.map((r) => r.values))], name, { type: "text/csv" });
  note.set("fixSending", { n: fix.rows.length });
  $("#fix-check").disabled = $("#fix-create").disabled = true;
  try {
    await upload(file, mode);
    note.clear();
  } finally {
    $("#fix-check").disabled = $("#fix-create").disabled = false;
  }
}

export function initFix(uploadFn) {
  upload = uploadFn;
  $("#fix-check").addEventListener("click", () => send("validate"));
  $("#fix-create").addEventListener("click", () => send("create"));
  $("#fix-more").addEventListener("click", async () => {
    if (!fix || !fix.next) return;
    syncTyped();
    try {
      await loadPage(fix.next);
      renderFix();
    } catch (err) {
      $("#fix-note").textContent = wordsOf(err);
    }
  });
}
