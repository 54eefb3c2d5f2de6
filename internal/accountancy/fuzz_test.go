package accountancy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/input"
)

// The two parsers of user input, the uncertainty table and the diversion
// flag: any input gives a value or an error naming the field, never a
// panic, and what parses is within its ranges.
func FuzzUserInput(f *testing.F) {
	f.Add("abrupt:20@6")
	f.Add("protracted:1.5sq")
	f.Add("method,random_rsd_pct,systematic_rsd_pct,note\nweighing,0.2,0.1,x\n")
	f.Add("method,random_rsd_pct,systematic_rsd_pct,note\nw,NaN,1,\n")
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := accountancy.ParseDiversion(s); err == nil {
			if !(d.KgU > 0 || d.SQ > 0) || (d.Kind == "abrupt" && d.Month < 1) {
				t.Errorf("%q parsed to %+v", s, d)
			}
		} else {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.Field != "diversion" {
				t.Errorf("%q: %v does not name the field", s, err)
			}
		}
		if tb, err := accountancy.ParseTable(strings.NewReader(s), "fuzz"); err == nil {
			for m, u := range tb.Methods {
				if m == "" || !(u.RandomRSD >= 0 && u.RandomRSD < 1) || !(u.SystematicRSD >= 0 && u.SystematicRSD < 1) {
					t.Errorf("%q: method %q parsed to %+v", s, m, u)
				}
			}
		}
	})
}
