package api

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"jhtbatch/batch"
)

// receiptPolicy lets the printable receipt use its own inline style and
// nothing else: no script, no image, no request anywhere.
const receiptPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// handleReceiptHTML answers the signed submission receipt of the company's
// batch as a page to print or keep (docs "receipt for people"): the same
// signed fields as GET .../receipt, the public key, the exact signed text
// and how to check the signature, in the language of ?lang=en|id or else
// Accept-Language.
func (s *server) handleReceiptHTML(w http.ResponseWriter, r *http.Request, c batch.Company) {
	lang := langOf(r)
	switch q := r.URL.Query().Get("lang"); q {
	case "":
	case string(batch.LangEN), string(batch.LangID):
		lang = batch.Lang(q)
	default:
		s.writeError(w, r, invalidParam("lang"))
		return
	}
	rc, err := s.store.Receipt(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBatch(r, rc.BatchID)
	var buf bytes.Buffer
	if err := receiptTemplate.Execute(&buf, receiptPage{R: rc, T: receiptTexts[lang], Lang: string(lang),
		AcceptedAt: rc.AcceptedAt.UTC().Format(time.RFC3339Nano)}); err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", receiptPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", string(lang))
	_, _ = buf.WriteTo(w)
}

// receiptPage is what the receipt template shows.
type receiptPage struct {
	R          batch.Receipt
	T          receiptText
	Lang       string
	AcceptedAt string
}

// receiptText is the wording of the receipt in one language.
type receiptText struct {
	Title, Intro, Batch, Company, Filename, SHA, Rows, Mode, Accepted string
	Signature, KeyID, PublicKey, Sig, Payload, PayloadNote            string
	Verify, Step1, Step2, Step3, Step4, Print                         string
}

var receiptTexts = map[batch.Lang]receiptText{
	batch.LangID: {
		Title:       "Tanda Terima Pengajuan Klaim JHT Kolektif",
		Intro:       "BPJS Ketenagakerjaan (layanan jhtbatch) menerima berkas berikut. Tanda terima ini ditandatangani secara digital; siapa pun dapat memeriksa keasliannya dengan kunci publik di bawah.",
		Batch:       "ID batch",
		Company:     "Perusahaan (NPP)",
		Filename:    "Nama berkas",
		SHA:         "SHA-256 berkas",
		Rows:        "Jumlah baris data",
		Mode:        "Mode",
		Accepted:    "Diterima pada (UTC)",
		Signature:   "Tanda tangan digital (Ed25519)",
		KeyID:       "ID kunci",
		PublicKey:   "Kunci publik (base64, 32 byte)",
		Sig:         "Tanda tangan (base64, 64 byte)",
		Payload:     "Teks yang ditandatangani",
		PayloadNote: "Tanda tangan berlaku atas byte UTF-8 persis dari teks JSON ini, tanpa spasi atau baris baru tambahan (sama dengan signed_payload di GET /v1/batches/{id}/receipt).",
		Verify:      "Cara memeriksa",
		Step1:       "Hitung SHA-256 berkas yang Anda kirim (sha256sum NAMA_BERKAS, atau di Windows: certutil -hashfile NAMA_BERKAS SHA256) dan bandingkan dengan SHA-256 di atas.",
		Step2:       "Pastikan kunci publik sama dengan kunci publik layanan yang diumumkan BPJS Ketenagakerjaan.",
		Step3:       "Periksa tanda tangan Ed25519 atas teks yang ditandatangani dengan kunci publik itu, misalnya dengan OpenSSL 3 dan jq:",
		Step4:       "OpenSSL menjawab \"Signature Verified Successfully\" bila tanda terima asli dan tidak diubah.",
		Print:       "Cetak halaman ini dengan fungsi cetak peramban (Ctrl+P).",
	},
	batch.LangEN: {
		Title:       "Collective JHT Claim Submission Receipt",
		Intro:       "BPJS Ketenagakerjaan (the jhtbatch service) received the file below. This receipt is digitally signed; anyone can check it with the public key below.",
		Batch:       "Batch ID",
		Company:     "Company (NPP)",
		Filename:    "File name",
		SHA:         "File SHA-256",
		Rows:        "Data rows",
		Mode:        "Mode",
		Accepted:    "Accepted at (UTC)",
		Signature:   "Digital signature (Ed25519)",
		KeyID:       "Key ID",
		PublicKey:   "Public key (base64, 32 bytes)",
		Sig:         "Signature (base64, 64 bytes)",
		Payload:     "Signed text",
		PayloadNote: "The signature covers the exact UTF-8 bytes of this JSON text, with no added spaces or line breaks (the same as signed_payload of GET /v1/batches/{id}/receipt).",
		Verify:      "How to verify",
		Step1:       "Compute the SHA-256 of the file you sent (sha256sum FILE, or on Windows: certutil -hashfile FILE SHA256) and compare it with the SHA-256 above.",
		Step2:       "Make sure the public key is the service's public key as published by BPJS Ketenagakerjaan.",
		Step3:       "Check the Ed25519 signature of the signed text with that public key, for example with OpenSSL 3 and jq:",
		Step4:       "OpenSSL answers \"Signature Verified Successfully\" when the receipt is genuine and unchanged.",
		Print:       "Print this page with the browser's print function (Ctrl+P).",
	},
}

