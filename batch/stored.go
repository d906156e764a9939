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

// Chunk is a range of rows of a batch, processed in one transaction.
type Chunk struct {
	BatchID  string
	No       int
	FirstRow int
	LastRow  int
}

// ChunkResult says what processing a chunk did.
type ChunkResult struct {
	Rows      int  // rows given an outcome now (0 when the chunk was already done)
	Created   int  // claims created
	Rejected  int  // rows rejected
	Skipped   bool // the chunk was already done, or the batch is no longer processing
	BatchDone bool // every row of the batch has its outcome: finalize it
}

// Unfinished is the work PostgreSQL says is not done: batches to plan,
// chunks to process (at most perBatch of each processing batch, the lowest
// first), batches to finalize, and finished batches to announce.
type Unfinished struct {
	Plan     []string
	Chunks   []Chunk
	Finalize []string
	Notify   []string // finished batches not yet announced to their company's webhook
}

// ClaimRecord is a stored claim.
type ClaimRecord struct {
	Claim
	Number       string
	BatchID      string
	Row          int
	CompanyID    int64
	RulesVersion string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// SavedMapping is a company's remembered header mapping: for the uploaded
// headers Headers, each mapped header's column name, or nil to ignore it.
type SavedMapping struct {
	Headers   []string
	Mapping   map[string]*string
	UpdatedAt time.Time
}

// Notice is what announcing a finished batch needs.
type Notice struct {
	URL    string
	Secret []byte
	Batch  Batch
}

// Receipt is the signed proof that a batch was accepted: what was received,
// from whom and when, signed with the service's Ed25519 key. Anyone with the
// public key can check that SignedPayload was signed and that it names the
// file they sent (its SHA-256).
type Receipt struct {
	ReceiptPayload
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"` // base64 Ed25519 public key
	Signature string `json:"signature"`  // base64 Ed25519 signature of SignedPayload
	// SignedPayload is the exact text that was signed: the JSON of the
	// ReceiptPayload.
	SignedPayload string `json:"signed_payload"`
}

// ReceiptPayload is what a receipt attests.
type ReceiptPayload struct {
	BatchID     string    `json:"batch_id"`
	CompanyNPP  string    `json:"company_npp"`
	CompanyName string    `json:"company_name"`
	Filename    string    `json:"filename"`
	FileSHA256  string    `json:"file_sha256"`
	Rows        int       `json:"rows"`
	Mode        string    `json:"mode"`
	AcceptedAt  time.Time `json:"accepted_at"`
}
