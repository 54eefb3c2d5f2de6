package breakout

import (
	"strconv"
	"strings"

	"github.com/accordverify/accord/enrich"
)

// TailsBand is a default tails assay for the feed assays in [FeedMinPct,
// FeedBelowPct). A state racing to weapon-grade uranium trades feed for time,
// so the defaults rise with the feed assay; each carries its source.
type TailsBand struct {
	FeedMinPct   float64 `json:"feed_min_pct"`
	FeedBelowPct float64 `json:"feed_below_pct"`
	TailsPct     float64 `json:"tails_pct"`
	Source       string  `json:"source"`
}

// DefaultTails are the default tails assays by feed assay band, from the
// shared reference enrichment-and-jcpoa.md sections 1.2, 1.3, 2.4 and 7.
var DefaultTails = []TailsBand{
	{0, 2, 0.3, "natural feed: Urenco's worked example implies 0.30 %; WISE calls 0.25-0.30 % typical"},
	{2, 10, 1.0, "LEU feed: upper end of the 0.7-1 % used for the pre-JCPOA 'about two months' check (ACA's 1,050 kg figure implies 0.5 %)"},
	{10, 30, 5, "near-20 % feed: the 5 % case of the reference table (9.411 SWU per kg of 90 %)"},
	{30, 100, 20, "60 % feed: ISIS's May 2025 figure of 233 kg WGU from 408.6 kg implies about 20 % tails"},
}

// DefaultTailsFor returns the default tails assay for a feed assay and its
// source; ok is false when no default lies below the feed.
func DefaultTailsFor(feed enrich.Assay) (tails enrich.Assay, source string, ok bool) {
	return tailsFor(feed, nil)
}

// tailsFor returns the tails assay for a feed assay: the scenario's override
// for exactly that feed assay, else the default band. ok is false when the
// resulting tails are not below the feed (the lot cannot be enriched).
func tailsFor(feed enrich.Assay, overrides map[string]float64) (tails enrich.Assay, source string, ok bool) {
	tpct := -1.0
	for key, t := range overrides {
		if k, err := strconv.ParseFloat(strings.TrimSpace(key), 64); err == nil && k == feed.Percent() {
			tpct, source = t, "scenario tails_pct"
			break
		}
	}
	if tpct < 0 {
		for _, b := range DefaultTails {
			if feed.Percent() >= b.FeedMinPct && feed.Percent() < b.FeedBelowPct {
				tpct, source = b.TailsPct, "default: "+b.Source
				break
			}
		}
	}
	t, err := enrich.Percent(tpct)
	if err != nil || t.Fraction() >= feed.Fraction() {
		return enrich.Assay{}, source, false
	}
	return t, source, true
}
