package state_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

func ev(ref string) []state.Evidence {
	return []state.Evidence{{Kind: "dataset", Ref: ref, Source: "test", Status: state.Sourced}}
}

func day(s string) calendar.Date { return calendar.MustParse(s) }

var facts = []state.Fact{
	{Metric: state.EnrichedUraniumKgU, Date: day("2020-01-01"), Value: 100, Status: state.Sourced, Evidence: ev("r1"), Report: "r1"},
	{Metric: state.EnrichedUraniumKgU, Date: day("2020-01-01"), LevelPct: 5, Value: 90, Status: state.Sourced, Evidence: ev("r1"), Report: "r1"},
	{Metric: state.EnrichedUraniumKgU, Date: day("2020-01-01"), LevelPct: 20, AssayPct: 19.75, Value: 10, Status: state.Sourced, Evidence: ev("r1"), Report: "r1"},
	// A later report gives only the total, after enrichment to 20 %: the
	// levels of r1 are not reported at its date.
	{Metric: state.EnrichedUraniumKgU, Date: day("2020-04-01"), Value: 202.8, Qualifier: state.Above, Status: state.Sourced, Evidence: ev("r2"), Report: "r2"},
	{Metric: state.MaxEnrichmentPct, Date: day("2019-06-01"), Value: 4.5, Status: state.Sourced, Evidence: ev("n1")},
	{Metric: state.MaxEnrichmentPct, Date: day("2020-01-01"), Value: 20, Status: state.Sourced, Evidence: ev("n1b")},
	{Metric: state.CentrifugesEnriching, Date: day("2019-06-01"), Site: "A", Machine: "IR-1", Value: 1000, Status: state.Sourced, Evidence: ev("n2")},
	{Metric: state.CentrifugesEnriching, Date: day("2019-06-01"), Site: "B", Machine: "IR-6", Value: 166, Qualifier: state.AtLeast, Status: state.Derived, Evidence: ev("n3")},
	{Metric: state.CentrifugesInstalled, Date: day("2019-06-01"), Site: "B", Machine: "IR-1", Value: 50, Status: state.Sourced, Evidence: ev("n4")},
	{Metric: state.VerificationAccess, Date: day("2021-01-01"), Text: "none", Status: state.Sourced, Evidence: ev("n5")},
}

func TestLatestFactsAndOneReportForLevels(t *testing.T) {
	s := state.At(facts, day("2020-02-01"))
	if s.Inventory.Total.Value != 100 || len(s.Inventory.ByLevel) != 2 || s.Inventory.Report != "r1" {
		t.Fatalf("inventory %+v", s.Inventory)
	}
	if l := s.Inventory.ByLevel[0]; l.MaxAssayPct != 5 || l.AssayPct != 5 {
		t.Errorf("level %+v, want max 5 %% computed at 5 %%", l)
	}
	if l := s.Inventory.ByLevel[1]; l.AssayPct != 19.75 {
		t.Errorf("20 %% level computed at %g, want its nominal 19.75", l.AssayPct)
	}
	s = state.At(facts, day("2020-05-01"))
	if s.Inventory.Total.Value != 202.8 || s.Inventory.Total.Qualifier != state.Above || len(s.Inventory.ByLevel) != 2 {
		t.Fatalf("after r2: %+v, want the r2 total and r1's two levels, unknown", s.Inventory)
	}
	for i, last := range []string{"last reported 90 kg U as of 2020-01-01", "last reported 10 kg U as of 2020-01-01"} {
		l := s.Inventory.ByLevel[i].Mass
		if l.Known || !strings.Contains(l.Unknown, "not reported by level as of 2020-04-01: the report gives only the total, more than 202.8 kg U") || !strings.Contains(l.Unknown, last) {
			t.Errorf("level %d as %+v, want unknown: not reported by level, %s", i, l, last)
		}
	}
	if s := state.At(facts, day("2019-01-01")); s.Inventory.Total.Known || !strings.Contains(s.Inventory.Total.Unknown, "no report") {
		t.Errorf("before any report: %+v", s.Inventory.Total)
	}
}

