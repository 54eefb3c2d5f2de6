package agreement_test

import (
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
)

// FuzzParse: whatever parses can be evaluated for windows and clocks
// without panicking.
func FuzzParse(f *testing.F) {
	f.Add(agreement.JCPOASource())
	f.Add([]byte("format: accord.agreement/v1\nid: x\nname: x\nparties: []\ncommitments: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := agreement.Parse(data)
		if err != nil {
			return
		}
		for i := range a.Commitments {
			a.InForce(&a.Commitments[i]).Contains(calendar.MustParse("2020-01-01"))
		}
		if _, err := a.Clocks(a.EventClocks(), calendar.MustParse("2030-01-01")); err != nil {
			t.Fatalf("clocks of the agreement's own events: %v", err)
		}
	})
}