// receiptTemplate is the page: plain HTML with an inline style for screen
// and print; html/template escapes every value.
var receiptTemplate = template.Must(template.New("receipt").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T.Title}} — {{.R.BatchID}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.4; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; }
h2 { font-size: 1.1rem; margin-top: 1.75rem; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #ddd; }
th { width: 16rem; font-weight: 600; }
code, pre, .mono { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-all; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; background: #f4f4f4; padding: .6rem; border: 1px solid #ddd; }
.note { color: #444; font-size: .9rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .screen { display: none; }
  pre { background: none; }
  h2 { break-after: avoid; }
  table, pre { break-inside: avoid; }
  @page { margin: 15mm; }
}
</style>
</head>
<body>
<h1>{{.T.Title}}</h1>
<p class="note">{{.T.Intro}}</p>
<table>
<tr><th>{{.T.Batch}}</th><td class="mono">{{.R.BatchID}}</td></tr>
<tr><th>{{.T.Company}}</th><td>{{.R.CompanyName}} ({{.R.CompanyNPP}})</td></tr>
<tr><th>{{.T.Filename}}</th><td>{{.R.Filename}}</td></tr>
<tr><th>{{.T.SHA}}</th><td class="mono">{{.R.FileSHA256}}</td></tr>
<tr><th>{{.T.Rows}}</th><td>{{.R.Rows}}</td></tr>
<tr><th>{{.T.Mode}}</th><td>{{.R.Mode}}</td></tr>
<tr><th>{{.T.Accepted}}</th><td>{{.AcceptedAt}}</td></tr>
</table>
<h2>{{.T.Signature}}</h2>
<table>
<tr><th>{{.T.KeyID}}</th><td class="mono">{{.R.KeyID}}</td></tr>
<tr><th>{{.T.PublicKey}}</th><td class="mono">{{.R.PublicKey}}</td></tr>
<tr><th>{{.T.Sig}}</th><td class="mono">{{.R.Signature}}</td></tr>
</table>
<h2>{{.T.Payload}}</h2>
<pre>{{.R.SignedPayload}}</pre>
<p class="note">{{.T.PayloadNote}}</p>
<h2>{{.T.Verify}}</h2>
<ol>
<li>{{.T.Step1}}</li>
<li>{{.T.Step2}}</li>
<li>{{.T.Step3}}
<pre>curl -H "Authorization: Bearer $JHTBATCH_KEY" "$JHTBATCH_API/v1/batches/{{.R.BatchID}}/receipt" &gt; receipt.json
jq -j .signed_payload receipt.json &gt; payload.json
jq -r .signature receipt.json | base64 -d &gt; signature.bin
(printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; jq -r .public_key receipt.json | base64 -d) &gt; public.der
openssl pkeyutl -verify -pubin -inkey public.der -keyform DER -rawin -in payload.json -sigfile signature.bin</pre></li>
<li>{{.T.Step4}}</li>
</ol>
<p class="note screen">{{.T.Print}}</p>
</body>
</html>
`))
