package talks_test

import (
	"testing"
	"time"

	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/talks"
)

// FuzzParseSpec feeds arbitrary room files to the parser: it never panics,
// and a room it accepts answers the mediator's feasibility question and
// serialises to a snapshot that loads back.
func FuzzParseSpec(f *testing.F) {
	for _, name := range []string{"talks/muscat-2025.yaml", "talks/muscat-2025-no-zone.yaml"} {
		b, err := examples.FS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("format: accord.talks-room/v1\nid: r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		_, room, err := talks.ParseSpec(data)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("parsing took %s: %q", d, data)
		}
		if err != nil {
			return
		}
		snap, err := room.MarshalSnapshot()
		if err != nil {
			t.Fatalf("an accepted room does not serialise: %v", err)
		}
		if _, err := talks.Restore(snap); err != nil {
			t.Fatalf("an accepted room's snapshot does not load: %v", err)
		}
	})
}
