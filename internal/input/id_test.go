package input

import (
	"regexp"
	"strings"
	"testing"
)

// idPattern is what record ids and party ids match; IsID matches it
// without the regexp engine (every record's id and author are checked).
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// IsID matches exactly what idPattern matches.
func TestIsIDIsThePattern(t *testing.T) {
	for _, s := range []string{"", "a", "A", "0", "-a", ".a", "a-b.c_d:e", "a b", "a/b", "é", "a\n", strings.Repeat("a", 128), strings.Repeat("a", 129), "a\x00", "Z9", "_"} {
		if got, want := IsID(s), idPattern.MatchString(s); got != want {
			t.Errorf("IsID(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}

func FuzzIsID(f *testing.F) {
	f.Add("iaea-2026")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := IsID(s), idPattern.MatchString(s); got != want {
			t.Fatalf("IsID(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
