package worker

import (
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestRescueCopy(t *testing.T) {
	now := time.Unix(6000, 0) // minute 100
	payload := []byte(`{"batch_id":"b","chunk_no":3,"first_row":7,"last_row":9}`)
	tests := []struct {
		name   string
		info   asynq.TaskInfo
		wantID string // "" when no copy is wanted
	}{
		{"orphaned chunk", asynq.TaskInfo{ID: "chunk:b:3", Type: TypeChunk, Payload: payload, IsOrphaned: true}, "chunk:b:3:rescue100"},
		{"orphaned copy", asynq.TaskInfo{ID: "chunk:b:3:rescue99", Type: TypeChunk, Payload: payload, IsOrphaned: true}, "chunk:b:3:rescue100"},
		{"orphaned plan", asynq.TaskInfo{ID: "plan:b", Type: TypePlan, IsOrphaned: true}, "plan:b:rescue100"},
		{"running chunk", asynq.TaskInfo{ID: "chunk:b:3", Type: TypeChunk, Payload: payload}, ""},
		{"orphaned reconcile", asynq.TaskInfo{ID: "x", Type: TypeReconcile, IsOrphaned: true}, ""},
	}
	for _, tt := range tests {
		c := rescueCopy(&tt.info, now)
		switch {
		case tt.wantID == "" && c != nil:
			t.Errorf("%s: a copy was made, want none", tt.name)
		case tt.wantID == "":
		case c == nil:
			t.Errorf("%s: no copy, want one with TaskID %s", tt.name, tt.wantID)
		case c.Type() != tt.info.Type || string(c.Payload()) != string(tt.info.Payload):
			t.Errorf("%s: copy %s %s, want %s %s", tt.name, c.Type(), c.Payload(), tt.info.Type, tt.info.Payload)
		case rescueID(tt.info.ID, now) != tt.wantID:
			t.Errorf("%s: copy's TaskID %s, want %s", tt.name, rescueID(tt.info.ID, now), tt.wantID)
		}
	}
}