// A level is computed at no more than the highest enrichment produced.
func TestLevelAssayCappedByHighestEnrichment(t *testing.T) {
	fs := []state.Fact{
		{Metric: state.EnrichedUraniumKgU, Date: day("2019-08-19"), Value: 241.6, Status: state.Sourced, Evidence: ev("r"), Report: "r"},
		{Metric: state.EnrichedUraniumKgU, Date: day("2019-08-19"), LevelPct: 5, Value: 241.6, Status: state.Sourced, Evidence: ev("r"), Report: "r"},
		{Metric: state.MaxEnrichmentPct, Date: day("2019-08-19"), Value: 4.5, Status: state.Sourced, Evidence: ev("n")},
	}
	if l := state.At(fs, day("2019-09-01")).Inventory.ByLevel[0]; l.AssayPct != 4.5 {
		t.Errorf("up to 5 %% computed at %g, want 4.5 (enriching up to 4.5 %%)", l.AssayPct)
	}
}

func TestStaleFiguresAreUnknown(t *testing.T) {
	s := state.At(facts, day("2020-04-01").AddDays(maxAge(state.EnrichedUraniumKgU)+1))
	if s.Inventory.Total.Known || !strings.Contains(s.Inventory.Total.Unknown, "191 days before this date") {
		t.Errorf("stale total %+v", s.Inventory.Total)
	}
	// Configuration facts stay current.
	if v := s.CentrifugeCount(state.CentrifugesEnriching, "A", nil); !v.Known || v.Value != 1000 {
		t.Errorf("IR-1 at A = %+v", v)
	}
}

func TestCentrifugeCount(t *testing.T) {
	s := state.At(facts, day("2020-02-01"))
	all := s.CentrifugeCount(state.CentrifugesEnriching, "", nil)
	if !all.Known || all.Value != 1166 || all.Qualifier != state.AtLeast || all.Status != state.Derived || len(all.Evidence) != 2 {
		t.Errorf("all enriching = %+v, want at least 1166, derived, 2 pieces of evidence", all)
	}
	if v := s.CentrifugeCount(state.CentrifugesEnriching, "B", []string{"IR-1"}); v.Known {
		t.Errorf("IR-1 enriching at B was never reported, got %+v", v)
	}
	if v := s.CentrifugeCount(state.CentrifugesInstalled, "B", nil); !v.Known || v.Value != 50 {
		t.Errorf("installed at B = %+v", v)
	}
}

func TestLostKnowledge(t *testing.T) {
	on := state.At(facts, day("2021-01-01"))
	if on.Knowledge.Access != "none" || !on.CentrifugeCount(state.CentrifugesEnriching, "A", nil).Known {
		t.Errorf("on the day access is lost, what was verified up to it stands: %+v", on.Knowledge)
	}
	after := state.At(facts, day("2021-01-02"))
	v := after.CentrifugeCount(state.CentrifugesEnriching, "A", nil)
	if v.Known || !strings.Contains(v.Unknown, "lost access on 2021-01-01") {
		t.Errorf("after access is lost: %+v", v)
	}
	// Access "none" says what it covers: the IAEA inspected some
	// facilities after the strikes of June 2025, not the enrichment plants
	// or the enriched uranium.
	if got, want := state.AccessSince(after.Knowledge.Access, after.Knowledge.Since), "none to the enrichment plants and the enriched uranium since 2021-01-01"; got != want {
		t.Errorf("access in words: %q, want %q", got, want)
	}
	if got := state.AccessSince("reduced", day("2021-02-23")); got != "reduced since 2021-02-23" {
		t.Errorf("reduced access in words: %q", got)
	}
	// What cannot undo itself stays known.
	if !after.MaxEnrichment.Known || !after.CentrifugeCount(state.CentrifugesInstalled, "B", nil).Known {
		t.Errorf("highest enrichment and installed machines should stay known: %+v", after.MaxEnrichment)
	}
}

