package api

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"jhtbatch/batch"
	"jhtbatch/redact"
)

// writeJSON answers v as JSON with status. Encoding our own types cannot
// fail in a way the client could be told about once the status is sent.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// batchJSON is a batch as the API shows it (docs/api.md).
type batchJSON struct {
	ID            string       `json:"id"`
	Status        batch.Status `json:"status"`
	Mode          batch.Mode   `json:"mode"`
	Filename      string       `json:"filename"`
	TotalRows     int          `json:"total_rows"`
	ProcessedRows int          `json:"processed_rows"`
	Created       int          `json:"created"`
	Valid         int          `json:"valid"`
	Rejected      int          `json:"rejected"`
	Warnings      int          `json:"warnings"`
	RulesVersion  string       `json:"rules_version"`
	CreatedAt     time.Time    `json:"created_at"`
	StartedAt     *time.Time   `json:"started_at"`
	FinishedAt    *time.Time   `json:"finished_at"`
	Encoding      string       `json:"encoding"`
	Delimiter     string       `json:"delimiter"`
	FileSHA256    string       `json:"file_sha256"`
	UploadedBy    *string      `json:"uploaded_by"` // "user:<e-mail>" or "key:<key id>"
	Links         batchLinks   `json:"links"`
	// SourceBatchID is the check a batch made by POST .../create came from.
	SourceBatchID *string `json:"source_batch_id"`
}

type batchLinks struct {
	Self       string `json:"self"`
	ReportCSV  string `json:"report_csv"`
	ReportXLSX string `json:"report_xlsx"`
	Receipt    string `json:"receipt"`
	Cancel     string `json:"cancel"`
	// ReceiptHTML is the printable receipt; Create (validate-only batches
	// only) turns the check into claims.
	ReceiptHTML string `json:"receipt_html"`
	Create      string `json:"create,omitempty"`
}

// toBatchJSON renders a stored batch. Times are shown in UTC.
func toBatchJSON(b batch.Batch) batchJSON {
	self := batch.BatchPath(b.ID)
	out := batchJSON{
		ID:            b.ID,
		Status:        b.Status,
		Mode:          b.Mode,
		Filename:      b.Filename,
		TotalRows:     b.TotalRows,
		ProcessedRows: b.ProcessedRows,
		Created:       b.Created,
		Valid:         b.Valid,
		Rejected:      b.Rejected,
		Warnings:      b.Warnings,
		RulesVersion:  b.RulesVersion,
		CreatedAt:     b.CreatedAt.UTC(),
		StartedAt:     utc(b.StartedAt),
		FinishedAt:    utc(b.FinishedAt),
		Encoding:      string(b.Encoding),
		Delimiter:     delimiterString(b.Delimiter),
		FileSHA256:    hex.EncodeToString(b.SHA256[:]),
		UploadedBy:    nonEmpty(b.UploadedBy),
		Links: batchLinks{
			Self:       self,
			ReportCSV:  batch.ReportCSVPath(b.ID),
			ReportXLSX: self + "/report.xlsx",
			Receipt:    self + "/receipt",
			Cancel:     self + "/cancel",
		},
	}
	out.Links.ReceiptHTML, out.Links.Create = self+"/receipt.html", createLink(b)
	out.SourceBatchID = sourceOf(b)
	return out
}

// createLink is the path that turns a validate-only batch into claims.
func createLink(b batch.Batch) string {
	if b.Mode != batch.ModeValidate {
		return ""
	}
	return batch.BatchPath(b.ID) + "/create"
}

func sourceOf(b batch.Batch) *string {
	if b.SourceBatchID == "" {
		return nil
	}
	id := b.SourceBatchID
	return &id
}

func delimiterString(d rune) string {
	if d == 0 {
		return ""
	}
	return string(d)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// batchListJSON is one page of a company's batches.
type batchListJSON struct {
	Batches    []batchJSON `json:"batches"`
	NextCursor *string     `json:"next_cursor"`
}

// claimJSON is a claim as the API shows it: identifiers masked, because a
// claim number is enough to read it and the answer may end up in logs or
// screenshots.
type claimJSON struct {
	ClaimNumber     string            `json:"claim_number"`
	BatchID         string            `json:"batch_id"`
	Row             int               `json:"row"`
	Status          batch.ClaimStatus `json:"status"`
	KPJ             string            `json:"kpj"`
	NIK             string            `json:"nik"`
	FullName        string            `json:"full_name"`
	Reason          batch.Reason      `json:"reason"`
	TerminationDate string            `json:"termination_date"`
	EligibleOn      string            `json:"eligible_on"`
	BankCode        string            `json:"bank_code"`
	BankAccount     string            `json:"bank_account"`
	GrossAmount     int64             `json:"gross_amount"`
	TaxAmount       int64             `json:"tax_amount"`
	NetAmount       int64             `json:"net_amount"`
	RulesVersion    string            `json:"rules_version"`
	CreatedAt       time.Time         `json:"created_at"`
}

const dateLayout = "2006-01-02"

func toClaimJSON(c batch.ClaimRecord) claimJSON {
	return claimJSON{
		ClaimNumber:     c.Number,
		BatchID:         c.BatchID,
		Row:             c.Row,
		Status:          c.Status,
		KPJ:             maskMiddle(c.KPJ),
		NIK:             maskMiddle(c.NIK),
		FullName:        c.FullName,
		Reason:          c.Reason,
		TerminationDate: c.TerminationDate.Format(dateLayout),
		EligibleOn:      c.EligibleOn.Format(dateLayout),
		BankCode:        c.BankCode,
		BankAccount:     maskAllButLast(c.BankAccount, 4),
		GrossAmount:     c.Gross,
		TaxAmount:       c.Tax,
		NetAmount:       c.Net,
		RulesVersion:    c.RulesVersion,
		CreatedAt:       c.CreatedAt.UTC(),
	}
}

// maskMiddle keeps the first 4 and the last 4 characters of s and stars the
// rest (3171********0001). A value too short to keep 8 is starred whole.
func maskMiddle(s string) string { return redact.KeepEnds(s, 4, 4) }

// maskAllButLast stars all of s but its last keep characters; a value not
// longer than keep is starred whole.
func maskAllButLast(s string, keep int) string { return redact.KeepEnds(s, 0, keep) }

// nonEmpty is s, or nil (JSON null) when s is empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
