package api

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"jhtbatch/metric"
)

// metrics are the API's Prometheus collectors. Labels have bounded values:
// route patterns, methods, status codes and upload outcomes.
type metrics struct {
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	uploads    *prometheus.CounterVec
	uploadRows prometheus.Counter
}

// Upload outcomes, the values of the uploads_total label.
const (
	uploadAccepted = "accepted"
	uploadReplayed = "replayed"
	uploadRejected = "rejected"
	uploadFailed   = "error"
	uploadGone     = "client_gone" // the client hung up mid-upload: not our error
)

func newMetrics(reg prometheus.Registerer) *metrics {
	return &metrics{
		requests: metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"})),
		duration: metric.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"route"})),
		uploads: metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uploads_total",
			Help: "Batch uploads, by outcome: accepted, replayed (Idempotency-Key), rejected (file-level error) or error.",
		}, []string{"outcome"})),
		uploadRows: metric.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Name: "upload_rows_total",
			Help: "Data rows in accepted uploads.",
		})),
	}
}

func (s *server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.gather, promhttp.HandlerOpts{})
}
