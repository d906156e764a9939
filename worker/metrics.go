package worker

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"jhtbatch/postgres"
)

// Worker metrics, on the default registry that /metrics serves.
var (
	rowsProcessed = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "jhtbatch_rows_processed_total", Help: "Rows given an outcome, by outcome.",
	}, []string{"outcome"})
	chunkSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name: "jhtbatch_chunk_duration_seconds", Help: "Time to judge and store one chunk.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
	})
	batchesFinished = promauto.NewCounter(prometheus.CounterOpts{
		Name: "jhtbatch_batches_finished_total", Help: "Batches finalized.",
	})
	taskFailures = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "jhtbatch_task_failures_total", Help: "Task runs that returned an error, by task type.",
	}, []string{"type"})
)

func observeChunk(res postgres.ChunkResult, d time.Duration) {
	chunkSeconds.Observe(d.Seconds())
	rowsProcessed.WithLabelValues("CREATED").Add(float64(res.Created))
	rowsProcessed.WithLabelValues("REJECTED").Add(float64(res.Rejected))
	rowsProcessed.WithLabelValues("VALID").Add(float64(res.Rows - res.Created - res.Rejected))
}
