// What every part of the HR page shares: the language, the calls to the
// JSON API (with the session cookie, or a developer's key), and the way
// errors and status lines are worded.
import { text, columns, pageWorded } from "./i18n.js";

const KEY_STORE = "jhtbatch.apiKey";   // sessionStorage: gone when the tab closes
const LANG_STORE = "jhtbatch.lang";    // localStorage: a preference, not a secret

export const $ = (sel) => document.querySelector(sel);

export const state = {
  lang: localStorage.getItem(LANG_STORE) === "en" ? "en" : "id",
  onSignedOut: () => {},
};

export function setLang(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_STORE, lang);
}

// t is the page's word for key in the current language, with {name}
// placeholders filled from vars.
export function t(key, vars) {
  let s = text[state.lang][key] ?? text.id[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
}

export function locale() { return state.lang === "en" ? "en-GB" : "id-ID"; }
export function num(n) { return (n || 0).toLocaleString(locale()); }
export function when(iso) { return iso ? new Date(iso).toLocaleString(locale()) : ""; }

// columnLabel is a clerk's name for one of our columns.
export function columnLabel(name) {
  const c = columns.find((c) => c[0] === name);
  if (!c) return name;
  return state.lang === "en" ? c[2] : c[1];
}

// humanize replaces any internal column name left in a server message by
// its label: a safety net, the server already names columns as uploaded.
export function humanize(msg) {
  if (!msg) return "";
  return msg
    .replace(/"(kpj|nik|full_name|birth_date|termination_date|reason|bank_code|bank_account|account_name|phone|email|npwp)"/g,
      (_, name) => '"' + columnLabel(name) + '"')
    .replace(/\b(full_name|birth_date|termination_date|bank_code|bank_account|account_name)\b/g, (m) => columnLabel(m));
}

export function apiKey() { return sessionStorage.getItem(KEY_STORE) || ""; }
export function setApiKey(k) {
  if (k) sessionStorage.setItem(KEY_STORE, k); else sessionStorage.removeItem(KEY_STORE);
}

// ApiError carries the API's error object: code, message, details, and the
// earlier batch of a duplicate file.
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || "");
    this.status = status;
    this.code = e.code || (status === 0 ? "NETWORK" : "");
    this.details = e.details || [];
    this.batchId = e.batch_id || "";
  }
}

// api calls the JSON API in the page's language, with the session cookie
// (same origin only) or the developer's key; nothing secret goes in a URL.
export async function api(path, opts = {}) {
  const headers = Object.assign({ "Accept-Language": state.lang }, opts.headers || {});
  if (apiKey()) headers.Authorization = "Bearer " + apiKey();
  let res;
  try {
    res = await fetch(path, Object.assign({}, opts, { headers, credentials: "same-origin" }));
  } catch (_) {
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch (_) { /* not JSON */ }
    const err = new ApiError(res.status, body);
    if (res.status === 401 && !opts.noSignOut) state.onSignedOut("sessionEnded");
    throw err;
  }
  return res;
}

// wordsOf is what the page says about err: its own words for the codes that
// would otherwise speak of the protocol, else the server's message (in the
// page's language, columns named as the clerk knows them).
export function wordsOf(err) {
  if (err.code === "NETWORK") return t("networkError");
  if (err.code === "not_found" || err.code === "NOT_FOUND") return t("notFound");
  if (err.status === 403 && !err.code) return t("FORBIDDEN");
  if (pageWorded.includes(err.code) || !err.message) {
    return text.id[err.code] ? t(err.code) : t("genericError");
  }
  return humanize(err.message);
}

// Note is a status line that follows the language toggle: it keeps the
// word's key, not the words.
export class Note {
  constructor(sel) { this.el = $(sel); this.key = ""; this.vars = null; }
  set(key, vars) { this.key = key; this.vars = vars; this.render(); }
  clear() { this.set(""); }
  render() { this.el.textContent = this.key ? t(this.key, this.vars) : ""; }
}

// Scroll cues: a table wider than its box scrolls inside the box, and the
// cue line before it says so.
export function updateScrollCues() {
  document.querySelectorAll("[data-scroll]").forEach((wrap) => {
    const wide = wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle("scrolls", wide);
    const cue = wrap.previousElementSibling;
    if (cue && cue.classList.contains("scroll-cue")) cue.hidden = !wide;
  });
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function filenameOf(res) {
  const cd = res.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) { try { return decodeURIComponent(star[1]); } catch (_) { /* fall through */ } }
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain ? plain[1] : "";
}

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  children.forEach((c) => c && e.appendChild(c));
  return e;
}
