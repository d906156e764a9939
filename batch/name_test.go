package batch

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Drs. I Made Wirawan, S.E.", "I MADE WIRAWAN"},
		{"I MADE WIRAWAN", "I MADE WIRAWAN"},
		{"H. Ahmad Dahlan, S.Pd.I", "AHMAD DAHLAN SPDI"}, // SPDI is not in the list
		{"Hj. Siti Aminah, S.Ag., M.Pd.", "SITI AMINAH"},
		{"Ir. Joko  Widodo, M.M.", "JOKO WIDODO"},
		{"Dr. Ni Luh Putu Sari, S.Kom., M.Kom.", "NI LUH PUTU SARI"},
		{"Dra. Sri Mulyani, M.Si., A.Md.", "SRI MULYANI"},
		{"Teuku Umar, S.T., S.H.", "TEUKU UMAR"},
		{"Ma'ruf Amin", "MARUF AMIN"},
		{"Ma’ruf Amin", "MARUF AMIN"},
		{"Siti-Nurbaya", "SITI NURBAYA"},
		{"ｂｕｄｉ", "BUDI"},                  // full-width letters (NFKC)
		{"Jose\u0301", "JOS\u00c9"},       // decomposed input composes (NFKC)
		{"Drs.", ""},                      // only a title
		{"Hendra", "HENDRA"},              // H only as a whole token
		{"Made Sedana ST", "MADE SEDANA"}, // title without dots
		{"Stefanus Drsiwan", "STEFANUS DRSIWAN"},
		{"  budi \t santoso ", "BUDI SANTOSO"},
		{"", ""},
		// The titles of 2026-11-27, each as a whole token only.
		{"Prof. Dr. Budi Santoso, M.Sc.", "BUDI SANTOSO"},
		{"Ahmad Fauzi, S.H.I., M.H.", "AHMAD FAUZI"},
		{"Dewi Lestari, S.Psi.", "DEWI LESTARI"},
		{"Rina, S.Sos.", "RINA"},
		{"Ns. Sari Wulandari, S.Kep.", "SARI WULANDARI"},
		{"Yanti, A.Md.Kep.", "YANTI"},
		{"Yanti, A.Md.Keb.", "YANTI"},
		{"Yusuf, M.Kes.", "YUSUF"},
		{"Eko, S.T., M.T.", "EKO"},
		{"Gita, MBA", "GITA"},
		{"Hana, S.Si.", "HANA"},
		{"Indra, S.S.", "INDRA"},
		{"Joko, S.Ak.", "JOKO"},
		{"Kiki, S.IP.", "KIKI"},
		{"Lina, S.I.Kom.", "LINA"},
		{"dr. Made, S.Ked.", "MADE"},
		{"apt. Nia, S.Farm.", "NIA"},
		{"Oki, Apt.", "OKI"},
		{"dr. Putu, Sp.PD", "PUTU"},
		{"dr. Putu, Sp.OG", "PUTU"},
		{"dr. Putu, Sp.A", "PUTU"},
		{"dr. Putu, Sp.B", "PUTU"},
		{"Sri Siti Sipa", "SRI SITI SIPA"},        // names, not titles
		{"Mts Mhd Nsa Spak", "MTS MHD NSA SPAK"},  // only whole tokens
		{"Prof", ""},                              // only a title
		{"Profesor Budi", "PROFESOR BUDI"},        // a word, not the token PROF
		{"Nurul Msc-Apt", "NURUL"},                // '-' separates tokens
		{"Bambang S.Si M.Sc Ph.D", "BAMBANG PHD"}, // PHD is not in the list
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSameName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"Drs. I Made Wirawan, S.E.", "I MADE WIRAWAN", true},
		{"Budi Santoso", "BUDI SANTOSO", true},
		{"Budi Santoso", "Budi  Santoso.", true},
		{"Budi Santoso", "Budi Santosa", false},
		{"Budi Santoso", "Santoso Budi", false},
		{"Budi Santoso", "BudiSantoso", false},
		{"Drs.", "Dr.", false}, // both empty after titles: not a match
		{"", "", false},
	}
	for _, tt := range tests {
		if got := SameName(tt.a, tt.b); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestValidName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"Budi Santoso", true},
		{"Drs. I Made Wirawan, S.E.", true},
		{"Ma'ruf Amin", true},
		{"Ma’ruf Amin", true},
		{"Siti-Nurbaya", true},
		{"José", true},
		{"Jose\u0301", true}, // combining accent
		{"Ng", true},
		{"李小龙", true},
		{strings.Repeat("a", 100), true},
		{strings.Repeat("é", 100), true}, // runes, not bytes
		{strings.Repeat("a", 101), false},
		{"B", false},
		{"--", false}, // no letter
		{"Budi 2", false},
		{"Budi_Santoso", false},
		{"Budi\tSantoso", false},
		{"Budi\nSantoso", false},
		{"Budi@Santoso", false},
		{"=cmd()", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := validName(tt.in); got != tt.want {
			t.Errorf("validName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// The ASCII form of NormalizeName must agree with the general one on every
// ASCII name, titles and punctuation included.
func TestNormalizeASCIINameAgrees(t *testing.T) {
	words := []string{"budi", "Santoso", "DR.", "dr", "S.Kom", "h.", "Hj", "o'neil", "D'Angelo", "M.M.", "1", "x2",
		"-", ",", "  ", "\t", ".", "'", "s", "SE", "prof.", "Ir", "A.Md.Kep", "", "~"}
	seps := []string{" ", "", ", ", "-", ".", "  ", "\t", "/"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for n := rng.IntN(6); n >= 0; n-- {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		for range rng.IntN(2) {
			b.WriteByte(byte(rng.IntN(128)))
		}
		s := b.String()
		if got, want := normalizeASCIIName(s), normalizeUnicodeName(s); got != want {
			t.Fatalf("normalizeASCIIName(%q) = %q, want %q", s, got, want)
		}
	}
}

// trimSpace's shortcut must agree with the general form on every value,
// white space of every kind at either end included.
func TestTrimSpaceAgrees(t *testing.T) {
	parts := []string{"", " ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u200b", "\ufeff", "\u2003", "\u0085",
		"a", "Budi", "é", "1", ".", "\x1f", "\x7f", "~"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for n := rng.IntN(4); n >= 0; n-- {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := trimSpace(s), trimSpaceRunes(s); got != want {
			t.Fatalf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// validName's ASCII path must agree with the general form on every value:
// every string of one or two bytes, and longer ones from every ASCII byte
// and some that are not.
func TestValidNameASCIIAgrees(t *testing.T) {
	t.Parallel()
	check := func(s string) {
		if got, want := validName(s), validNameRunes(s); got != want {
			t.Fatalf("validName(%q) = %v, want %v", s, got, want)
		}
	}
	for a := range 256 {
		check(string([]byte{byte(a)}))
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	parts := []string{"a", "Z", " ", "'", ".", ",", "-", "\u00a0", "é", "\u2019", "\u0301", "1", "_", "\t"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50_000 {
		var b strings.Builder
		for n := rng.IntN(8); n >= 0; n-- {
			if rng.IntN(3) == 0 {
				b.WriteByte(byte(rng.IntN(128)))
			} else {
				b.WriteString(parts[rng.IntN(len(parts))])
			}
		}
		check(b.String())
	}
	check(strings.Repeat("a", maxNameRunes))
	check(strings.Repeat("a", maxNameRunes+1))
}
