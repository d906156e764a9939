package batch

import "time"

// What operators (the service's own staff) are, what they do, and how they
// see every company's batches.

// Operator is a member of the service's own staff. An operator is never a
// company: it sees every company's batches and no company route.
type Operator struct {
	ID          int64
	Name        string
	TokenID     string // public prefix of the token
	WriteQueues bool   // may change the queues in the queue dashboard, not only look
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// OperatorAction is one row of the operators' audit trail.
type OperatorAction struct {
	OperatorID   int64
	OperatorName string
	Action       string
	BatchID      string
	At           time.Time
}

// Operator actions written to the audit trail.
const (
	ActionRetry  = "retry"
	ActionCancel = "cancel"
	// ActionQueues is a change asked of the queue dashboard; its detail is
	// the request and the answer's status.
	ActionQueues = "queues"
)

// OpsBatch is a batch as operators see it: any company's, with the
// company's NPP and, while unfinished, since when its oldest unfinished
// chunk has waited.
type OpsBatch struct {
	Batch
	CompanyNPP string
	// UnfinishedSince is when the batch's oldest unfinished chunk was made
	// (the batch was planned), or when the batch was accepted while it is not
	// planned yet; nil once the batch is finished.
	UnfinishedSince *time.Time
	// Stuck says the oldest unfinished chunk has waited longer than the
	// filter's StuckAfter.
	Stuck bool
}

// OpsFilter selects batches for operators. Zero fields select everything.
type OpsFilter struct {
	Statuses   []string      // any of these statuses
	CompanyNPP string        // one company
	OlderThan  time.Duration // created at least this long ago
	NewerThan  time.Duration // created at most this long ago
	StuckAfter time.Duration // unfinished longer than this is stuck; 0 means DefaultStuckAfter
	Limit      int           // at most this many; 0 means DefaultOpsLimit
}

// DefaultOpsLimit and MaxOpsLimit bound the operators' list of batches:
// the default length, and the most a request may ask for.
const (
	DefaultOpsLimit = 200
	MaxOpsLimit     = 1000
)

// DefaultStuckAfter is how long a chunk may stay unfinished before its batch
// is called stuck, when nothing else is configured.
const DefaultStuckAfter = 15 * time.Minute

// FlightStats is what the metrics say about the pipeline: unfinished
// batches by status, and how long the oldest unfinished chunk has waited.
type FlightStats struct {
	ByStatus         map[string]int
	OldestUnfinished time.Duration // 0 when nothing is unfinished
}
