package metric_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/metric"
)

// A collector registered twice under one name is the first one: what the
// second server counts shows in the registry's one series.
func TestRegisterTwiceSharesTheCollector(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "jhtbatch_test_total", Help: "test"}
	first := metric.Register(reg, prometheus.NewCounter(opts))
	second := metric.Register(reg, prometheus.NewCounter(opts))
	if second != first {
		t.Fatal("second Register returned a new counter, want the one already registered")
	}
	first.Inc()
	second.Inc()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(families) != 1 || len(families[0].GetMetric()) != 1 {
		t.Fatalf("registry gathered %v, want one series", families)
	}
	if got := families[0].GetMetric()[0].GetCounter().GetValue(); got != 2 {
		t.Errorf("jhtbatch_test_total = %v, want 2 (both Inc on one collector)", got)
	}
}

// A name taken by a collector of another type is not returned as this
// type: Register gives back the new collector (unregistered) rather than
// panic in the type assertion.
func TestRegisterOtherTypeKeepsNew(t *testing.T) {
	reg := prometheus.NewRegistry()
	metric.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "jhtbatch_test", Help: "test"}))
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "jhtbatch_test", Help: "test"})
	if got := metric.Register(reg, g); got != g {
		t.Errorf("Register of a gauge over a counter's name returned %v, want the gauge itself", got)
	}
}
