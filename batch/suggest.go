package batch

import "strings"

// suggestColumn returns the column an unknown header name most likely
// means, or "" when none is likely: first a name or alias within a small
// edit distance (a typo), then words HR files use for the column. Columns
// in taken (already in the header) are not suggested: the name cannot be
// them without being a duplicate.
func suggestColumn(name string, taken map[Column]bool) Column {
	key := headerKey(name)
	if key == "" {
		return ""
	}
	best, bestDist := Column(""), 0
	for k, col := range columnsByKey {
		if taken[col] {
			continue
		}
		d := editDistance(key, k)
		if d > typoBudget(key, k) {
			continue
		}
		if best == "" || d < bestDist || d == bestDist && col < best {
			best, bestDist = col, d
		}
	}
	if best != "" {
		return best
	}
	for _, h := range columnHints {
		if !taken[h.col] && h.matches(key) {
			return h.col
		}
	}
	return ""
}

// typoBudget is how many edits still look like a typo of k: one per four
// letters of the shorter name, at least one.
func typoBudget(a, b string) int {
	n := min(len([]rune(a)), len([]rune(b)))
	return max(1, n/4)
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// columnHint says a header key that holds any of words (and, when all is
// set, also one of all) likely means col. Hints are tried in order, the
// more specific first.
type columnHint struct {
	col   Column
	words []string
	all   []string
}

func (h columnHint) matches(key string) bool {
	if !containsAny(key, h.words) {
		return false
	}
	return len(h.all) == 0 || containsAny(key, h.all)
}

func containsAny(key string, words []string) bool {
	for _, w := range words {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

var columnHints = []columnHint{
	{col: ColBirthDate, words: []string{"lahir", "birth", "dob"}},
	{col: ColTerminationDate, words: []string{"keluar", "resign", "berhenti", "phk", "out", "exit", "akhir", "end", "termin", "stop"},
		all: []string{"tgl", "tanggal", "date"}},
	{col: ColReason, words: []string{"alasan", "reason", "sebab", "jenis"}},
	{col: ColBankCode, words: []string{"kodebank", "bankcode", "sandibank", "kdbank"}},
	{col: ColAccountName, words: []string{"atasnama", "pemilik", "holder", "accountname"}, all: []string{"rek", "acc", "atasnama", "pemilik", "holder"}},
	{col: ColBankAccount, words: []string{"rek", "account", "acc"}},
	{col: ColNIK, words: []string{"nik", "ktp", "identitas", "nationalid"}},
	{col: ColKPJ, words: []string{"kpj", "peserta", "member", "bpjs"}},
	{col: ColNPWP, words: []string{"npwp", "pajak", "tax"}},
	{col: ColEmail, words: []string{"mail"}},
	{col: ColPhone, words: []string{"hp", "telp", "telepon", "phone", "nowa", "whatsapp", "ponsel", "mobile", "seluler"}},
	{col: ColBankCode, words: []string{"bank"}}, // "Bank", "Nama Bank": the code is the column
	{col: ColFullName, words: []string{"nama", "name", "karyawan", "pegawai"}},
}
