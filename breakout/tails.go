package breakout

import (
	"strconv"
	"strings"

	"github.com/accordverify/accord/enrich"
)

// TailsBand is a default tails assay for the feed assays in [FeedMinPct,
// FeedBelowPct). A state racing to weapon-grade uranium trades feed for time,
// so the defaults rise with the feed assay; each carries its source. Where
// analysts' choices differ, RangePct is the [low, high] the band draws from,
// with TailsPct its central value.
type TailsBand struct {
	FeedMinPct   float64   `json:"feed_min_pct"`
	FeedBelowPct float64   `json:"feed_below_pct"`
	TailsPct     float64   `json:"tails_pct"`
	RangePct     []float64 `json:"tails_range_pct,omitempty"`
	Source       string    `json:"source"`
}

// DefaultTails are the default tails assays by feed assay band.
var DefaultTails = []TailsBand{
	{0, 2, 0.3, nil, "natural feed: Urenco's worked example (25 t of 3.75 % from about 210 t natural with about 120 t SW) implies 0.30 %; WISE calls 0.25-0.30 % typical"},
	{2, 10, 0.75, []float64{0.5, 1.0}, "LEU feed: 0.5 % (ACA's 'roughly 1,050 kg' of 3.67 % uranium hexafluoride per 25 kg of 90 % implies it) to 1 % (the upper end used for the pre-JCPOA 'about two months' figure)"},
	{10, 30, 5, []float64{1, 10}, "near-20 % feed: 1-10 %, the range of published 20-to-90 % step calculations (18.48 SWU per kg of 90 % at 0.3 %, 9.411 at 5 %, 7.408 at 10 %)"},
	{30, 100, 14, []float64{8, 20}, "60 % feed: ISIS's yields imply about 8 % (February 2025: 174 kg of weapon-grade uranium from 274.8 kg) to about 20 % (May 2025: 233 kg from 408.6 kg); ISIS used 'a higher tails assay' from November 2023"},
}

// DefaultTailsFor returns the central default tails assay for a feed assay
// and its source; ok is false when no default lies below the feed.
func DefaultTailsFor(feed enrich.Assay) (tails enrich.Assay, source string, ok bool) {
	t, _ := tailsFor(feed, nil)
	return t.central, t.text(), t.ok
}

// tailsChoice is the tails of one feed assay: fixed by the scenario, or a
// default band with its range.
type tailsChoice struct {
	central enrich.Assay
	r       ranged // percent; fixed when the scenario sets it
	source  string // the scenario's override; text() names a default's
	band    int    // index into DefaultTails; -1 when the scenario sets it
	ok      bool
}

// text is where the tails come from, in words.
func (c tailsChoice) text() string {
	if c.band >= 0 {
		return "default: " + DefaultTails[c.band].Source
	}
	return c.source
}

// tailsFor returns the tails of a feed assay: the scenario's override for
// exactly that feed assay, else the default band. ok is false when the
// tails are not below the feed (the lot cannot be enriched).
func tailsFor(feed enrich.Assay, overrides map[string]float64) (tailsChoice, bool) {
	c := tailsChoice{band: -1}
	tpct := -1.0
	for key, t := range overrides {
		if k, err := strconv.ParseFloat(strings.TrimSpace(key), 64); err == nil && k == feed.Percent() {
			tpct, c.source = t, "scenario tails_pct"
			break
		}
	}
	if tpct >= 0 {
		c.r = ranged{tpct, tpct, tpct}
	} else {
		for i, b := range DefaultTails {
			if feed.Percent() >= b.FeedMinPct && feed.Percent() < b.FeedBelowPct {
				tpct, c.band = b.TailsPct, i
				c.r = ranged{tpct, tpct, tpct}
				if b.RangePct != nil {
					c.r = ranged{b.RangePct[0], tpct, b.RangePct[1]}
				}
				break
			}
		}
	}
	t, err := enrich.Percent(tpct)
	if err != nil || t.Fraction() >= feed.Fraction() {
		return c, false
	}
	// A range that reaches the feed assay is cut below it.
	if c.r.high >= feed.Percent() {
		c.r.high = feed.Percent() * 0.999
	}
	c.central, c.ok = t, true
	return c, true
}
