// The HR page of jhtbatch: sign in, upload a workbook or CSV, match unknown
// columns, watch the check, fix rejected rows in place, create the claims,
// download the report and print the receipt. Plain JavaScript modules
// against the JSON API; no framework, no build step.
import {
  $, state, setLang, t, num, when, api, wordsOf, humanize, columnLabel, Note,
  apiKey, setApiKey, updateScrollCues, saveBlob, filenameOf, el,
} from "./core.js";
import { columns } from "./i18n.js";
import {
  readCSVHeader, rememberedFor, rememberedCovering, saveMapping, forgetMappings,
  showMappingStep, hideMappingStep, renderMappingStep, initMapping,
} from "./mapping.js";
import { showFix, hideFix, renderFix, refreshWords, initFix } from "./fix.js";

const FINISHED = ["completed", "completed_with_errors", "failed", "cancelled", "rejected"];
const POLL_MS = 1000;

let current = null;   // the upload shown in "Hasil"
let pollTimer = null;
let nextCursor = null;
let lastError = null; // { err, dup } shown in the error box, re-worded on a language switch
const signinNote = new Note("#signin-state");
const keyNote = new Note("#key-state");
const uploadNote = new Note("#upload-note");
const batchNote = new Note("#batch-note");

// ---- language ----
function applyLang() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  $("#lang-toggle").textContent = t("langButton");
  document.title = "jhtbatch — " + t("title");
  [signinNote, keyNote, uploadNote, batchNote].forEach((n) => n.render());
  if (lastError) renderError();
  if (current) renderBatch(current);
  renderMappingStep();
  renderFix();
  refreshWords();
  if (!$("#app").hidden) loadList(false);
  updateScrollCues();
}

// ---- signing in ----
function showSignIn(noteKey) {
  clearTimeout(pollTimer);
  showWho("");
  current = null;
  forgetMappings();
  $("#app").hidden = true;
  $("#sign-out").hidden = true;
  $("#signin").hidden = false;
  signinNote.set(noteKey || "");
}

function signedIn() {
  $("#signin").hidden = true;
  $("#app").hidden = false;
  $("#sign-out").hidden = false;
  signinNote.clear();
  loadList(false);
}

// probe tells whether this tab is signed in: with a developer's key, the
// list of uploads answers; else the session says who is signed in.
async function probe() {
  try {
    if (apiKey()) {
      await api("/v1/batches?limit=1", { noSignOut: true });
      showWho("");
    } else {
      showWho((await (await api("/v1/session", { noSignOut: true })).json()).email || "");
    }
    return true;
  } catch (_) {
    return false;
  }
}

// showWho shows the signed-in user's e-mail next to "sign out".
function showWho(email) { $("#who").textContent = email; }

function initSignIn() {
  $("#signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const btn = $("#signin-btn");
    btn.disabled = true;
    signinNote.set("signingIn");
    try {
      await api("/v1/session", {
        method: "POST", noSignOut: true, headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: $("#email").value.trim(), password: $("#password").value }),
      });
      $("#password").value = "";
      setApiKey("");
      showWho($("#email").value.trim());
      signedIn();
    } catch (err) {
      if (err.code === "LOGIN_FAILED" || err.code === "LOGIN_THROTTLED") signinNote.set(err.code);
      else if (err.status === 404 || err.status === 405) signinNote.set("signinUnavailable");
      else { signinNote.clear(); $("#signin-state").textContent = wordsOf(err); }
    } finally {
      btn.disabled = false;
    }
  });
  $("#sign-out").addEventListener("click", async () => {
    const hadKey = apiKey() !== "";
    setApiKey("");
    if (!hadKey) { try { await api("/v1/session", { method: "DELETE", noSignOut: true }); } catch (_) { /* gone already */ } }
    showSignIn("signedOut");
  });
  $("#key-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = $("#api-key").value.trim();
    if (!v) return;
    setApiKey(v);
    $("#api-key").value = "";
    if (await probe()) { keyNote.set("devSaved"); signedIn(); } else { setApiKey(""); keyNote.set("devBadKey"); }
  });
  $("#key-forget").addEventListener("click", () => {
    setApiKey("");
    keyNote.set("devForgotten");
    showSignIn("");
  });
  state.onSignedOut = (key) => { setApiKey(""); showSignIn(key); };
}

