package worker

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/batch"
	"jhtbatch/metric"
)

// metrics are the workers' metrics, on the registry Config.Registry names.
type metrics struct {
	rowsProcessed   *prometheus.CounterVec
	chunkSeconds    prometheus.Histogram
	batchesFinished prometheus.Counter
	taskFailures    *prometheus.CounterVec
}

// newMetrics registers the workers' metrics on reg (the default registry
// when nil). Handlers made twice in one process (tests, "all") share them.
func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		reg = prometheus.DefaultRegisterer
	}
	return &metrics{
		rowsProcessed: metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jhtbatch_rows_processed_total", Help: "Rows given an outcome, by outcome.",
		}, []string{"outcome"})),
		chunkSeconds: metric.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "jhtbatch_chunk_duration_seconds", Help: "Time to judge and store one chunk.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		})),
		batchesFinished: metric.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jhtbatch_batches_finished_total", Help: "Batches finalized.",
		})),
		taskFailures: metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jhtbatch_task_failures_total", Help: "Task runs that returned an error, by task type.",
		}, []string{"type"})),
	}
}

func (m *metrics) observeChunk(res batch.ChunkResult, d time.Duration) {
	m.chunkSeconds.Observe(d.Seconds())
	m.rowsProcessed.WithLabelValues("CREATED").Add(float64(res.Created))
	m.rowsProcessed.WithLabelValues("REJECTED").Add(float64(res.Rejected))
	m.rowsProcessed.WithLabelValues("VALID").Add(float64(res.Rows - res.Created - res.Rejected))
}
