// The HR page of jhtbatch: paste an API key, upload a CSV, watch the batch,
// download the report. Plain JavaScript against the JSON API; no framework.
"use strict";

(function () {
  const KEY_STORE = "jhtbatch.apiKey";   // sessionStorage: gone when the tab closes
  const LANG_STORE = "jhtbatch.lang";    // localStorage: a preference, not a secret
  const FINISHED = ["completed", "completed_with_errors", "failed", "cancelled", "rejected"];
  const POLL_MS = 1000;

  const text = {
    id: {
      skip: "Langsung ke isi", title: "Klaim JHT Kolektif", langHint: "Ganti bahasa", langButton: "English",
      keyTitle: "1. Kunci API",
      keyHint: "Tempel kunci API perusahaan Anda. Kunci hanya disimpan di tab ini dan terhapus saat tab ditutup.",
      keyLabel: "Kunci API", keyPlaceholder: "Tempel kunci API", keySave: "Simpan", keyForget: "Lupakan",
      keySaved: "Kunci API tersimpan untuk tab ini.", keyMissing: "Belum ada kunci API.",
      keyForgotten: "Kunci API dihapus dari tab ini.",
      uploadTitle: "2. Unggah berkas CSV",
      uploadHint: "Satu baris per karyawan yang berhenti bekerja. Belum punya format?",
      template: "Unduh templat CSV", fileLabel: "Berkas CSV", modeLegend: "Apa yang dilakukan?",
      modeValidate: "Periksa saja (tidak membuat klaim)", modeCreate: "Buat klaim",
      uploadBtn: "Unggah", uploading: "Mengunggah…", needKey: "Simpan kunci API terlebih dahulu.",
      needFile: "Pilih berkas CSV terlebih dahulu.",
      errorTitle: "Permintaan tidak dapat diproses", errorDetails: "Rincian kesalahan",
      colLine: "Baris", colColumn: "Kolom", colCode: "Kode", colMessage: "Keterangan",
      batchTitle: "3. Hasil", total: "Total baris", processed: "Diproses", created: "Klaim dibuat",
      valid: "Valid", rejected: "Ditolak", warnings: "Peringatan",
      dlCSV: "Unduh laporan (CSV)", dlXLSX: "Unduh laporan (Excel)",
      dlRejected: "Unduh baris ditolak saja", dlReceipt: "Unduh tanda terima",
      cancel: "Batalkan batch", cancelConfirm: "Batalkan batch ini? Klaim yang sudah dibuat tetap ada.",
      cancelled: "Batch dibatalkan.", progress: "{done} dari {total} baris diproses ({pct}%)",
      pollFailed: "Status belum dapat dimuat, mencoba lagi…", downloading: "Mengunduh…",
      downloaded: "Unduhan dimulai.", replayed: "Berkas ini sudah diterima sebelumnya dengan Idempotency-Key yang sama.",
      listTitle: "Batch terbaru", refresh: "Muat ulang", listEmpty: "Simpan kunci API untuk melihat batch Anda.",
      listNone: "Belum ada batch.", colFile: "Berkas", colStatus: "Status", colRows: "Baris",
      colResult: "Dibuat / ditolak", colTime: "Waktu unggah", colAction: "Aksi", open: "Lihat",
      more: "Tampilkan lebih banyak", apiDoc: "Dokumentasi API (OpenAPI)",
      networkError: "Server tidak dapat dihubungi. Periksa koneksi lalu coba lagi.",
      mode_create: "mode: buat klaim", mode_validate: "mode: periksa saja",
      status_accepted: "diterima", status_processing: "diproses", status_completed: "selesai",
      status_completed_with_errors: "selesai dengan kesalahan", status_failed: "gagal",
      status_cancelled: "dibatalkan", status_rejected: "ditolak",
    },
    en: {
      skip: "Skip to content", title: "Collective JHT Claims", langHint: "Change language", langButton: "Bahasa Indonesia",
      keyTitle: "1. API key",
      keyHint: "Paste your company's API key. It is kept only in this tab and forgotten when the tab closes.",
      keyLabel: "API key", keyPlaceholder: "Paste the API key", keySave: "Save", keyForget: "Forget",
      keySaved: "API key saved for this tab.", keyMissing: "No API key yet.",
      keyForgotten: "API key removed from this tab.",
      uploadTitle: "2. Upload a CSV file",
      uploadHint: "One row per employee who stopped working. No file format yet?",
      template: "Download the CSV template", fileLabel: "CSV file", modeLegend: "What should happen?",
      modeValidate: "Check only (no claims are created)", modeCreate: "Create claims",
      uploadBtn: "Upload", uploading: "Uploading…", needKey: "Save an API key first.",
      needFile: "Choose a CSV file first.",
      errorTitle: "The request could not be processed", errorDetails: "Error details",
      colLine: "Line", colColumn: "Column", colCode: "Code", colMessage: "Message",
      batchTitle: "3. Result", total: "Total rows", processed: "Processed", created: "Claims created",
      valid: "Valid", rejected: "Rejected", warnings: "Warnings",
      dlCSV: "Download report (CSV)", dlXLSX: "Download report (Excel)",
      dlRejected: "Download rejected rows only", dlReceipt: "Download receipt",
      cancel: "Cancel batch", cancelConfirm: "Cancel this batch? Claims already created stay.",
      cancelled: "Batch cancelled.", progress: "{done} of {total} rows processed ({pct}%)",
      pollFailed: "Could not load the status yet, retrying…", downloading: "Downloading…",
      downloaded: "Download started.", replayed: "This file was already accepted earlier with the same Idempotency-Key.",
      listTitle: "Recent batches", refresh: "Reload", listEmpty: "Save an API key to see your batches.",
      listNone: "No batches yet.", colFile: "File", colStatus: "Status", colRows: "Rows",
      colResult: "Created / rejected", colTime: "Uploaded", colAction: "Action", open: "Open",
      more: "Show more", apiDoc: "API documentation (OpenAPI)",
      networkError: "The server cannot be reached. Check the connection and try again.",
      mode_create: "mode: create claims", mode_validate: "mode: check only",
      status_accepted: "accepted", status_processing: "processing", status_completed: "completed",
      status_completed_with_errors: "completed with errors", status_failed: "failed",
      status_cancelled: "cancelled", status_rejected: "rejected",
    },
  };

  let lang = localStorage.getItem(LANG_STORE) === "en" ? "en" : "id";
  let current = null;      // the batch shown in section 3
  let pollTimer = null;
  let nextCursor = null;

  const $ = (sel) => document.querySelector(sel);
  const t = (key) => text[lang][key] || text.id[key] || key;

  // ApiError carries the API's error object: code, message, details.
  class ApiError extends Error {
    constructor(status, body) {
      const e = (body && body.error) || {};
      super(e.message || ("HTTP " + status));
      this.status = status;
      this.code = e.code || "";
      this.details = e.details || [];
      this.batchId = e.batch_id || "";
    }
  }

  function apiKey() { return sessionStorage.getItem(KEY_STORE) || ""; }

  // api calls the JSON API with the key and the page's language.
  async function api(path, opts = {}) {
    const headers = Object.assign({ "Accept-Language": lang }, opts.headers || {});
    if (apiKey()) headers.Authorization = "Bearer " + apiKey();
    let res;
    try {
      res = await fetch(path, Object.assign({}, opts, { headers }));
    } catch (err) {
      throw new ApiError(0, { error: { message: t("networkError") } });
    }
    if (!res.ok) {
      let body = null;
      try { body = await res.json(); } catch (_) { /* not JSON */ }
      throw new ApiError(res.status, body);
    }
    return res;
  }

  // ---- language ----
  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    $("#lang-toggle").textContent = t("langButton");
    if (keyState) showKeyState(keyState);
    document.title = "jhtbatch — " + t("title");
    if (current) renderBatch(current);
    if (apiKey()) loadList(false);
  }

  // ---- API key ----
  // keyState is the i18n key of the key's state line, so that it follows the
  // language toggle; an API message is shown as given.
  let keyState = "";
  function showKeyState(key) { keyState = key; $("#key-state").textContent = t(key); }

  function initKey() {
    $("#key-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = $("#api-key").value.trim();
      if (!v) return;
      sessionStorage.setItem(KEY_STORE, v);
      $("#api-key").value = "";
      showKeyState("keySaved");
      loadList(false);
    });
    $("#key-forget").addEventListener("click", () => {
      sessionStorage.removeItem(KEY_STORE);
      showKeyState("keyForgotten");
      $("#list").hidden = true;
      $("#list-empty").hidden = false;
      $("#list-empty").textContent = t("listEmpty");
    });
    showKeyState(apiKey() ? "keySaved" : "keyMissing");
  }

  // ---- errors ----
  function clearError() { $("#error").hidden = true; }

  function showError(err) {
    $("#error-message").textContent = err.message;
    const tbody = $("#error-details tbody");
    tbody.replaceChildren();
    // A single detail repeats the message; a table helps only with several.
    const rows = (err.details || []).filter((d) => d.line || d.column || err.details.length > 1);
    rows.forEach((d) => {
      const tr = document.createElement("tr");
      [d.line || "", d.column || "", d.code || "", d.message || ""].forEach((v) => {
        const td = document.createElement("td");
        td.textContent = String(v);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    $("#error-details").hidden = rows.length === 0;
    $("#error").hidden = false;
    $("#error").scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  // ---- upload ----
  function initUpload() {
    $("#upload-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearError();
      if (!apiKey()) { showError(new ApiError(401, { error: { message: t("needKey") } })); return; }
      const file = $("#file").files[0];
      if (!file) { showError(new ApiError(400, { error: { message: t("needFile") } })); return; }
      const mode = document.querySelector("input[name=mode]:checked").value;
      const form = new FormData();
      form.append("file", file, file.name);
      const btn = $("#upload-btn");
      btn.disabled = true;
      btn.textContent = t("uploading");
      try {
        const res = await api("/v1/batches?mode=" + encodeURIComponent(mode), { method: "POST", body: form });
        const b = await res.json();
        showBatch(b);
        if (res.headers.get("Idempotent-Replayed") === "true") $("#batch-note").textContent = t("replayed");
        loadList(false);
      } catch (err) {
        showError(err);
        if (err.status >= 400) loadList(false); // a refused file is listed too, as rejected
      } finally {
        btn.disabled = false;
        btn.textContent = t("uploadBtn");
      }
    });
  }

  // ---- the batch ----
  function showBatch(b) {
    current = b;
    $("#batch").hidden = false;
    $("#batch-note").textContent = "";
    renderBatch(b);
    schedulePoll();
  }

  function renderBatch(b) {
    $("#batch-file").textContent = b.filename;
    const st = $("#batch-status");
    st.textContent = t("status_" + b.status);
    st.className = "badge " + b.status;
    $("#batch-mode").textContent = t("mode_" + b.mode);
    const total = b.total_rows || 0;
    const done = b.processed_rows || 0;
    const bar = $("#batch-progress");
    bar.max = Math.max(total, 1);
    bar.value = done;
    const pct = total ? Math.floor((done * 100) / total) : 0;
    $("#batch-progress-label").textContent = t("progress")
      .replace("{done}", done.toLocaleString(locale())).replace("{total}", total.toLocaleString(locale()))
      .replace("{pct}", pct);
    $("#c-total").textContent = total.toLocaleString(locale());
    $("#c-processed").textContent = done.toLocaleString(locale());
    $("#c-created").textContent = (b.created || 0).toLocaleString(locale());
    $("#c-valid").textContent = (b.valid || 0).toLocaleString(locale());
    $("#c-rejected").textContent = (b.rejected || 0).toLocaleString(locale());
    $("#c-warnings").textContent = (b.warnings || 0).toLocaleString(locale());
    const finished = FINISHED.includes(b.status);
    $("#downloads").hidden = !finished || b.status === "rejected";
    $("#cancel-btn").hidden = finished;
  }

  function locale() { return lang === "en" ? "en-GB" : "id-ID"; }

  function schedulePoll(delay = POLL_MS) {
    clearTimeout(pollTimer);
    if (!current || FINISHED.includes(current.status)) return;
    pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    if (!current) return;
    try {
      const res = await api(current.links.self);
      const b = await res.json();
      const wasRunning = !FINISHED.includes(current.status);
      current = b;
      renderBatch(b);
      $("#batch-note").textContent = "";
      if (wasRunning && FINISHED.includes(b.status)) loadList(false);
      schedulePoll();
    } catch (err) {
      if (err.status === 401 || err.status === 404) { showError(err); return; }
      $("#batch-note").textContent = t("pollFailed");
      schedulePoll(POLL_MS * 3);
    }
  }

  // ---- downloads: fetch with the key, then save the blob ----
  async function download(kind) {
    if (!current) return;
    const links = current.links;
    const base = (current.filename || "batch").replace(/\.[^.]*$/, "");
    const targets = {
      csv: [links.report_csv, base + "-report.csv"],
      xlsx: [links.report_xlsx, base + "-report.xlsx"],
      rejected: [links.report_csv + "?outcome=REJECTED", base + "-rejected.csv"],
      receipt: [links.receipt, base + "-receipt.json"],
    };
    const [url, fallbackName] = targets[kind];
    clearError();
    $("#batch-note").textContent = t("downloading");
    try {
      const res = await api(url);
      const blob = await res.blob();
      saveBlob(blob, filenameOf(res) || fallbackName);
      $("#batch-note").textContent = t("downloaded");
    } catch (err) {
      $("#batch-note").textContent = "";
      showError(err);
    }
  }

  function filenameOf(res) {
    const cd = res.headers.get("Content-Disposition") || "";
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    if (star) { try { return decodeURIComponent(star[1]); } catch (_) { /* fall through */ } }
    const plain = /filename="?([^";]+)"?/i.exec(cd);
    return plain ? plain[1] : "";
  }

  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function initBatchActions() {
    document.querySelectorAll("[data-download]").forEach((btn) => {
      btn.addEventListener("click", () => download(btn.dataset.download));
    });
    $("#cancel-btn").addEventListener("click", async () => {
      if (!current || !window.confirm(t("cancelConfirm"))) return;
      try {
        const res = await api(current.links.cancel, { method: "POST" });
        current = await res.json();
        renderBatch(current);
        $("#batch-note").textContent = t("cancelled");
        loadList(false);
      } catch (err) {
        showError(err);
      }
    });
  }

  // ---- recent batches ----
  async function loadList(more) {
    if (!apiKey()) return;
    let url = "/v1/batches?limit=10";
    if (more && nextCursor) url += "&cursor=" + encodeURIComponent(nextCursor);
    try {
      const res = await api(url);
      const page = await res.json();
      renderList(page.batches, more);
      nextCursor = page.next_cursor;
      $("#list-more").hidden = !nextCursor;
    } catch (err) {
      if (err.status === 401) { keyState = ""; $("#key-state").textContent = err.message; }
      else showError(err);
    }
  }

  function renderList(batches, append) {
    const tbody = $("#list tbody");
    if (!append) tbody.replaceChildren();
    batches.forEach((b) => tbody.appendChild(listRow(b)));
    const empty = tbody.children.length === 0;
    $("#list").hidden = empty;
    $("#list-empty").hidden = !empty;
    $("#list-empty").textContent = t("listNone");
  }

  function listRow(b) {
    const tr = document.createElement("tr");
    const cells = [
      b.filename,
      t("status_" + b.status) + (b.mode === "validate" ? " · " + t("mode_validate") : ""),
      (b.total_rows || 0).toLocaleString(locale()),
      (b.mode === "validate" ? b.valid : b.created) + " / " + b.rejected,
      new Date(b.created_at).toLocaleString(locale()),
    ];
    cells.forEach((v, i) => {
      const td = document.createElement("td");
      td.textContent = String(v);
      if (i === 2 || i === 3) td.className = "num";
      tr.appendChild(td);
    });
    const td = document.createElement("td");
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "link";
    btn.textContent = t("open");
    btn.setAttribute("aria-label", t("open") + ": " + b.filename);
    btn.addEventListener("click", () => { clearError(); showBatch(b); poll(); $("#batch").scrollIntoView(); });
    td.appendChild(btn);
    tr.appendChild(td);
    return tr;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("#lang-toggle").addEventListener("click", () => {
      lang = lang === "id" ? "en" : "id";
      localStorage.setItem(LANG_STORE, lang);
      applyLang();
    });
    $("#list-refresh").addEventListener("click", () => loadList(false));
    $("#list-more").addEventListener("click", () => loadList(true));
    initKey();
    initUpload();
    initBatchActions();
    applyLang();
  });
})();
