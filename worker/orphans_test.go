package worker

import (
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestRescueCopy(t *testing.T) {
	now := time.Unix(6000, 0) // minute 100
	payload := []byte(`{"batch_id":"b","chunk_no":3,"first_row":7,"last_row":9}`)
	fresh := now.Add(29 * time.Second)             // extended a second ago: its worker is alive
	late := now.Add(asynqLease - leaseStale + 1e9) // a heartbeat late, but within the slack
	stale := now.Add(asynqLease - leaseStale - 1e9)
	tests := []struct {
		name   string
		info   asynq.TaskInfo
		lease  time.Time
		wantID string // "" when no copy is wanted
	}{
		{"orphaned chunk", asynq.TaskInfo{ID: "chunk:b:3", Type: TypeChunk, Payload: payload, IsOrphaned: true}, now.Add(-time.Second), "chunk:b:3:rescue5999"},
		{"stale lease", asynq.TaskInfo{ID: "chunk:b:3", Type: TypeChunk, Payload: payload}, stale, "chunk:b:3:rescue6022"},
		{"orphaned copy", asynq.TaskInfo{ID: "chunk:b:3:rescue5900", Type: TypeChunk, Payload: payload}, stale, "chunk:b:3:rescue6022"},
		{"orphaned plan", asynq.TaskInfo{ID: "plan:b", Type: TypePlan, IsOrphaned: true}, time.Time{}, "plan:b:rescue-m100"},
		{"stale finalize", asynq.TaskInfo{ID: "finalize:b", Type: TypeFinalize}, stale, "finalize:b:rescue6022"},
		{"running chunk", asynq.TaskInfo{ID: "chunk:b:3", Type: TypeChunk, Payload: payload}, fresh, ""},
		{"heartbeat late", asynq.TaskInfo{ID: "chunk:b:3", Type: TypeChunk, Payload: payload}, late, ""},
		{"lease not known", asynq.TaskInfo{ID: "chunk:b:3", Type: TypeChunk, Payload: payload}, time.Time{}, ""},
		{"orphaned reconcile", asynq.TaskInfo{ID: "x", Type: TypeReconcile, IsOrphaned: true}, stale, ""},
		{"stale notify", asynq.TaskInfo{ID: "notify:b", Type: TypeNotify}, stale, ""},
	}
	for _, tt := range tests {
		c := rescueCopy(&tt.info, tt.lease, now)
		switch {
		case tt.wantID == "" && c != nil:
			t.Errorf("%s: a copy was made, want none", tt.name)
		case tt.wantID == "":
		case c == nil:
			t.Errorf("%s: no copy, want one with TaskID %s", tt.name, tt.wantID)
		case c.Type() != tt.info.Type || string(c.Payload()) != string(tt.info.Payload):
			t.Errorf("%s: copy %s %s, want %s %s", tt.name, c.Type(), c.Payload(), tt.info.Type, tt.info.Payload)
		case rescueID(tt.info.ID, tt.lease, now) != tt.wantID:
			t.Errorf("%s: copy's TaskID %s, want %s", tt.name, rescueID(tt.info.ID, tt.lease, now), tt.wantID)
		}
	}
}
