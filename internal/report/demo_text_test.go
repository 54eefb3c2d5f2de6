package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/report"
)

// The demo's welcome names its data, the dashboard, the sign-in and the
// commands to try, every one at the demo's address and directory.
func TestTextDemo(t *testing.T) {
	var b, warn bytes.Buffer
	d := report.Demo{Dir: "/d", Base: "http://127.0.0.1:9", Loaded: 5, Skipped: 2}
	if err := report.TextDemo(&b, &warn, d); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"\nAccord demo: 5 records loaded, 2 already there; data in /d\n",
		"Dashboard: http://127.0.0.1:9/  (Ctrl-C to stop)\n",
		"  the Records, Balance and Talks pages need a sign-in: at http://127.0.0.1:9/signin choose a key file\n  of /d/keys (iaea.key, us.key, iran.key, e3.key, oman.key), or give a read token:\n",
		"  make one with: accord token --server http://127.0.0.1:9 --key /d/keys/iaea.key\n",
		"  TOKEN=$(accord token --server http://127.0.0.1:9 --key /d/keys/iaea.key)\n",
		"  accord audit --log /d/log\n",
		"\nThe log and the talks' server are hosted by the log operator, a neutral party\nof its own: each talks commitment is sealed to its author, the mediator and\nthe operator, and no other member's key opens it, the IAEA's included.\n\nThe API:\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the welcome lacks %q:\n%s", want, got)
		}
	}
	if warn.Len() != 0 {
		t.Errorf("a note with no earlier records: %s", warn.String())
	}
	b.Reset()
	d.Token, d.Outdated = "TOK", 3
	if err := report.TextDemo(&b, &warn, d); err != nil || !strings.Contains(b.String(), "  the IAEA's demo key's, valid one hour: TOK\n") {
		t.Errorf("with a token: %v\n%s", err, b.String())
	}
	if !strings.Contains(warn.String(), "3 demo records in /d are an earlier version's") {
		t.Errorf("earlier records not noted: %q", warn.String())
	}
	warn.Reset()
	d.Outdated, d.Earlier = 0, true
	if err := report.TextDemo(&b, &warn, d); err != nil || !strings.Contains(warn.String(), "the log in /d was made by an earlier version of the demo: its records of the public record stay, and this version's were not loaded beside them; to load this version's, stop the demo and remove /d") {
		t.Errorf("an earlier version's public record not noted: %v %q", err, warn.String())
	}
	d.Earlier = false
	// A directory whose log operator is the IAEA's party: the welcome does
	// not say that only the talks' participants read a commitment, and the
	// warning says how to start afresh.
	b.Reset()
	warn.Reset()
	d.SealWarning = "the log operator's party \"iaea\" also holds the inspectorate key \"iaea\": ..."
	if err := report.TextDemo(&b, &warn, d); err != nil || strings.Contains(b.String(), "no other member's key opens it") {
		t.Errorf("with a warning: %v\n%s", err, b.String())
	}
	if want := "accord: warning: " + d.SealWarning + "; to start the demo afresh with the operator as a party of its own, stop it and remove /d\n"; !strings.HasSuffix(warn.String(), want) {
		t.Errorf("the warning:\n%s\nwant\n%s", warn.String(), want)
	}
}
