package accountancy_test

import (
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

func ev(date, device, kind string) accountancy.Event {
	return accountancy.Event{Date: calendar.MustParse(date), Site: "Natanz", Stream: "UF6 withdrawal", Device: device, Kind: kind,
		Evidence: state.Evidence{Kind: "record", Ref: "log index " + date}}
}

// Each device's events set its state; the stream is as weak as its
// weakest device; a loss stays a loss until knowledge is re-established,
// and the gap stays lost.
func TestContinuityIntervals(t *testing.T) {
	events := []accountancy.Event{
		ev("2021-01-01", "camera-1", "recording_started"),
		ev("2021-01-01", "seal-7", "seal_applied"),
		ev("2021-02-23", "camera-1", "media_withheld"),
		ev("2021-03-01", "seal-7", "seal_verified"),
		ev("2021-06-01", "seal-7", "seal_broken"),
		ev("2021-07-15", "camera-1", "continuity_lost"), // confirms the loss: no new interval
		ev("2021-09-01", "seal-7", "seal_applied"),
		ev("2021-09-01", "camera-1", "media_retrieved"),
	}
	got := accountancy.Continuity(events)
	if len(got) != 1 {
		t.Fatalf("%d streams", len(got))
	}
	want := []struct{ state, from, to, cause string }{
		{"maintained", "2021-01-01", "2021-02-23", ""},
		{"escrowed", "2021-02-23", "2021-06-01", "storage media not produced: the data are recorded but not accessible"},
		{"lost", "2021-06-01", "2021-09-01", "seal broken"},
		{"maintained", "2021-09-01", "", ""},
	}
	iv := got[0].Intervals
	if len(iv) != len(want) {
		t.Fatalf("intervals %+v", iv)
	}
	for i, w := range want {
		to := ""
		if !iv[i].To.IsZero() {
			to = iv[i].To.String()
		}
		if iv[i].State != w.state || iv[i].From.String() != w.from || to != w.to || iv[i].Cause != w.cause {
			t.Errorf("interval %d = %s %s..%s %q, want %+v", i, iv[i].State, iv[i].From, to, iv[i].Cause, w)
		}
	}
	if i, ok := got[0].At(calendar.MustParse("2021-08-01")); !ok || i.State != "lost" || len(i.Evidence) != 2 || i.Evidence[0].Ref != "log index 2021-06-01" || i.Evidence[1].Ref != "log index 2021-07-15" {
		t.Errorf("at 2021-07-01: %+v", i)
	}
	// As facts, the state at a date carries the interval and its cause.
	s := state.At(accountancy.Facts(got), calendar.MustParse("2021-08-01"))
	if c, ok := s.StreamLoss("UF6 withdrawal"); !ok || c.State != "lost" || c.Since.String() != "2021-06-01" || c.Cause != "seal broken" {
		t.Errorf("state: %+v", s.Continuity)
	}
}

// An event known only to its month is on the record from the month's
// last day, and the intervals it starts and ends keep its precision.
func TestEventDatePrecision(t *testing.T) {
	lost := ev("2024-03-01", "camera-1", "continuity_lost")
	lost.DatePrecision = state.MonthOnly
	events := []accountancy.Event{ev("2021-01-01", "camera-1", "recording_started"), lost}
	if got := accountancy.Known(events, calendar.MustParse("2024-03-15")); len(got) != 1 {
		t.Errorf("a view within the month knows %d events, want 1 (not the month's)", len(got))
	}
	at := accountancy.KnowledgeAt(events, calendar.MustParse("2024-04-01"))
	if len(at) != 1 || at[0].State != state.Lost || at[0].SincePrecision != state.MonthOnly {
		t.Fatalf("%+v", at)
	}
	iv := at[0].Intervals
	if len(iv) != 2 || iv[0].ToPrecision != state.MonthOnly || iv[1].FromPrecision != state.MonthOnly {
		t.Errorf("intervals %+v", iv)
	}
	facts := accountancy.Facts(accountancy.Continuity(events))
	if facts[len(facts)-1].DatePrecision != state.MonthOnly {
		t.Errorf("fact %+v", facts[len(facts)-1])
	}
}
