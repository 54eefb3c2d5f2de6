package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/warning"
)

func estimated(p float64) *warning.Estimate {
	w := -10.0
	return &warning.Estimate{AsOf: calendar.MustParse("2024-06-01"), Status: warning.Estimated,
		Warning: &warning.Quantiles{P10: &w, P50: &w, P90: &w}, PCompleteBeforeDetection: &p}
}

// The words follow the probability that a breakout is done first: at 1,
// every sampled case; near 1, almost certainly, never rounded to a
// certainty; above one half, more likely than not.
func TestWarningWordsFollowTheProbability(t *testing.T) {
	for _, c := range []struct {
		p          float64
		want, lack string
	}{
		{1, "in every sampled case", "probability"},
		{0.997, "almost certainly be done before the inspectorate could know of it (probability above 0.99)", "more likely"},
		{0.96, "almost certainly be done before the inspectorate could know of it (probability 0.96)", "more likely"},
		{0.6, "more likely than not be done before the inspectorate could know of it (probability 0.6)", "almost"},
		{0.2, "is 0.2", "likely"},
		{0, "in every sample verification detects a breakout before it is done", "probability"},
	} {
		got := WarningSentence(estimated(c.p))
		if !strings.Contains(got, c.want) || strings.Contains(got, c.lack) {
			t.Errorf("p = %v: %q; want %q, without %q", c.p, got, c.want, c.lack)
		}
	}
	if got := WarningHeadline(estimated(1)); !strings.Contains(got, "in every sampled case") || strings.Contains(got, "probability 1") {
		t.Errorf("headline at p = 1: %q", got)
	}
}

// The headline is shared by the overview and the report: it names no
// section; the report's summary points at its own section.
func TestOnlyTheReportNamesItsSection(t *testing.T) {
	h := WarningHeadline(estimated(0.6))
	if strings.Contains(h, "section") {
		t.Errorf("the shared headline names a section: %q", h)
	}
	if s := sectioned(h); !strings.HasPrefix(s, "Warning time (breakout time less the time to detect it; section 8): ") {
		t.Errorf("the report's summary line: %q", s)
	}
	if s := sectioned("Inspectorate access: full."); s != "Inspectorate access: full." {
		t.Errorf("another line changed: %q", s)
	}
}

// With no regime the time to detect is unknown, as the warning is; never
// is for a regime in which nothing can see a breakout.
func TestNoRegimeMeansUnknownDetectionNotNever(t *testing.T) {
	e := &warning.Estimate{AsOf: calendar.MustParse("2024-06-01"), Status: warning.UnknownWarning,
		Reason: "the agreement names no verification regime", Breakout: &compliance.Breakout{Status: compliance.UnknownEstimate}}
	var b bytes.Buffer
	if err := TextWarning(&b, e); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Time to detect and report: unknown, because the agreement names no verification regime") || strings.Contains(b.String(), "never") {
		t.Errorf("no regime:\n%s", b.String())
	}
	e.Status, e.Reason = warning.NoDetection, "no verification activity able to see a breakout at the declared plants is in force"
	b.Reset()
	if err := TextWarning(&b, e); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Time to detect and report: never") {
		t.Errorf("no activity in force:\n%s", b.String())
	}
}
