package api

import (
	"context"
	"time"

	"jhtbatch/batch"
	"jhtbatch/worker"
)

// Store is what the API asks of PostgreSQL, the source of truth: the store
// of package postgres is the one cmd/jhtbatch passes. Declaring it here
// keeps the handlers to the methods they call, and the API free of the
// storage package.
type Store interface {
	Ping(ctx context.Context) error

	// Companies, HR users and operators.
	Authenticate(ctx context.Context, key string) (batch.Company, error)
	Login(ctx context.Context, email, password string, now time.Time) (string, batch.User, error)
	SessionUser(ctx context.Context, token string, now time.Time, lim batch.SessionLimits) (batch.User, batch.Company, error)
	Logout(ctx context.Context, token string) error
	AuthenticateOperator(ctx context.Context, token string) (batch.Operator, error)

	// A company's batches and what they hold.
	CreateBatch(ctx context.Context, up batch.Upload, dec *batch.Decoder) (batch.Batch, bool, error)
	Replay(ctx context.Context, up batch.Upload) (batch.Batch, bool, error)
	RecordRejectedUpload(ctx context.Context, up batch.Upload, reason *batch.Error) (string, error)
	CreateFromCheck(ctx context.Context, companyID int64, id, by string) (batch.Batch, error)
	Batch(ctx context.Context, companyID int64, id string) (batch.Batch, error)
	Batches(ctx context.Context, companyID int64, limit int, cursor string) ([]batch.Batch, string, error)
	CancelBatch(ctx context.Context, companyID int64, id string) (batch.Batch, error)
	ReportLines(ctx context.Context, b batch.Batch, onlyRejected bool, fn func(batch.ReportLine) error) error
	RowPage(ctx context.Context, b batch.Batch, onlyRejected bool, after, limit int) ([]batch.ReportLine, bool, error)
	Receipt(ctx context.Context, companyID int64, id string) (batch.Receipt, error)
	Claim(ctx context.Context, companyID int64, number string) (batch.ClaimRecord, error)

	// Header mappings, learned and saved.
	LearnedMapping(ctx context.Context, companyID int64) (batch.Mapping, error)
	SavedMappings(ctx context.Context, companyID int64) ([]batch.SavedMapping, error)
	SaveMapping(ctx context.Context, companyID int64, m batch.SavedMapping) (batch.SavedMapping, error)

	// The operators' console and the pipeline's metrics.
	AllBatches(ctx context.Context, now time.Time, f batch.OpsFilter) ([]batch.OpsBatch, error)
	RetryBatch(ctx context.Context, operatorID int64, id string) (batch.Batch, error)
	OperatorCancelBatch(ctx context.Context, operatorID int64, id string) (batch.Batch, error)
	AuditQueueAction(ctx context.Context, operatorID int64, detail string) error
	Flight(ctx context.Context, now time.Time) (batch.FlightStats, error)
	worker.ChunkLister // a retried batch's chunks, queued again
}
