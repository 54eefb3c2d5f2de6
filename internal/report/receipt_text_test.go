package report_test

import (
	"bytes"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/report"
)

// A receipt that verifies reads in one line, naming the checkpoint; the
// deadlines print under the date and the agreement's name.
func TestTextReceiptCheckAndClocks(t *testing.T) {
	var b bytes.Buffer
	if err := report.TextReceiptCheck(&b, report.ReceiptCheck{OK: true, Index: 3, Origin: "accord.example/jcpoa", Size: 9, Root: "abcd"}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "receipt OK: index 3 is in accord.example/jcpoa at size 9 (root abcd)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	a := agreement.JCPOA()
	ev, err := agreement.ParseClockEvent("access-request:2025-01-01")
	if err != nil {
		t.Fatal(err)
	}
	at := calendar.MustParse("2025-02-01")
	ds, err := a.Clocks([]agreement.ClockEvent{ev}, at)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	want.WriteString("Deadlines at 2025-02-01 (" + a.Name + ")\n")
	if err := report.TextDeadlines(&want, ds); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := report.TextClocks(&b, &report.Clocks{At: at, Agreement: a.ID, Deadlines: ds, Name: a.Name}); err != nil || b.String() != want.String() {
		t.Errorf("TextClocks: %v\n%s\nwant\n%s", err, b.String(), want.String())
	}
}
