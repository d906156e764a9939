package batch

import "time"

// Batch is a batch as stored: its file, its progress and its outcome. The
// API and the workers read it; the store writes it.
type Batch struct {
	ID             string
	CompanyID      int64
	Status         Status
	Mode           Mode
	Filename       string
	SHA256         [32]byte
	Size           int64
	Encoding       Encoding
	Delimiter      rune
	Header         []string
	Layout         Layout
	IdempotencyKey string
	RulesVersion   string
	TotalRows      int
	ProcessedRows  int
	Created        int
	Valid          int
	Rejected       int
	Warnings       int
	RejectCode     Code
	CreatedAt      time.Time
	StartedAt      *time.Time
	FinishedAt     *time.Time
	PurgedAt       *time.Time
	SourceBatchID  string // the check a batch from POST .../create was made of; "" when none
	UploadedBy     string // "user:<e-mail>" or "key:<key id>"; "" for batches older than the record
}

// Upload describes an uploaded file about to be stored.
type Upload struct {
	CompanyID      int64
	Mode           Mode
	Filename       string
	Info           FileInfo
	IdempotencyKey string // "" when none
	// Mapping is the upload's own header mapping (nil: none); its effect
	// is stored as the batch's layout.
	Mapping    Mapping
	UploadedBy string // who: "user:<e-mail>" or "key:<key id>"
}
