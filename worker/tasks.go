// Package worker runs the batch pipeline on Asynq: plan → chunks → finalize,
// plus the scheduled reconciler and claim promotion. Tasks carry ids and row
// ranges only, never row data or personal data; PostgreSQL decides what is
// done, so every handler is idempotent.
package worker

import (
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"
)

// Task types.
const (
	TypePlan      = "batch:plan"
	TypeChunk     = "batch:chunk"
	TypeFinalize  = "batch:finalize"
	TypeNotify    = "batch:notify"
	TypeReconcile = "batch:reconcile"
	TypePromote   = "claims:promote"
	TypeRetention = "batches:retention"
)

// Queues: control tasks (plan, finalize, schedules) are small and go first.
const (
	QueueControl = "control"
	QueueChunks  = "chunks"
)

// maxRetry is how often a pipeline task is retried (with backoff up to five
// minutes, about an hour and a half in all) before its batch is failed.
const maxRetry = 25

// PlanPayload names the batch to plan.
type PlanPayload struct {
	BatchID string `json:"batch_id"`
}

// ChunkPayload names one chunk of a batch.
type ChunkPayload struct {
	BatchID  string `json:"batch_id"`
	ChunkNo  int    `json:"chunk_no"`
	FirstRow int    `json:"first_row"`
	LastRow  int    `json:"last_row"`
}

// FinalizePayload names the batch to finalize.
type FinalizePayload struct {
	BatchID string `json:"batch_id"`
}

// NewPlanTask returns the plan task of a batch, deduplicated by TaskID.
func NewPlanTask(batchID string) (*asynq.Task, error) {
	return newTask(TypePlan, PlanPayload{BatchID: batchID}, "plan:"+batchID, QueueControl)
}

// NewChunkTask returns the task of one chunk, deduplicated by TaskID.
func NewChunkTask(p ChunkPayload) (*asynq.Task, error) {
	return newTask(TypeChunk, p, fmt.Sprintf("chunk:%s:%d", p.BatchID, p.ChunkNo), QueueChunks)
}

// NewFinalizeTask returns the finalize task of a batch, deduplicated by TaskID.
func NewFinalizeTask(batchID string) (*asynq.Task, error) {
	return newTask(TypeFinalize, FinalizePayload{BatchID: batchID}, "finalize:"+batchID, QueueControl)
}

// NotifyPayload names the finished batch to announce.
type NotifyPayload struct {
	BatchID string `json:"batch_id"`
}

// NewNotifyTask returns the task that announces a finished batch to its
// company's webhook, deduplicated by TaskID.
func NewNotifyTask(batchID string) (*asynq.Task, error) {
	return newTask(TypeNotify, NotifyPayload{BatchID: batchID}, "notify:"+batchID, QueueControl)
}

// newScheduledTask is the task the scheduler queues at each tick of typ: no
// payload, and no retry (the next tick does the work).
func newScheduledTask(typ string) *asynq.Task { return asynq.NewTask(typ, nil) }

// newRescueTask is the copy, under TaskID id, of an orphaned pipeline task
// t; its id is kept a while after it is done (orphans.go says why).
func newRescueTask(t *asynq.TaskInfo, id string) *asynq.Task {
	return asynq.NewTask(t.Type, t.Payload, asynq.TaskID(id), asynq.MaxRetry(maxRetry),
		asynq.Retention(rescueRetention))
}

func newTask(typ string, payload any, id, queue string) (*asynq.Task, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", typ, err)
	}
	return asynq.NewTask(typ, b, asynq.TaskID(id), asynq.Queue(queue), asynq.MaxRetry(maxRetry)), nil
}
