package api

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The page's words: every key the page uses has a text in both languages,
// and both languages have the same keys, so the language toggle switches
// every string of the page.
func TestWebPageWordsInBothLanguages(t *testing.T) {
	read := func(name string) string {
		b, err := webFiles.ReadFile("web/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	i18n := read("i18n.js")
	idStart, enStart := strings.Index(i18n, "\n  id: {"), strings.Index(i18n, "\n  en: {")
	end := strings.Index(i18n, "\n};")
	if idStart < 0 || enStart < idStart || end < enStart {
		t.Fatal("i18n.js: no id and en tables")
	}
	keyRE := regexp.MustCompile(`(?m)(?:^|[{,])\s*([A-Za-z_][A-Za-z0-9_]*):\s*"`)
	keys := func(block string) []string {
		var ks []string
		for _, m := range keyRE.FindAllStringSubmatch(block, -1) {
			ks = append(ks, m[1])
		}
		slices.Sort(ks)
		return ks
	}
	id, en := keys(i18n[idStart:enStart]), keys(i18n[enStart:end])
	if len(id) < 100 {
		t.Fatalf("found only %d Indonesian texts; the parser is broken", len(id))
	}
	if !slices.Equal(id, en) {
		t.Errorf("the languages have different keys:\nid only: %v\nen only: %v", minus(id, en), minus(en, id))
	}

	used := map[string]string{}
	for _, m := range regexp.MustCompile(`data-i18n(?:-placeholder)?="([^"]+)"`).FindAllStringSubmatch(read("index.html"), -1) {
		used[m[1]] = "index.html"
	}
	for _, f := range []string{"app.js", "core.js", "mapping.js", "fix.js"} {
		src := read(f)
		for _, m := range regexp.MustCompile(`\bt\("([A-Za-z_]+)"`).FindAllStringSubmatch(src, -1) {
			used[m[1]] = f
		}
		for _, m := range regexp.MustCompile(`\.set\("([A-Za-z_]+)"`).FindAllStringSubmatch(src, -1) {
			used[m[1]] = f
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use; the parser is broken", len(used))
	}
	for k, f := range used {
		if strings.HasSuffix(k, "_") { // a prefix, t("status_" + status)
			if !slices.ContainsFunc(id, func(s string) bool { return strings.HasPrefix(s, k) }) {
				t.Errorf("%s uses keys %s…, of which none has a text", f, k)
			}
			continue
		}
		if _, ok := slices.BinarySearch(id, k); !ok {
			t.Errorf("%s uses %q, which has no text", f, k)
		}
	}

	// No internal column name or protocol word in what a clerk reads.
	for _, w := range []string{"full_name", "termination_date", "bank_account", "Bearer", "Authorization", "HTTP"} {
		if strings.Contains(i18n[idStart:end], w) {
			t.Errorf("i18n.js shows %q to a clerk", w)
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