// ---- errors ----
function clearError() { lastError = null; $("#error").hidden = true; }

async function showError(err) {
  lastError = { err, dup: null };
  if (err.code === "DUPLICATE_FILE" && err.batchId) {
    try { lastError.dup = await (await api("/v1/batches/" + err.batchId)).json(); } catch (_) { /* worded without it */ }
  }
  renderError();
  $("#error").hidden = false;
  $("#error").scrollIntoView({ behavior: "smooth", block: "nearest" });
}

function renderError() {
  const { err, dup } = lastError;
  $("#error-message").textContent = dup ? t("dupFile", { time: when(dup.created_at), file: dup.filename }) : wordsOf(err);
  $("#error-dup").hidden = !dup;
  const known = columns.map((c) => c[0]);
  const rows = (err.details || []).filter((d) => d.line || d.column || err.details.length > 1);
  const tbody = $("#error-details tbody");
  tbody.replaceChildren();
  if (!dup) {
    rows.forEach((d) => tbody.appendChild(el("tr", {},
      el("td", { class: "num", text: d.line ? String(d.line) : "" }),
      el("td", { text: known.includes(d.column) ? columnLabel(d.column) : (d.column || "") }),
      el("td", { text: humanize(d.message) }))));
  }
  $("#error-details").hidden = dup || rows.length === 0;
  const codes = [err.code, ...(err.details || []).map((d) => d.code)];
  const help = codes.includes("SPREADSHEET_NUMBER") ? "helpNumber" : codes.includes("FILE_ENCODING") ? "helpEncoding" : "";
  $("#error-help").hidden = !help;
  $("#error-help-text").textContent = help ? t(help) : "";
  updateScrollCues();
}

// ---- upload ----
function isHeaderError(err) {
  return (err.details || []).some((d) => d.code === "HEADER_UNKNOWN_COLUMN" || d.code === "HEADER_MISSING_COLUMN");
}

async function postBatch(file, mode, mapping) {
  const form = new FormData();
  if (mapping) form.append("mapping", JSON.stringify(mapping)); // before the file: the server reads it first
  form.append("file", file, file.name);
  const res = await api("/v1/batches?mode=" + encodeURIComponent(mode), { method: "POST", body: form });
  return { batch: await res.json(), replayed: res.headers.get("Idempotent-Replayed") === "true" };
}

// uploadFile sends file in mode, with the mapping the clerk chose or the
// one remembered for the file's column titles; an unknown or missing column
// opens the mapping step instead of an error.
async function uploadFile(file, mode, opts = {}) {
  clearError();
  hideMappingStep();
  const headers = opts.headers !== undefined ? opts.headers : await readCSVHeader(file);
  let mapping = opts.mapping || null;
  let usedRemembered = false;
  if (!mapping && headers) {
    mapping = await rememberedFor(headers);
    usedRemembered = mapping !== null;
  }
  const btn = $("#upload-btn");
  btn.disabled = true;
  uploadNote.set("uploading");
  try {
    const { batch, replayed } = await postBatch(file, mode, mapping);
    if (opts.fromStep) saveMapping([...new Set([...(opts.savedHeaders || []), ...Object.keys(mapping)])], mapping);
    uploadNote.set(usedRemembered || opts.remembered ? "mapRemembered" : "");
    showBatch(batch);
    if (replayed) batchNote.set("replayed");
    loadList(false);
    return batch;
  } catch (err) {
    uploadNote.clear();
    if (err.status === 401) return null;
    if (isHeaderError(err)) {
      const unknown = err.details.filter((d) => d.code === "HEADER_UNKNOWN_COLUMN").map((d) => d.column);
      if (!mapping && !headers) {
        const m = await rememberedCovering(unknown);
        if (m) return uploadFile(file, mode, { mapping: m, headers: null, remembered: true });
      }
      showMappingStep(err, headers, mapping, (m, savedHeaders) =>
        uploadFile(file, mode, { mapping: m, headers, fromStep: true, savedHeaders }));
      return null;
    }
    showError(err);
    return null;
  } finally {
    btn.disabled = false;
  }
}

function initUpload() {
  $("#upload-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = $("#file").files[0];
    if (!file) { uploadNote.set("needFile"); return; }
    await uploadFile(file, document.querySelector("input[name=mode]:checked").value);
  });
}

