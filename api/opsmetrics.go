package api

import (
	"context"
	"slices"
	"time"

	"github.com/hibiken/asynq"

	asynqmetrics "github.com/hibiken/asynq/x/metrics"
	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/metric"
	"jhtbatch/worker"
)

// flightTimeout bounds the database query a scrape of /metrics makes.
const flightTimeout = 3 * time.Second

// registerOpsMetrics registers what operators watch: Asynq's own queue
// gauges (asynq_queue_size and the rest, read from Redis at each scrape),
// the pipeline as PostgreSQL sees it (batches in flight by status, the age
// of the oldest unfinished chunk, whether the database answers), and the
// report builds in progress, whose gauge it returns.
func registerOpsMetrics(reg prometheus.Registerer, cfg Config) prometheus.Gauge {
	if cfg.Queue != nil {
		in := cfg.Queue.Inspector()
		metric.Register(reg, prometheus.Collector(&queueCollector{QueueMetricsCollector: asynqmetrics.NewQueueMetricsCollector(in), in: in}))
	}
	if cfg.Store != nil {
		now := cfg.Now
		if now == nil {
			now = time.Now
		}
		metric.Register(reg, prometheus.Collector(&flightCollector{store: cfg.Store, now: now}))
	}
	return metric.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "jhtbatch_report_builds_in_progress",
		Help: "Reports (CSV or XLSX) being written to a client right now.",
	}))
}

// queueCollector is Asynq's queue collector, plus a size of 0 for each
// pipeline queue Redis does not know yet: Asynq makes a queue when its first
// task comes, and a fresh service must not look as if it had no queues.
type queueCollector struct {
	*asynqmetrics.QueueMetricsCollector
	in *asynq.Inspector
}

// queueSizeDesc is Asynq's own description of asynq_queue_size.
var queueSizeDesc = prometheus.NewDesc("asynq_queue_size", "Number of tasks in a queue", []string{"queue"}, nil)

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	c.QueueMetricsCollector.Collect(ch)
	known, err := c.in.Queues()
	if err != nil {
		return // Redis is down: no gauge is better than a false 0
	}
	for _, q := range worker.Queues {
		if !slices.Contains(known, q) {
			ch <- prometheus.MustNewConstMetric(queueSizeDesc, prometheus.GaugeValue, 0, q)
		}
	}
}

// trackReportBuild counts a report build until the returned func is called.
func (s *server) trackReportBuild() func() {
	s.reportBuilds.Inc()
	return s.reportBuilds.Dec
}

var (
	inFlightDesc = prometheus.NewDesc("jhtbatch_batches_in_flight",
		"Unfinished batches, by status (accepted, processing).", []string{"status"}, nil)
	oldestChunkDesc = prometheus.NewDesc("jhtbatch_oldest_unfinished_chunk_age_seconds",
		"How long the oldest unfinished chunk of any batch has waited (since its batch was planned, or accepted); 0 when none.", nil, nil)
	databaseUpDesc = prometheus.NewDesc("jhtbatch_database_up",
		"1 when PostgreSQL answered the last scrape's query, else 0.", nil, nil)
)

// flightCollector reads the pipeline's state from PostgreSQL at each scrape.
type flightCollector struct {
	store Store
	now   func() time.Time
}

func (c *flightCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- inFlightDesc
	ch <- oldestChunkDesc
	ch <- databaseUpDesc
}

func (c *flightCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), flightTimeout)
	defer cancel()
	st, err := c.store.Flight(ctx, c.now())
	if err != nil {
		ch <- prometheus.MustNewConstMetric(databaseUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(databaseUpDesc, prometheus.GaugeValue, 1)
	for status, n := range st.ByStatus {
		ch <- prometheus.MustNewConstMetric(inFlightDesc, prometheus.GaugeValue, float64(n), status)
	}
	ch <- prometheus.MustNewConstMetric(oldestChunkDesc, prometheus.GaugeValue, st.OldestUnfinished.Seconds())
}
