// Package deploy holds what operators deploy next to jhtbatch: Prometheus
// alerting rules and a Grafana dashboard. Its tests check the rules with
// promtool; cmd/jhtbatch checks that every metric they name exists.
package deploy

import (
	"os"
	"os/exec"
	"testing"
)

// TestAlertRules runs promtool on the alerting rules and on their unit
// tests (a small series per alert). Without promtool the test skips, except
// under CI=true, where a missing promtool is a failure: scripts/test.sh
// installs it.
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool not found under CI=true: scripts/test.sh installs Debian's prometheus package")
		}
		t.Skip("promtool not installed (apt-get install prometheus); CI runs this")
	}
	for _, args := range [][]string{
		{"check", "config", "prometheus.yml"},
		{"check", "rules", "alerts.yml"},
		{"test", "rules", "alerts_test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "prometheus"
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}
