package worker

import (
	"context"
	"time"

	"jhtbatch/batch"
)

// Store is what the workers ask of PostgreSQL, the source of truth: the
// store of package postgres is the one cmd/jhtbatch passes. Declaring it
// here keeps the workers to the few methods they call.
type Store interface {
	ChunkLister
	PlanBatch(ctx context.Context, id string, chunkRows int, today time.Time) ([]batch.Chunk, error)
	RunChunk(ctx context.Context, c batch.Chunk) (batch.ChunkResult, error)
	FinalizeBatch(ctx context.Context, id string) (bool, error)
	FailBatch(ctx context.Context, id, reason string) error
	UnfinishedWork(ctx context.Context, perBatch int) (batch.Unfinished, error)
	PendingNotice(ctx context.Context, id string) (batch.Notice, bool, error)
	MarkNotified(ctx context.Context, id string) error
	PromoteClaims(ctx context.Context, today time.Time) (int64, error)
	PurgeBefore(ctx context.Context, cutoff time.Time) (int64, error)
	ForgetSessions(ctx context.Context, now time.Time) (int64, error)
}

// ChunkLister lists the lowest chunks of a batch not yet done, at most
// limit of them; Enqueuer.Resume needs nothing else of the store.
type ChunkLister interface {
	PendingChunks(ctx context.Context, id string, limit int) ([]batch.Chunk, error)
}
