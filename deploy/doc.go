// Package deploy holds what operators deploy next to jhtbatch: Prometheus
// alerting rules and a Grafana dashboard. Its tests check the rules with
// promtool; cmd/jhtbatch checks that every metric they name exists.
package deploy
