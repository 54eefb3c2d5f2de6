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

// FuzzClockEvent feeds arbitrary KIND:DATE flags to the parser: it never
// panics, and an event it accepts prints back as it was given.
func FuzzClockEvent(f *testing.F) {
	f.Add("snapback-notification:2025-08-28")
	f.Add("access-request:2016-02-30")
	f.Add(":2025-01-01")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := agreement.ParseClockEvent(s)
		if err != nil {
			return
		}
		if got := e.Kind + ":" + e.Date.String(); got != s {
			t.Fatalf("%q parsed to %q", s, got)
		}
	})
}
