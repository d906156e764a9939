package postgres

import (
	"context"
	"slices"
	"strings"
	"testing"

	"jhtbatch/batch"
	"jhtbatch/testenv"
)

// decodePackedFields reads one packed row as the readers do
// (windowReader.addPacked, then placeFields).
func decodePackedFields(src []byte) ([]string, error) {
	var w windowReader
	if err := w.addPacked(src); err != nil {
		return nil, err
	}
	line := make([]batch.ReportLine, 1)
	w.placeFields(line)
	return line[0].Fields, nil
}

// packedCases are rows of fields as the upload may store them: none, empty
// fields, UTF-8, and fields whose lengths take one, two and three bytes as
// a uvarint.
var packedCases = [][]string{
	{},
	{""},
	{"", "", ""},
	{"a", "b"},
	{"Budi", "", "  spaces  ", "x\ny", "ünï Ñ 日本", "=1+1", `"quoted"`, "\\x00"},
	{strings.Repeat("a", 127), strings.Repeat("b", 128), strings.Repeat("é", 100)},
	{strings.Repeat("c", 16383), strings.Repeat("d", 16384), "end"},
}

// TestPackedFieldsRoundTrip: what the upload's COPY writes is read back as
// the same fields, and a damaged value is an error, never a wrong row.
func TestPackedFieldsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, fields := range packedCases {
		enc := appendPackedFields(nil, fields)[4:] // past its length
		got, err := decodePackedFields(enc)
		if err != nil || !slices.Equal(got, fields) {
			t.Errorf("decodePackedFields(appendPackedFields(%.40q)) = %.40q, %v", fields, got, err)
		}
		if len(got) != len(fields) {
			t.Errorf("%d fields read back, want %d", len(got), len(fields))
		}
		if len(fields) == 0 || fields[len(fields)-1] == "" {
			continue // a cut after a whole field reads as fewer fields, which the row's width catches (FIELD_COUNT)
		}
		// Cut inside the last field's bytes.
		if got, err := decodePackedFields(enc[:len(enc)-1]); err == nil {
			t.Errorf("decodePackedFields of %.40q cut by one byte = %.40q, want an error", fields, got)
		}
	}
	// A length whose continuation bit never ends is damaged too.
	if got, err := decodePackedFields([]byte{0x80, 0x80}); err == nil {
		t.Errorf("decodePackedFields of an unfinished length = %q, want an error", got)
	}
}

// TestPackedFieldsInSQL holds the Go encoder and decoder to the SQL
// functions of migration 00015 (unpack_fields, which operators and the
// migration's way down use, and pack_fields, which its way up uses): each
// reads what the other writes as the same fields.
func TestPackedFieldsInSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := testenv.DB(t)
	for _, fields := range packedCases {
		enc := appendPackedFields(nil, fields)[4:]
		var inSQL []string
		if err := pool.QueryRow(ctx, `SELECT unpack_fields($1::bytea)`, enc).Scan(&inSQL); err != nil {
			t.Fatalf("unpack_fields: %v", err)
		}
		if !slices.Equal(inSQL, fields) {
			t.Errorf("unpack_fields(appendPackedFields(%.40q)) = %.40q", fields, inSQL)
		}
		var packed []byte
		if err := pool.QueryRow(ctx, `SELECT pack_fields($1::text[])`, fields).Scan(&packed); err != nil {
			t.Fatalf("pack_fields: %v", err)
		}
		if !slices.Equal(packed, enc) {
			t.Errorf("pack_fields(%.40q) = %.40x, want %.40x", fields, packed, enc)
		}
	}
	for _, damaged := range []string{`\x05616263`, `\x8080`} {
		if _, err := pool.Exec(ctx, `SELECT unpack_fields($1::text::bytea)`, damaged); err == nil {
			t.Errorf("unpack_fields(%s) read a damaged value without an error", damaged)
		}
	}
}
