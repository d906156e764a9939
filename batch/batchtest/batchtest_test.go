package batchtest_test

import (
	"strings"
	"testing"
	"time"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
)

// Every row ValidFile makes passes every format rule, and the registry
// holds a participant for it.
func TestValidFilePassesTheRules(t *testing.T) {
	const n = 20000
	reg, file := batchtest.ValidFile(n, "AB123456")
	lines := strings.Split(strings.TrimSpace(file), "\n")[1:]
	if len(lines) != n || strings.Count(reg, "\n") != n+1 {
		t.Fatalf("%d rows and %d registry lines, want %d of each", len(lines), strings.Count(reg, "\n")-1, n)
	}
	layout := batch.Layout{}
	for _, c := range batch.Columns {
		layout = append(layout, c.Name)
	}
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for i, line := range lines {
		r := layout.RowOf(i+1, i+2, strings.Split(line, ","))
		if _, issues := batch.Check(r, today); len(issues) > 0 {
			t.Fatalf("row %d: %v", i+1, issues)
		}
		if seen[r.KPJ] || seen[r.NIK] {
			t.Fatalf("row %d repeats a KPJ or NIK", i+1)
		}
		seen[r.KPJ], seen[r.NIK] = true, true
	}
}

// ValidRange(first, n) is lines first+1 … first+n of a longer ValidFile,
// under the same headers.
func TestValidRange(t *testing.T) {
	reg, file := batchtest.ValidFile(8, "AB123456")
	sreg, sfile := batchtest.ValidRange(5, 3, "AB123456")
	for _, c := range []struct{ whole, part, header string }{{reg, sreg, batchtest.RegistryHeader}, {file, sfile, batchtest.Header}} {
		lines := strings.SplitAfter(c.whole, "\n")
		if want := c.header + strings.Join(lines[6:9], ""); c.part != want {
			t.Errorf("ValidRange(5, 3) =\n%s\nwant\n%s", c.part, want)
		}
	}
}

func TestLetters(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "BA", 27: "BB", 675: "ZZ", 676: "BAA"} {
		if got := batchtest.Letters(i); got != want {
			t.Errorf("Letters(%d) = %q, want %q", i, got, want)
		}
	}
}
