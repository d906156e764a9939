package api_test

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"jhtbatch/api"
)

// Every malformed file of batch/testdata/malformed, uploaded through the
// API, is refused with its code and leaves no row behind; the odd but valid
// files of batch/testdata/nasty are accepted. The limits are those the
// corpus was made for (batch/decode_corpus_test.go).
func TestCorpusThroughTheAPI(t *testing.T) {
	e := newEnv(t, func(c *api.Config) {
		c.MaxUploadBytes, c.MaxRows, c.MaxRecordBytes = 64<<10, 50, 16<<10
	})
	for _, dir := range []string{"malformed", "nasty"} {
		for file, want := range expected(t, filepath.Join("..", "batch", "testdata", dir)) {
			data, err := os.ReadFile(filepath.Join("..", "batch", "testdata", dir, file))
			if err != nil {
				t.Fatal(err)
			}
			res := e.upload(e.keyA, "?mode=validate", file, string(data), nil)
			if dir == "nasty" {
				if res.status != http.StatusAccepted {
					t.Errorf("%s/%s: status %d, want 202; body %.300s", dir, file, res.status, res.body)
				}
				continue
			}
			got := decode[errorJSON](t, res)
			if res.status/100 != 4 || string(got.Error.Code) != want {
				t.Errorf("%s/%s: %d %s, want 4xx %s", dir, file, res.status, got.Error.Code, want)
			}
			checkNoEnglishValue(t, dir+"/"+file, got)
		}
	}
	var rows, accepted int
	err := e.db.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM batch_rows r JOIN batches b ON b.id = r.batch_id WHERE b.status = 'rejected'),
		(SELECT count(*) FROM batches WHERE status <> 'rejected')`).Scan(&rows, &accepted)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("%d rows stored for refused files, want none", rows)
	}
	if want := len(expected(t, filepath.Join("..", "batch", "testdata", "nasty"))); accepted != want {
		t.Errorf("%d batches accepted, want %d (the nasty files)", accepted, want)
	}
}

// expected reads dir/EXPECTED.tsv: file name → expected code (or row count).
func expected(t *testing.T, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "EXPECTED.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, want, _ := strings.Cut(line, "\t")
		out[name] = want
	}
	if len(out) == 0 {
		t.Fatalf("%s/EXPECTED.tsv lists no file", dir)
	}
	return out
}

// checkNoEnglishValue checks that a file error answered in Bahasa Indonesia
// (the default) does not quote the English description its detail's value
// holds: the message must be Indonesian throughout, as docs/codes.md asks.
func checkNoEnglishValue(t *testing.T, file string, got errorJSON) {
	t.Helper()
	english := regexp.MustCompile(`[A-Za-z]{3,}`)
	for _, d := range got.Error.Details {
		if d.Code != "CSV_SYNTAX" && d.Code != "FILE_ENCODING" || !english.MatchString(d.Value) {
			continue
		}
		if strings.Contains(d.Message, d.Value) {
			t.Errorf("%s: Indonesian message %q quotes the English value %q", file, d.Message, d.Value)
		}
		for _, word := range []string{"line", "column", "quote", "field", "byte of", "invalid", "never", "longer", "odd"} {
			if strings.Contains(d.Message, word) {
				t.Errorf("%s: Indonesian message %q has the English word %q", file, d.Message, word)
			}
		}
	}
}