// A report that gives some levels, not all of its total: the levels it
// leaves out are unknown at its date, not the rest of the total shared as an
// earlier report shared it; their words say what the report gives, in
// figures as reported (not "9434.000000000002").
func TestPartialBreakdownLeavesTheOtherLevelsUnknown(t *testing.T) {
	fs := []state.Fact{
		{Metric: state.EnrichedUraniumKgU, Date: day("2025-05-17"), Value: 9247.6, Status: state.Sourced, Evidence: ev("may"), Report: "may"},
		{Metric: state.EnrichedUraniumKgU, Date: day("2025-05-17"), LevelPct: 5, Value: 8564.5, Status: state.Derived, Evidence: ev("may"), Report: "may"},
		{Metric: state.EnrichedUraniumKgU, Date: day("2025-05-17"), LevelPct: 20, AssayPct: 19.75, Value: 274.5, Status: state.Unverified, Evidence: ev("may"), Report: "may"},
		{Metric: state.EnrichedUraniumKgU, Date: day("2025-05-17"), LevelPct: 60, Value: 408.6, Status: state.Sourced, Evidence: ev("may"), Report: "may"},
		{Metric: state.MaxEnrichmentPct, Date: day("2021-04-16"), Value: 60, Status: state.Sourced, Evidence: ev("m")},
		{Metric: state.EnrichedUraniumKgU, Date: day("2025-06-13"), Value: 9874.9, Status: state.Sourced, Evidence: ev("june"), Report: "june"},
		{Metric: state.EnrichedUraniumKgU, Date: day("2025-06-13"), LevelPct: 60, Value: 440.9, Status: state.Sourced, Evidence: ev("june"), Report: "june"},
	}
	s := state.At(fs, day("2025-06-13"))
	if len(s.Inventory.ByLevel) != 3 {
		t.Fatalf("levels %+v, want 5, 20 and 60 %%", s.Inventory.ByLevel)
	}
	if l := s.Inventory.ByLevel[2]; !l.Mass.Known || l.Mass.Value != 440.9 || l.Mass.Status != state.Sourced {
		t.Errorf("60 %% level %+v, want 440.9 kg U as reported", l)
	}
	noise := regexp.MustCompile(`\d\.\d{7,}`)
	for i, last := range []string{"last reported 8564.5 kg U as of 2025-05-17 (derived)", "last reported 274.5 kg U as of 2025-05-17 (unverified)"} {
		m := s.Inventory.ByLevel[i].Mass
		// Unknown, the last figure kept as a figure no longer current is.
		if m.Known || !s.Inventory.ByLevel[i].NotReported || !m.Date.Equal(day("2025-05-17")) || len(m.Evidence) != 1 || m.Evidence[0].Ref != "may" {
			t.Errorf("up to %g %%: %+v, want unknown, not reported, last reported as of 2025-05-17", s.Inventory.ByLevel[i].MaxAssayPct, m)
		}
		want := "not reported by level as of 2025-06-13: the report gives the total, 9874.9 kg U, and up to 60 %, 440.9 kg U, not the levels of the other 9434 kg U; " + last
		if m.Unknown != want {
			t.Errorf("up to %g %%: %q, want %q", s.Inventory.ByLevel[i].MaxAssayPct, m.Unknown, want)
		}
		if n := noise.FindString(m.Unknown); n != "" {
			t.Errorf("up to %g %%: %q has %s", s.Inventory.ByLevel[i].MaxAssayPct, m.Unknown, n)
		}
	}
	// Once access is lost, the words start with why the total is not
	// current, and still say the levels were not reported.
	fs = append(fs, state.Fact{Metric: state.VerificationAccess, Date: day("2025-06-13"), Text: "none", Status: state.Sourced, Evidence: ev("lost")})
	l := state.At(fs, day("2025-07-01")).Inventory.ByLevel[0].Mass
	if l.Known || !strings.HasPrefix(l.Unknown, "the inspectorate lost access on 2025-06-13; last reported 9874.9 kg U as of 2025-06-13") ||
		!strings.Contains(l.Unknown, "that report gives up to 60 %, 440.9 kg U, not the levels of the other 9434 kg U") {
		t.Errorf("up to 5 %% after access was lost: %+v", l)
	}
}

// A total with no breakdown ever, while nothing was enriched above 5 %, is
// all at the highest level produced.
func TestTotalWithoutBreakdownAtTheHighestLevel(t *testing.T) {
	fs := []state.Fact{
		{Metric: state.EnrichedUraniumKgU, Date: day("2015-06-30"), Value: 5095, Status: state.Derived, Evidence: ev("r"), Report: "r"},
		{Metric: state.MaxEnrichmentPct, Date: day("2015-06-30"), Value: 3.5, Qualifier: state.Approx, Status: state.Sourced, Evidence: ev("m")},
	}
	l := state.At(fs, day("2015-07-14")).Inventory.ByLevel
	if len(l) != 1 || l[0].Mass.Value != 5095 || l[0].AssayPct != 3.5 || l[0].Mass.Status != state.Derived {
		t.Errorf("levels %+v, want 5095 kg U at 3.5 %%, derived", l)
	}
}

