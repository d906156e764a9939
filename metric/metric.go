// Package metric registers the Prometheus collectors of the API and the
// workers. It is the one place that knows what to do when a collector is
// registered twice: servers and handlers made twice in one process (tests,
// or `jhtbatch all` restarted in-process) share their metrics.
package metric

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers c with reg, or returns the collector already
// registered under the same name.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	return c
}