// ---- the upload shown ----
function showBatch(b) {
  current = b;
  hideFix();
  $("#batch").hidden = false;
  batchNote.clear();
  renderBatch(b);
  if (FINISHED.includes(b.status)) finished(b); else schedulePoll();
  $("#batch").scrollIntoView({ behavior: "smooth", block: "nearest" });
}

function renderBatch(b) {
  $("#batch-file").textContent = b.filename;
  const st = $("#batch-status");
  st.textContent = t("status_" + b.status);
  st.className = "badge " + b.status;
  $("#batch-mode").textContent = t("mode_" + b.mode);
  const total = b.total_rows || 0, done = b.processed_rows || 0;
  const bar = $("#batch-progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  const pct = total ? Math.floor((done * 100) / total) : 0;
  $("#batch-progress-label").textContent = t("progress", { done: num(done), total: num(total), pct });
  $("#c-total").textContent = num(total);
  $("#c-processed").textContent = num(done);
  $("#c-created").textContent = num(b.created);
  $("#c-valid").textContent = num(b.valid);
  $("#c-rejected").textContent = num(b.rejected);
  $("#c-warnings").textContent = num(b.warnings);
  // One counter per meaning: claims in create mode, valid rows in a check.
  $("#c-created-box").hidden = b.mode !== "create";
  $("#c-valid-box").hidden = b.mode === "create";
  const isDone = FINISHED.includes(b.status);
  $("#downloads").hidden = !isDone || b.status === "rejected";
  document.querySelector("[data-download=rejected]").hidden = !b.rejected;
  $("#cancel-btn").hidden = isDone;
  const canCreate = isDone && b.mode === "validate" && (b.status === "completed" || b.status === "completed_with_errors") && b.valid > 0;
  $("#create-now").hidden = !canCreate;
  $("#create-now-hint").textContent = t("createNowHint", { n: num(b.valid) });
  $("#receipt-link").href = "/v1/batches/" + b.id + "/receipt.html?lang=" + state.lang;
}

function finished(b) {
  if (b.rejected > 0 && (b.status === "completed_with_errors" || b.status === "completed" || b.status === "cancelled")) showFix(b);
}

function schedulePoll(delay = POLL_MS) {
  clearTimeout(pollTimer);
  if (!current || FINISHED.includes(current.status)) return;
  pollTimer = setTimeout(poll, delay);
}

async function poll() {
  if (!current) return;
  const id = current.id;
  try {
    const b = await (await api("/v1/batches/" + id)).json();
    if (!current || current.id !== id) return;
    const wasRunning = !FINISHED.includes(current.status);
    current = b;
    renderBatch(b);
    if (batchNote.key === "pollFailed") batchNote.clear();
    if (wasRunning && FINISHED.includes(b.status)) { loadList(false); finished(b); }
    schedulePoll();
  } catch (err) {
    if (err.status === 401) return;
    if (err.status === 404) { showError(err); return; }
    batchNote.set("pollFailed");
    schedulePoll(POLL_MS * 3);
  }
}

// ---- downloads, receipt, create, cancel ----
async function download(kind) {
  if (!current) return;
  const self = "/v1/batches/" + current.id;
  const base = (current.filename || "unggahan").replace(/\.[^.]*$/, "");
  const targets = {
    csv: [self + "/report.csv", base + "-report.csv"],
    xlsx: [self + "/report.xlsx", base + "-report.xlsx"],
    rejected: [self + "/report.csv?outcome=REJECTED", base + "-rejected.csv"],
  };
  const [url, fallbackName] = targets[kind];
  clearError();
  batchNote.set("downloading");
  try {
    const res = await api(url);
    saveBlob(await res.blob(), filenameOf(res) || fallbackName);
    batchNote.set("downloaded");
  } catch (err) {
    batchNote.clear();
    if (err.status !== 401) showError(err);
  }
}

// openReceipt opens the printable receipt in a new tab: the tab is opened
// at the click (so no pop-up blocker stops it), then given the receipt once
// it loaded with this tab's credentials; a developer key cannot ride on a
// link, so with a key the tab shows the fetched copy.
async function openReceipt(ev) {
  ev.preventDefault();
  if (!current) return;
  const url = "/v1/batches/" + current.id + "/receipt.html?lang=" + state.lang;
  const w = window.open("", "_blank");
  if (!w) { batchNote.set("popupBlocked"); return; }
  w.opener = null;
  try {
    const res = await api(url, { headers: { Accept: "text/html" } });
    if (apiKey()) w.location.href = URL.createObjectURL(new Blob([await res.blob()], { type: "text/html" }));
    else w.location.href = url;
  } catch (err) {
    w.close();
    if (err.status !== 401) showError(err);
  }
}

async function createNow() {
  if (!current) return;
  const btn = $("#create-now-btn");
  btn.disabled = true;
  batchNote.set("creating");
  try {
    const b = await (await api("/v1/batches/" + current.id + "/create", { method: "POST" })).json();
    showBatch(b);
    loadList(false);
  } catch (err) {
    batchNote.clear();
    if (err.status !== 401) showError(err);
  } finally {
    btn.disabled = false;
  }
}

function initBatchActions() {
  document.querySelectorAll("[data-download]").forEach((btn) => {
    btn.addEventListener("click", () => download(btn.dataset.download));
  });
  $("#receipt-link").addEventListener("click", openReceipt);
  $("#create-now-btn").addEventListener("click", createNow);
  $("#error-dup-open").addEventListener("click", () => {
    if (lastError && lastError.dup) { const b = lastError.dup; clearError(); showBatch(b); }
  });
  $("#cancel-btn").addEventListener("click", async () => {
    if (!current || !window.confirm(t("cancelConfirm"))) return;
    try {
      current = await (await api("/v1/batches/" + current.id + "/cancel", { method: "POST" })).json();
      renderBatch(current);
      batchNote.set("cancelled");
      loadList(false);
    } catch (err) {
      if (err.status !== 401) showError(err);
    }
  });
}

// ---- recent uploads ----
async function loadList(more) {
  let url = "/v1/batches?limit=10";
  if (more && nextCursor) url += "&cursor=" + encodeURIComponent(nextCursor);
  try {
    const page = await (await api(url)).json();
    renderList(page.batches, more);
    nextCursor = page.next_cursor;
    $("#list-more").hidden = !nextCursor;
  } catch (err) {
    if (err.status !== 401) showError(err);
  }
}

function renderList(batches, append) {
  const tbody = $("#list tbody");
  if (!append) tbody.replaceChildren();
  batches.forEach((b) => tbody.appendChild(listRow(b)));
  const empty = tbody.children.length === 0;
  $("#list").hidden = empty;
  $("#list-empty").hidden = !empty;
  updateScrollCues();
}

function listRow(b) {
  const result = b.mode === "validate"
    ? t("resultValidate", { a: num(b.valid), r: num(b.rejected) })
    : t("resultCreate", { a: num(b.created), r: num(b.rejected) });
  const open = el("button", { type: "button", class: "link", text: t("open"), "aria-label": t("open") + ": " + b.filename });
  open.addEventListener("click", () => { clearError(); showBatch(b); poll(); });
  return el("tr", {},
    el("td", { class: "file", text: b.filename }),
    el("td", { text: t("status_" + b.status) + " · " + t("mode_" + b.mode) }),
    el("td", { class: "num", text: num(b.total_rows) }),
    el("td", { text: result }),
    el("td", { text: when(b.created_at) }),
    el("td", { text: uploader(b.uploaded_by) }),
    el("td", {}, open));
}

// uploader says who uploaded a batch: the HR user's e-mail, or that it came
// through a developer's key (its id means nothing to a clerk).
function uploader(by) {
  if (!by) return "—";
  if (by.startsWith("user:")) return by.slice(5);
  return t("byKey");
}

document.addEventListener("DOMContentLoaded", async () => {
  $("#lang-toggle").addEventListener("click", () => { setLang(state.lang === "id" ? "en" : "id"); applyLang(); });
  $("#list-refresh").addEventListener("click", () => loadList(false));
  $("#list-more").addEventListener("click", () => loadList(true));
  window.addEventListener("resize", updateScrollCues);
  initSignIn();
  initUpload();
  initMapping();
  initFix((file, mode) => uploadFile(file, mode));
  initBatchActions();
  applyLang();
  if (await probe()) signedIn(); else showSignIn("");
});
