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
	var b bytes.Buffer
	if err := report.TextDemo(&b, "/d", "http://127.0.0.1:9", "", 5, 2); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"\nAccord demo: 5 records loaded, 2 already there; data in /d\n",
		"Dashboard: http://127.0.0.1:9/  (Ctrl-C to stop)\n",
		"  the Records pages need a sign-in: (sign in with: accord token --server http://127.0.0.1:9 --key /d/keys/iaea.key)\n",
		"  TOKEN=$(accord token --server http://127.0.0.1:9 --key /d/keys/iaea.key)\n",
		"  accord audit --log /d/log\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the welcome lacks %q:\n%s", want, got)
		}
	}
	b.Reset()
	if err := report.TextDemo(&b, "/d", "http://127.0.0.1:9", "TOK", 5, 2); err != nil || !strings.Contains(b.String(), "  the Records pages need a sign-in: read token of the IAEA's demo key, valid one hour: TOK\n") {
		t.Errorf("with a token: %v\n%s", err, b.String())
	}
}
