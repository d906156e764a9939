package batch

import (
	"strings"
	"testing"
)

// TestFaultText checks that every fault reads the same in English as the
// decoder's value always did, and has its own text in Bahasa Indonesia.
func TestFaultText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f      Fault
		en, id string
	}{
		{Fault{Kind: FaultNULByte}, "NUL byte", "ada byte NUL"},
		{Fault{Kind: FaultInvalidUTF8}, "invalid UTF-8", "bukan UTF-8 yang valid"},
		{Fault{Kind: FaultRecordTooLong, Limit: 200}, "record longer than 200 bytes", "satu baris data lebih dari 200 byte"},
		{Fault{Kind: FaultBareQuote, At: true, Line: 3, Column: 5}, `line 3, column 5: bare " in non-quoted-field`,
			`baris 3, karakter ke-5: ada tanda kutip (") di dalam nilai yang tidak diawali tanda kutip`},
		{Fault{Kind: FaultCSV, At: true, Line: 2, Column: 1, Cause: "odd"}, "line 2, column 1: odd", ""},
	}
	for _, tt := range tests {
		if got := tt.f.describe(LangEN); got != tt.en {
			t.Errorf("%+v in English = %q, want %q", tt.f, got, tt.en)
		}
		if got := tt.f.describe(LangID); got != tt.id {
			t.Errorf("%+v in Bahasa Indonesia = %q, want %q", tt.f, got, tt.id)
		}
	}
	d := faultDetail(CodeCSVSyntax, 4, "", Fault{Kind: FaultUnclosedQuote})
	if id := d.Text(LangID); !strings.Contains(id, "tidak pernah ditutup") || strings.Contains(id, "never") {
		t.Errorf("Text(id) = %q, want the Indonesian fault", id)
	}
	if en := d.Text(LangEN); !strings.Contains(en, "a quoted field is never closed") {
		t.Errorf("Text(en) = %q, want the English fault", en)
	}
}
