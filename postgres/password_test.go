package postgres

import (
	"regexp"
	"strings"
	"testing"
)

// TestPasswordHash: argon2id in a PHC string with its parameters and a
// fresh salt; only the right password matches; a damaged string matches
// nothing.
func TestPasswordHash(t *testing.T) {
	h, err := hashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("hash %q is not the expected PHC string", h)
	}
	if again, _ := hashPassword("correct horse battery"); again == h {
		t.Error("two hashes of one password are equal: the salt is not fresh")
	}
	parts := strings.Split(h, "$")
	tests := []struct {
		name, encoded, password string
		want                    bool
	}{
		{"right password", h, "correct horse battery", true},
		{"wrong password", h, "correct horse battery!", false},
		{"empty password", h, "", false},
		{"other algorithm", strings.Replace(h, "argon2id", "argon2i", 1), "correct horse battery", false},
		{"other version", strings.Replace(h, "v=19", "v=16", 1), "correct horse battery", false},
		{"absurd memory", strings.Replace(h, "m=19456", "m=99999999", 1), "correct horse battery", false},
		{"bad salt", strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"), "correct horse battery", false},
		{"truncated", h[:len(h)-10], "correct horse battery", false},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		if got := checkPassword(tc.encoded, tc.password); got != tc.want {
			t.Errorf("%s: checkPassword = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !checkPassword(dummyHash(), "not a password of anyone") || checkPassword(dummyHash(), "") {
		t.Error("the dummy hash does not behave as a hash")
	}
}
