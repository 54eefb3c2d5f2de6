package app

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

// The demo logs the public record's monitoring events with the dates their
// sources were published, so that a view of the log at a date states and
// cites what the public record does at that date: in mid-2024, the loss of
// the enrichment monitors of June 2022 on the report of their removal, not
// on the Director General's statements of June 2025.
func TestDemoLogKnowsWhatThePublicRecordKnows(t *testing.T) {
	l := demoLog(t)
	logged, public := l.Facts(), evidence.Public(dataset.Embedded())
	for date := calendar.MustParse("2016-01-01"); date.Before(calendar.MustParse("2026-07-01")); date = date.AddDays(15) {
		want := map[string]state.Continuity{}
		for _, c := range state.At(public, date).Continuity {
			want[c.Site+"/"+c.Stream] = c
		}
		got := state.At(logged, date).Continuity
		if len(got) != len(want) {
			t.Errorf("as of %s: the log knows %d streams, the public record %d", date, len(got), len(want))
		}
		for _, c := range got {
			w := want[c.Site+"/"+c.Stream]
			if c.State != w.State || c.Since != w.Since || len(c.Evidence) != len(w.Evidence) {
				t.Errorf("as of %s, %s at %s: the log says %s since %s on %d sources, the public record %s since %s on %d",
					date, c.Stream, c.Site, c.State, c.Since, len(c.Evidence), w.State, w.Since, len(w.Evidence))
			}
			for _, e := range c.Evidence {
				if e.Published.IsZero() || e.Published.After(date) {
					t.Errorf("as of %s, %s at %s cites %s, published %q", date, c.Stream, c.Site, e.Ref, e.Published)
				}
			}
		}
	}
}

// The demo logs each figure of the public series with the date it was
// published (to the day, or only the month), as the series gives it.
func TestDemoLogKnowsWhenFiguresWerePublished(t *testing.T) {
	logged, public := demoLog(t).Facts(), evidence.Public(dataset.Embedded())
	key := func(f state.Fact) string {
		return fmt.Sprintf("%s %s %s %s %g %g %s %s", f.Metric, f.Date, f.Site, f.Machine, f.LevelPct, f.Value, f.Text, f.Evidence[0].Note)
	}
	published := map[string]string{}
	for _, f := range public {
		if f.Metric != state.ContinuityOfKnowledge {
			published[key(f)] = f.Evidence[0].Published.String() + f.Evidence[0].PublishedMonth
		}
	}
	n := 0
	for _, f := range logged {
		if f.Metric == state.ContinuityOfKnowledge {
			continue
		}
		n++
		want, ok := published[key(f)]
		if got := f.Evidence[0].Published.String() + f.Evidence[0].PublishedMonth; !ok || got != want {
			t.Errorf("%s: the log says published %q, the series %q", key(f), got, want)
		}
	}
	if n != len(published) {
		t.Errorf("the log has %d figures, the series %d", n, len(published))
	}
}

// A view of the demo's log says, as a view of the embedded series does,
// which of the figures it takes were not yet published at its date: on 10
// February 2025, the stock of 8 February from GOV/2025/8 of 26 February;
// on 15 March 2025, nothing.
func TestDemoLogSaysWhatWasPublishedAfterTheDate(t *testing.T) {
	logged, public := demoLog(t).Facts(), evidence.Public(dataset.Embedded())
	for _, c := range []struct {
		date  string
		later string
	}{
		{"2025-02-10", "published 2025-02-26, after this date"},
		{"2025-03-15", ""},
		{"2025-06-20", "published in September 2025, after this date"},
		{"2021-02-10", "published 2021-02-23, after this date"},
	} {
		date := calendar.MustParse(c.date)
		var texts []string
		for _, facts := range [][]state.Fact{public, logged} {
			o, err := compliance.OverviewAt(agreement.JCPOA(), facts, date, compliance.BreakoutOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := o.Latest.Report.Evidence.Hindsight(date); got != c.later {
				t.Errorf("as of %s: the latest evidence is %q, want %q", date, got, c.later)
			}
			var b strings.Builder
			if err := report.TextStatus(&b, "JCPOA", o); err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, line := range strings.Split(b.String(), "\n") {
				if strings.Contains(line, "after this date") || strings.Contains(line, report.LaterMark) {
					// The log's citations name its records; the rest is the same.
					lines = append(lines, recordID.ReplaceAllString(line, ""))
				}
			}
			if (len(lines) > 0) != (c.later != "") {
				t.Errorf("as of %s, the status says of later publication:\n%s", date, strings.Join(lines, "\n"))
			}
			texts = append(texts, strings.Join(lines, "\n"))
		}
		if texts[0] != texts[1] {
			t.Errorf("as of %s, from the series:\n%s\nfrom the log:\n%s", date, texts[0], texts[1])
		}
	}
}

// recordID is how a citation names a log record.
var recordID = regexp.MustCompile(` \(record [^)]*\)`)

// demoLog is what the demo's records give, read as the index reads them.
func demoLog(t *testing.T) *evidence.Log {
	t.Helper()
	signers := map[string]note.Signer{}
	var verifiers []note.Verifier
	roles := map[string]string{}
	for _, m := range demoMembers {
		skey, vkey, err := note.GenerateKey(rand.Reader, m.key)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := note.NewSigner(skey)
		v, _ := note.NewVerifier(vkey)
		signers[m.key], roles[m.key] = s, m.role
		verifiers = append(verifiers, v)
	}
	entries, err := demoRecords(signers, time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	l := evidence.NewLog()
	signed := time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)
	for i, e := range entries {
		s, err := record.Open(e, note.VerifierList(verifiers...))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		// Signed when the demo signs them, not dated by what they state.
		// (The synthetic plant's accountancy records are dated by the
		// simulation.)
		plant := []record.Kind{record.MaterialBalanceArea, record.InventoryChange, record.PhysicalInventory, record.MaterialBalance, record.Measurement}
		if !slices.Contains(plant, s.Record.Kind) && !s.Record.Created.Equal(signed) {
			t.Errorf("%s %s: created %s, want the time of signing %s", s.Record.Kind, s.Record.ID, s.Record.Created, signed)
		}
		l.Add(uint64(i+1), roles[s.Signer.Name], s.Record)
	}
	if l.Err() != nil {
		t.Fatal(l.Err())
	}
	return l
}
