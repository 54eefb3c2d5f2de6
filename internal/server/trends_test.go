package server_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/compliance"
)

var breachRow = regexp.MustCompile(`(?s)<tr data-commitment="([^"]+)" data-status="([^"]+)">(.*?)</tr>`)

// The trends page's breaches say of each breach not ended what the
// overview's finding says at the same date: a breach the parties dispute
// (after Termination Day) is shown as disputed with each reading, not as
// a breach that has not ended; every commitment in breach at the date has
// a breach not ended.
func TestTrendsBreachesAgreeWithTheOverview(t *testing.T) {
	s := embeddedServer()
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
	s := embeddedServer()
	rec := page(s, "GET", "/trends?as_of=2019-12-01", "", nil)
	body := rec.Body.String()
	for _, want := range []string{
		`<a href="/?as_of=2016-01-16"><time>2016-01-16</time></a><br><small>Implementation Day</small></td><td class="n">≤ 202.8</td>`,
		// The JCPOA's conclusion, when no stock was reported: the
		// breakout from the centrifuges and stock known then.
		`<a href="/?as_of=2015-07-14"><time>2015-07-14</time></a><br><small>JCPOA finalised in Vienna</small></td><td class="n">-</td>`,
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

// A breakout estimate made from figures reported only as bounds is shown
// as a bound: the API says which way and why, the overview words it ("at
// least", "about") with the reason, and the trends table puts the sign
// before it, with the key. At 2019-07-01 the stock was "more than 202.8
// kg U" and the IR-1 "at most 5,060" was last reported in 2018: it is
// approximate; at 2017-06-01 the fleet alone bounds it from below; the
// exact counts of 2023-06-01 include some reported years before, which
// bound it no one way: approximate.
func TestBreakoutBoundsOnTheAPIAndThePages(t *testing.T) {
	s := embeddedServer()
	for _, c := range []struct {
		date, qualifier, words, bound string
	}{
		{"2017-06-01", "at_least", "at least ", "a lower bound: breakout on the true figures could only be longer: the IR-1 enriching at Natanz FEP: up to 5060 machines"},
		{"2019-07-01", "approx", "about ", "approximate: the figures bound it both ways: the stock at up to 5 %: more than 202.8 kg U"},
		{"2023-06-01", "approx", "about ", "approximate: counts of machines last reported long before this date, which may have been added or removed since: the IR-1 enriching at Fordow: 1044 machines, last reported 2021-01-04"},
	} {
		rec := page(s, "GET", "/api/v1/breakout?as_of="+c.date+"&samples=500", "", nil)
		var b struct {
			Status    string `json:"status"`
			Qualifier string `json:"headline_qualifier"`
			Bound     string `json:"headline_bound"`
			Estimate  struct {
				HeadlineDays *float64 `json:"headline_days"`
			} `json:"estimate"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || rec.Code != 200 {
			t.Fatalf("%s: %d %v", c.date, rec.Code, err)
		}
		if b.Status != "estimated" || b.Estimate.HeadlineDays == nil || b.Qualifier != c.qualifier || !strings.HasPrefix(b.Bound, c.bound) || (c.bound == "") != (b.Bound == "") {
			t.Errorf("api %s: %s, headline_qualifier %q, headline_bound %q; want %q, %q", c.date, b.Status, b.Qualifier, b.Bound, c.qualifier, c.bound)
		}

		body := html.UnescapeString(page(s, "GET", "/?as_of="+c.date, "", nil).Body.String())
		card := regexp.MustCompile(`(?s)<div class="card status-estimated" id="card-breakout">.*?<div class="big">([^<]*)</div>`).FindStringSubmatch(body)
		if card == nil || !strings.HasPrefix(card[1], c.words) || strings.HasPrefix(strings.TrimPrefix(card[1], c.words), "at least") {
			t.Errorf("overview %s: breakout card %q, want it to begin %q", c.date, card, c.words)
		}
		if got := strings.Contains(body, `id="breakout-bound"`); got != (c.bound != "") || c.bound != "" && !strings.Contains(body, strings.ToUpper(c.bound[:1])+strings.SplitN(c.bound, ":", 2)[0][1:]+", band included") {
			t.Errorf("overview %s: the bound's reason shown %v, want %v (%q)", c.date, got, c.bound != "", c.bound)
		}
	}

	body := page(s, "GET", "/trends?as_of=2019-12-01", "", nil).Body.String()
	for _, want := range []string{
		`<time>2017-05-27</time></a></td><td class="n">79.8</td><td class="n">79.8</td><td class="n">-</td><td class="n">-</td><td class="n">≥ 446 (387 to 533)</td>`,
		`<time>2019-07-01</time></a></td><td class="n">&gt; 202.8</td><td class="n">&gt; 202.8</td><td class="n">-</td><td class="n">-</td><td class="n">~ 399 (342 to 484)</td>`,
		"Before a breakout or warning time, the sign holds for its band too",
		"an open triangle marks an estimate that figures reported only as bounds leave a bound",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("trends: no %q", want)
		}
	}
	// The row of the series (the first match was once the sources' row,
	// which carries no estimate).
	body = page(s, "GET", "/trends?as_of=2023-06-01", "", nil).Body.String()
	if row := regexp.MustCompile(`<time>2023-05-13</time></a></td>.*?</tr>`).FindString(body); !strings.Contains(row, ">~ 6.5 (4.2 to 9.6)<") {
		t.Errorf("trends 2023-06-01: the estimate of 2023-05-13, from counts of 2019 to 2022, is missing or not approximate: %q", row)
	}
}
