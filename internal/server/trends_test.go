package server_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/server"
)

var breachRow = regexp.MustCompile(`(?s)<tr data-commitment="([^"]+)" data-status="([^"]+)">(.*?)</tr>`)

// The trends page's breaches say of each breach not ended what the
// overview's finding says at the same date: a breach the parties dispute
// (after Termination Day) is shown as disputed with each reading, not as
// a breach that has not ended; every commitment in breach at the date has
// a breach not ended.
func TestTrendsBreachesAgreeWithTheOverview(t *testing.T) {
	s := server.New(server.Config{Log: fake{}, Index: facts{}, Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), RatePerSecond: 1e9, Burst: 1e9})
	for _, date := range []string{"2018-06-01", "2019-12-01", "2021-03-01", "2025-06-20", "2025-10-17", "2025-11-01", "2026-06-01"} {
		rec := page(s, "GET", "/api/v1/status?samples=100&as_of="+date, "", nil)
		var o compliance.Overview
		if err := json.Unmarshal(rec.Body.Bytes(), &o); rec.Code != 200 || err != nil {
			t.Fatalf("%s: status HTTP %d: %v", date, rec.Code, err)
		}
		findings := map[string]compliance.Finding{}
		for _, f := range o.Findings {
			findings[f.Commitment] = f
		}
		rec = page(s, "GET", "/trends?as_of="+date, "", nil)
		body := rec.Body.String()
		i := strings.Index(body, `<table id="breaches">`)
		if rec.Code != 200 || i < 0 {
			t.Fatalf("%s: trends HTTP %d, no breaches table", date, rec.Code)
		}
		body = body[i : i+strings.Index(body[i:], "</table>")]
		open := map[string]bool{}
		for _, m := range breachRow.FindAllStringSubmatch(body, -1) {
			id, status, text := m[1], m[2], html.UnescapeString(m[3])
			if status == "ended" {
				continue
			}
			open[id] = true
			f, ok := findings[id]
			if !ok || string(f.Status) != status {
				t.Errorf("%s: trends says %s is %s; the overview says %s", date, id, status, f.Status)
				continue
			}
			if f.Status == compliance.Disputed {
				if strings.Contains(text, "not ended") || !strings.Contains(text, f.Question) {
					t.Errorf("%s: the disputed breach of %s reads %q", date, id, text)
				}
				for _, r := range f.Readings {
					// The status follows from the reading's answer, which
					// the parties give: not their verdict.
					if want := r.Under(string(r.Status)); !strings.Contains(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(text, ""), want) {
						t.Errorf("%s: the disputed breach of %s does not give the reading %q: %q", date, id, want, text)
					}
				}
			}
		}
		for id, f := range findings {
			if f.Status == compliance.Breach && !open[id] {
				t.Errorf("%s: the overview finds %s in breach; trends lists no breach not ended", date, id)
			}
		}
		if date == "2026-06-01" && !open["us-sanctions-relief"] {
			t.Errorf("%s: no breach of us-sanctions-relief listed", date)
		}
	}
}

// A stock the IAEA reported only as "did not exceed 202.8 kg U" (or "more
// than") is shown as that bound on the trends table, with the key to its
// sign, and the overview words its ratio to the limit, its bar and its
// significant quantities as bounds too.
func TestTrendsAndOverviewShowBoundsAsBounds(t *testing.T) {
	s := server.New(server.Config{Log: fake{}, Index: facts{}, Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), RatePerSecond: 1e9, Burst: 1e9})
	rec := page(s, "GET", "/trends?as_of=2019-12-01", "", nil)
	body := rec.Body.String()
	for _, want := range []string{
		`<a href="/?as_of=2016-01-16"><time>2016-01-16</time></a></td><td class="n">≤ 202.8</td>`,
		`<a href="/?as_of=2018-11-04"><time>2018-11-04</time></a></td><td class="n">≤ 202.8</td>`,
		`<a href="/?as_of=2019-07-01"><time>2019-07-01</time></a></td><td class="n">&gt; 202.8</td>`,
		`<p class="note" id="bounds-key">≤ (up to): the source reported only that the amount did not exceed the figure`,
	} {
		if rec.Code != 200 || !strings.Contains(body, want) {
			t.Errorf("trends: no %q", want)
		}
	}
	rec = page(s, "GET", "/?as_of=2016-06-01", "", nil)
	body = rec.Body.String()
	for _, want := range []string{"up to 1 × the limit of 202.8 kg U", `<div class="bar bound" role="img" aria-label="up to 202.8 kg U against 202.8 kg U">`, `<td class="n">≤ 0.099</td>`} {
		if rec.Code != 200 || !strings.Contains(body, want) {
			t.Errorf("overview: no %q", want)
		}
	}
}