func maxAge(m state.Metric) int {
	d, _ := m.MaxAge()
	return d
}

// A figure that is unknown says which in words, not by the identifier
// records and files use ("no report of heavy_water_t").
func TestUnknownNamesTheMetricInWords(t *testing.T) {
	for _, m := range append(slices.Clone(state.Metrics), state.ContinuityOfKnowledge) {
		if n := m.Name(); n == string(m) || strings.Contains(n, "_") {
			t.Errorf("metric %s is named %q", m, n)
		}
	}
	s := state.At(nil, calendar.MustParse("1950-01-01"))
	for name, v := range map[string]state.Value{"stock": s.Inventory.Total, "enrichment": s.MaxEnrichment, "heavy water": s.HeavyWater} {
		if v.Known || v.Unknown == "" || strings.Contains(v.Unknown, "_") {
			t.Errorf("%s: %+v, want unknown with its reason in words", name, v)
		}
	}
}

// A count summed over parts of different dates is as current as its
// oldest counted part, with the newest as Through; a part given only as
// "up to", which an "at least" leaves out, dates it not at all. The
// reviewer's case: 164 + 164 of 2019, 522 of 2022 and "up to 1,724" of
// 2024 are at least 850, from counts of 2019 to 2022, not as of 2024.
func TestCentrifugeCountIsDatedByItsCountedParts(t *testing.T) {
	fs := []state.Fact{
		{Metric: state.CentrifugesEnriching, Date: day("2019-11-03"), Site: "PFEP", Machine: "IR-2m", Value: 164, Status: state.Sourced, Evidence: ev("a")},
		{Metric: state.CentrifugesEnriching, Date: day("2019-11-03"), Site: "PFEP", Machine: "IR-4", Value: 164, Status: state.Sourced, Evidence: ev("b")},
		{Metric: state.CentrifugesEnriching, Date: day("2022-10-10"), Site: "FEP", Machine: "IR-6", Value: 522, Status: state.Sourced, Evidence: ev("c")},
		{Metric: state.CentrifugesEnriching, Date: day("2024-12-05"), Site: "Fordow", Machine: "IR-6", Value: 1724, Qualifier: state.AtMost, Status: state.Sourced, Evidence: ev("d")},
	}
	s := state.At(fs, day("2025-02-08"))
	v := s.CentrifugeCount(state.CentrifugesEnriching, "", nil)
	if !v.Known || v.Value != 850 || v.Qualifier != state.AtLeast || !v.Date.Equal(day("2019-11-03")) || !v.Through.Equal(day("2022-10-10")) || len(v.Evidence) != 4 {
		t.Errorf("got %+v; want at least 850 from counts of 2019-11-03 to 2022-10-10, with the evidence of all four parts", v)
	}
	if got, want := v.AsOf(), "from counts of 2019-11-03 to 2022-10-10"; got != want {
		t.Errorf("AsOf %q, want %q", got, want)
	}
	// One counted part: its date, no range.
	if v := s.CentrifugeCount(state.CentrifugesEnriching, "FEP", nil); !v.Date.Equal(day("2022-10-10")) || !v.Through.IsZero() || v.AsOf() != "as of 2022-10-10" {
		t.Errorf("FEP: %+v, %q", v, v.AsOf())
	}
	// The parts since a date: at least those, the older left out.
	if v := s.CentrifugeCountSince(state.CentrifugesEnriching, "", nil, day("2021-01-01")); !v.Known || v.Value != 522 || v.Qualifier != state.AtLeast || !v.Date.Equal(day("2022-10-10")) {
		t.Errorf("since 2021: %+v; want at least 522 as of 2022-10-10", v)
	}
	if v := s.CentrifugeCountSince(state.CentrifugesEnriching, "", nil, day("2023-01-01")); v.Known {
		t.Errorf("since 2023: %+v; want unknown: up to 1,724 beside older counts bounds the count neither way", v)
	}
	if v := s.CentrifugeCountSince(state.CentrifugesEnriching, "", []string{"IR-6", "IR-4"}, day("2019-01-01")); !v.Known || v.Value != 686 || v.Qualifier != state.AtLeast {
		t.Errorf("IR-6 and IR-4 since 2019: %+v; want at least 686", v)
	}
	if v := s.CentrifugeCountSince(state.CentrifugesEnriching, "FEP", nil, day("2020-01-01")); !v.Known || v.Value != 522 || v.Qualifier != state.Exact {
		t.Errorf("FEP since 2020: %+v; want exactly 522, nothing left out", v)
	}
}

