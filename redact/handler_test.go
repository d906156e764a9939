package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Personal values used in the tests: none of them may reach the output.
const (
	testNIK     = "3171014101900001"
	testKPJ     = "12345678901"
	testPhone   = "081234567890"
	testAccount = "9876543210"
	testEmail   = "budi.santoso@example.com"
)

func jsonLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(NewHandler(slog.NewJSONHandler(buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{} // a fixed output to compare
			}
			return a
		},
	})))
}

func TestHandlerMasksEverything(t *testing.T) {
	var buf bytes.Buffer
	log := jsonLogger(&buf).With("company_nik", testNIK).WithGroup("row").With(slog.Int("no", 7))
	log.Info("row rejected: kpj "+testKPJ+" phone "+testPhone,
		slog.String("detail", "rekening "+testAccount+" milik "+testEmail),
		slog.Group("participant", slog.String("nik", "31-71"), slog.String("note", testNIK)),
		slog.Any("err", fmt.Errorf("lookup %s: %w", testKPJ, errors.New("not found"))),
		slog.String("kpj", "x"),
		slog.Int64("nik_number", 3171014101900001),
	)
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, buf.String())
	}
	want := map[string]any{
		"level":       "INFO",
		"msg":         "row rejected: kpj 123*****901 phone *********890",
		"company_nik": "3171********0001",
		"row": map[string]any{
			"no":     float64(7),
			"detail": "rekening ****3210 milik b***@example.com",
			"participant": map[string]any{
				"nik":  "*****",
				"note": "3171********0001",
			},
			"err":        "lookup 123*****901: not found",
			"kpj":        "*",
			"nik_number": "3171********0001",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("logged record (-want +got):\n%s", diff)
	}
	assertNoPersonalData(t, buf.String())
}

func TestHandlerKeepsSafeValues(t *testing.T) {
	var buf bytes.Buffer
	at := time.Date(2026, 11, 3, 10, 15, 30, 123456789, time.UTC)
	jsonLogger(&buf).Info("batch 0b7e4c1a-2f3d-4e5f-8a9b-426614174000 finished",
		slog.String("batch_id", "0b7e4c1a-2f3d-4e5f-8a9b-426614174000"),
		slog.String("claim", "JHT-2026-00000042"),
		slog.Int("rows", 200000),
		slog.Int64("gross", 1234567890),
		slog.Duration("took", 1234567891*time.Nanosecond),
		slog.Time("at", at),
		slog.Float64("ratio", 0.123456789),
		slog.Bool("ok", true),
		slog.Any("nothing", nil),
	)
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, buf.String())
	}
	want := map[string]any{
		"level":    "INFO",
		"msg":      "batch 0b7e4c1a-2f3d-4e5f-8a9b-426614174000 finished",
		"batch_id": "0b7e4c1a-2f3d-4e5f-8a9b-426614174000",
		"claim":    "JHT-2026-00000042",
		"rows":     float64(200000),
		"gross":    float64(1234567890),
		"took":     float64(1234567891),
		"at":       "2026-11-03T10:15:30.123456789Z",
		"ratio":    0.123456789,
		"ok":       true,
		"nothing":  nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("logged record (-want +got):\n%s", diff)
	}
}

// loggedRow is a LogValuer, as a domain type might implement: it must be
// resolved before masking.
type loggedRow struct{ nik, phone string }

func (r loggedRow) LogValue() slog.Value {
	return slog.GroupValue(slog.String("nik", r.nik), slog.String("contact", r.phone))
}

func TestHandlerTextOutputHasNoPersonalData(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewTextHandler(&buf, nil)))
	log.Warn("upload "+testEmail, "row", loggedRow{testNIK, "+62 812-3456-7890"}, "values", []string{testKPJ, testAccount})
	log.With(slog.Group("g", slog.String("a", testNIK))).Error("failed", "err", errors.New("nik "+testNIK+" taken"))
	log.Info(testPhone, "stringer", stringer(testKPJ))
	out := buf.String()
	assertNoPersonalData(t, out)
	for _, want := range []string{"3171********0001", "123*****901", "****3210", "b***@example.com", "*********890"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks the masked form %q:\n%s", want, out)
		}
	}
}

type stringer string

func (s stringer) String() string { return "kpj:" + string(s) }

var longDigits = regexp.MustCompile(`[0-9]{6,}`)

// assertNoPersonalData fails when out contains any test personal value or
// any run of 6 or more digits that is not part of a timestamp.
func assertNoPersonalData(t *testing.T, out string) {
	t.Helper()
	for _, v := range []string{testNIK, testKPJ, testPhone, "812345", testAccount, "budi.santoso", "3456-7890"} {
		if strings.Contains(out, v) {
			t.Errorf("output contains personal value %q:\n%s", v, out)
		}
	}
	if runs := longDigits.FindAllString(out, -1); len(runs) > 0 {
		t.Errorf("output contains digit runs %q:\n%s", runs, out)
	}
}