// A figure no longer known says what was last reported with its
// qualifier: "up to 1724 machines" is not "1724 machines", nor "more than
// 202.8 kg U" "202.8 kg U".
func TestLastReportedKeepsTheQualifier(t *testing.T) {
	s := state.At(facts, day("2021-02-01")) // access lost on 2021-01-01
	if got, want := s.CentrifugeCount(state.CentrifugesEnriching, "B", nil).Unknown, "the inspectorate lost access on 2021-01-01; last reported at least 166 machines as of 2019-06-01 (derived)"; !strings.HasSuffix(got, want) {
		t.Errorf("the IR-6 at B: %q, want it to end %q", got, want)
	}
	s = state.At(facts, day("2020-12-01")) // the stock of 2020-04-01 is 244 days old
	if got, want := s.Inventory.Total.Unknown, "last reported more than 202.8 kg U as of 2020-04-01 (sourced), 244 days before this date"; !strings.HasPrefix(got, want) {
		t.Errorf("the stock: %q, want it to begin %q", got, want)
	}
}

// A count given "up to" its value and at least a floor (up to 1,724, at
// least the 332 of two cascades) is certain to its floor: a sum counts
// the floor as it counts an exact part, dated by it, and the value says
// both bounds in words and JSON.
func TestCountBoundedBothWays(t *testing.T) {
	fs := []state.Fact{
		{Metric: state.CentrifugesEnriching, Date: day("2021-01-04"), Site: "Fordow", Machine: "IR-1", Value: 1044, Status: state.Sourced, Evidence: ev("a")},
		{Metric: state.CentrifugesEnriching, Date: day("2024-12-05"), Site: "Fordow", Machine: "IR-6", Value: 1724, Qualifier: state.AtMost, Floor: 332, Status: state.Sourced, Evidence: ev("b")},
	}
	s := state.At(fs, day("2025-02-08"))
	ir6 := s.CentrifugeCount(state.CentrifugesEnriching, "Fordow", []string{"IR-6"})
	if !ir6.Known || ir6.Value != 332 || ir6.Qualifier != state.AtLeast || !ir6.Date.Equal(day("2024-12-05")) {
		t.Errorf("IR-6: %+v; want at least 332 as of 2024-12-05", ir6)
	}
	if v := s.CentrifugeCountSince(state.CentrifugesEnriching, "Fordow", nil, day("2024-08-01")); !v.Known || v.Value != 332 || v.Qualifier != state.AtLeast {
		t.Errorf("since 2024-08: %+v; want at least 332, the IR-1 of 2021 left out", v)
	}
	if v := s.CentrifugeCount(state.CentrifugesEnriching, "Fordow", nil); v.Value != 1376 || v.Qualifier != state.AtLeast || !v.Date.Equal(day("2021-01-04")) || !v.Through.Equal(day("2024-12-05")) {
		t.Errorf("all: %+v; want at least 1376 from counts of 2021-01-04 to 2024-12-05", v)
	}
	// Without the floor, "up to" beside older counts bounds nothing.
	fs[1].Floor = 0
	if v := state.At(fs, day("2025-02-08")).CentrifugeCountSince(state.CentrifugesEnriching, "Fordow", nil, day("2024-08-01")); v.Known {
		t.Errorf("since 2024-08 without the floor: %+v; want unknown", v)
	}
	var entry state.Value
	for _, c := range s.Centrifuges {
		if c.Machine == "IR-6" {
			entry = c.Enriching
		}
	}
	if got, want := entry.Figure("machines"), "at least 332 and up to 1724 machines as of 2024-12-05"; got != want {
		t.Errorf("Figure %q, want %q", got, want)
	}
	b, err := json.Marshal(entry)
	if err != nil {
		t.Fatal(err)
	}
	var back state.Value
	if err := json.Unmarshal(b, &back); err != nil || back.Floor != 332 || back.Value != 1724 || back.Qualifier != state.AtMost || !strings.Contains(string(b), `"at_least":332`) {
		t.Errorf("JSON %s read back as %+v (%v)", b, back, err)
	}
}
