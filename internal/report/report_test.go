package report_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func build(t testing.TB, date string) *report.Report {
	t.Helper()
	r, err := report.Build(agreement.JCPOA(), facts(), calendar.MustParse(date),
		report.Options{BreakoutOptions: compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: breakout.DefaultSamples, Seed: breakout.DefaultSeed}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// facts are the embedded series with the continuity of knowledge its
// public record gives, as the CLI reads them.
func facts() []state.Fact { return evidence.Public(dataset.Embedded()) }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/report -update and read the diff.\n--- got ---\n%s", name, got)
	}
}

// The Markdown and JSON reports for three dates match their golden files:
// before the breaches, at the February 2025 report, after the loss of
// access.
func TestGolden(t *testing.T) {
	for _, date := range []string{"2017-05-27", "2025-02-08", "2025-11-01"} {
		r := build(t, date)
		var md, js bytes.Buffer
		if err := r.Markdown(&md, report.MarkdownOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := r.JSON(&js); err != nil {
			t.Fatal(err)
		}
		golden(t, "report-"+date+".md", md.Bytes())
		golden(t, "report-"+date+".json", js.Bytes())
	}
}

// The HTML report is one page with the four charts inline and every
// annex entry an anchor the citations point at.
func TestHTML(t *testing.T) {
	r := build(t, "2025-02-08")
	var b bytes.Buffer
	if err := r.HTML(&b, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if n := strings.Count(html, `<svg class="chart-wide"`); n != 4 {
		t.Errorf("%d inline SVG charts, want 4", n)
	}
	if n := strings.Count(html, `<svg class="chart-narrow"`); n != 4 {
		t.Errorf("%d inline SVG charts for a phone, want 4", n)
	}
	for _, want := range []string{`id="s8"`, "8. Warning time", `id="warning-regime"`, "JCPOA Annex I para 67.1", "Figure 4"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	for _, want := range []string{"274.8", `id="src-1"`, `href="#src-1"`, "@media print", "8,294.4 kg U"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, want := range []string{`<section class="cover"`, "Issued by", "Date of issue", "not dated", `id="data-status"`, "Figure 1</a>: <strong>", "Figure 3</a>: <strong>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if !strings.Contains(html, "23 figures of the stock, enrichment and centrifuges: 13 sourced, 4 derived, 1 unverified, 5 unknown") {
		t.Errorf("the cover's status of the data: %v", r.DataStatus())
	}
	// The annex lists a document once, with every entry that cites it,
	// and keeps every entry's anchor.
	docs := r.AnnexDocuments()
	seen, entries := map[string]bool{}, 0
	for _, d := range docs {
		if seen[d.Cited] {
			t.Errorf("the annex lists %q twice", d.Cited)
		}
		seen[d.Cited] = true
		entries += len(d.Entries)
	}
	if entries != len(r.Sources) || len(docs) >= len(r.Sources) {
		t.Errorf("%d documents hold %d entries of %d", len(docs), entries, len(r.Sources))
	}
	for _, s := range r.Sources {
		if strings.Count(html, fmt.Sprintf(`id="src-%d"`, s.N)) != 1 {
			t.Errorf("annex entry %d has no anchor, or more than one", s.N)
		}
	}
	if os.Getenv("ACCORD_REPORT_OUT") != "" {
		_ = os.WriteFile(os.Getenv("ACCORD_REPORT_OUT"), b.Bytes(), 0o644)
	}
}

// The report's figures are the compliance overview's: one derivation.
func TestFiguresMatchTheOverview(t *testing.T) {
	date := calendar.MustParse("2025-02-08")
	o, err := compliance.OverviewAt(agreement.JCPOA(), facts(), date,
		compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: breakout.DefaultSamples, Seed: breakout.DefaultSeed})
	if err != nil {
		t.Fatal(err)
	}
	r := build(t, "2025-02-08")
	if *r.Stockpile.Total.Value != *o.Inventory.TotalKgU || *r.Breakout.Estimate.HeadlineDays != *o.Breakout.Estimate.HeadlineDays ||
		*r.Breakout.Estimate.Uncertainty.P90Days != *o.Breakout.Estimate.Uncertainty.P90Days {
		t.Errorf("report total %v, breakout %v; overview %v, %v", *r.Stockpile.Total.Value, *r.Breakout.Estimate.HeadlineDays, *o.Inventory.TotalKgU, *o.Breakout.Estimate.HeadlineDays)
	}
	for i, l := range r.Stockpile.Levels {
		if *l.Mass.Value != *o.Inventory.ByLevel[i].MassKgU || *l.SQIAEA != *o.Inventory.ByLevel[i].SQIAEA {
			t.Errorf("level %g: %v kg U, %v SQ; overview %v, %v", l.MaxAssayPct, *l.Mass.Value, *l.SQIAEA, *o.Inventory.ByLevel[i].MassKgU, *o.Inventory.ByLevel[i].SQIAEA)
		}
	}
	if got := r.Stockpile.Levels[2]; got.MaxAssayPct != 60 || *got.Mass.Value != 274.8 {
		t.Errorf("the 60 %% level is %+v, want 274.8 kg U", got)
	}
	// One IAEA significant quantity at 60 %: 25 kg U-235 / 0.60.
	if math.Abs(r.Stockpile.OneSQ60KgU-25/0.6) > 1e-9 {
		t.Errorf("one SQ at 60 %% = %v kg U, want %v", r.Stockpile.OneSQ60KgU, 25/0.6)
	}
}

// Every figure cites an annex entry that exists, every annex entry names
// where its evidence is, and every number a format prints is cited from
// the annex of that format.
func TestCitationsResolve(t *testing.T) {
	r := build(t, "2025-02-08")
	var md bytes.Buffer
	if err := r.Markdown(&md, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	cites := regexp.MustCompile(`\[(\d+(?:, \d+)*)\]`).FindAllStringSubmatch(md.String(), -1)
	if len(cites) < 20 {
		t.Fatalf("only %d citations in the Markdown", len(cites))
	}
	for _, c := range cites {
		for _, f := range strings.Split(c[1], ", ") {
			n, _ := strconv.Atoi(f)
			if n < 1 || n > len(r.Sources) {
				t.Errorf("citation [%d] has no annex entry (%d entries)", n, len(r.Sources))
			}
		}
	}
	for i, s := range r.Sources {
		if s.N != i+1 || s.Ref == "" || s.Source == "" || s.Kind == "" {
			t.Errorf("annex entry %d: %+v", i+1, s)
		}
		// Only a record of the log is found by its ref (its index);
		// any other entry says in words where a reader finds it.
		if s.Kind != "record" && s.Entry == "" {
			t.Errorf("annex entry %d (%s) does not say where a reader finds it", s.N, s.Ref)
		}
	}
	// The 60 % stock cites row 33 of the series (GOV/2025/8).
	src := r.Sources[r.Stockpile.Levels[2].Mass.Sources[0]-1]
	if src.Ref != "iaea-iran row 33" || src.Entry != "public series, report of 2025-02-26" || !strings.HasPrefix(src.Cited(), "IAEA GOV/2025/8 (symbol not checked against the document), as reported by AP") {
		t.Errorf("the 60 %% stock cites %+v (%q), want iaea-iran row 33 (public series, report of 2025-02-26), GOV/2025/8 as reported by AP", src, src.Cited())
	}
}

// Since when each breach: the stockpile breach runs from the day the IAEA
// verified the stock above 202.8 kg U.
func TestFindingsSince(t *testing.T) {
	r := build(t, "2025-02-08")
	want := map[string]string{"stockpile": "2019-07-01", "enrichment-level": "2019-07-08", "fordow": "2019-11-09", "us-sanctions-relief": "2018-05-08"}
	for _, s := range r.Sides {
		for _, f := range s.Findings {
			if w, ok := want[f.Commitment]; ok && (f.Status != compliance.Breach || f.Since.String() != w) {
				t.Errorf("%s: %s since %s, want breach since %s", f.Commitment, f.Status, f.Since, w)
			}
		}
	}
}

// A report with no facts at all still renders in every format, its charts
// say there is nothing to draw, and its figures are unknown with a reason.
func TestReportWithoutFacts(t *testing.T) {
	r, err := report.Build(agreement.JCPOA(), nil, calendar.MustParse("2020-01-01"), report.Options{BreakoutOptions: compliance.BreakoutOptions{SQ: enrich.IAEA}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stockpile.Total.Value != nil || r.Stockpile.Total.Unknown == "" {
		t.Errorf("total %+v, want unknown with a reason", r.Stockpile.Total)
	}
	for _, c := range r.Charts() {
		svg, err := r.SVG(c.Name)
		if err != nil || !bytes.Contains(svg, []byte("no reported figures")) {
			t.Errorf("chart %s: %v", c.Name, err)
		}
	}
	var b bytes.Buffer
	for name, render := range map[string]func() error{
		"md": func() error { return r.Markdown(&b, report.MarkdownOptions{}) }, "html": func() error { return r.HTML(&b, report.HTMLOptions{}) },
		"json": func() error { return r.JSON(&b) }, "csv": func() error { return r.CSV(&b) },
	} {
		if err := render(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The CSV is one figure per row, every row the header's width.
func TestCSV(t *testing.T) {
	rows := csvRows(t, build(t, "2025-02-08"))
	found := false
	for _, row := range rows {
		if row[0] == "stockpile" && row[1] == "up to 60 %" {
			found = row[2] == "274.8" && row[3] == "kg U" && row[6] == "sourced" && row[7] != ""
		}
	}
	if !found {
		t.Error("no row gives the 60 % stock as 274.8 kg U, sourced, with its sources")
	}
}

// A finding's figure in the CSV is dated as of the figure, not of the
// report: a figure last confirmed years before is not given as of the
// report's date.
func TestCSVDatesFindingsByTheirFigure(t *testing.T) {
	r := build(t, "2022-01-01")
	observed := map[string]string{}
	stale := 0
	for _, s := range r.Sides {
		for _, f := range s.Findings {
			if f.Observed != nil {
				observed["finding: "+s.Party+"/"+f.Commitment] = f.ObservedAsOf.String()
				if !f.LastConfirmed.IsZero() {
					stale++
				}
			}
		}
	}
	if stale == 0 {
		t.Fatal("no finding at 2022-01-01 shows a figure last confirmed earlier")
	}
	for _, row := range csvRows(t, r) {
		if want, ok := observed[row[0]+"/"+row[1]]; ok && row[2] != "" && row[5] != want {
			t.Errorf("%s %s: %s as of %s, want as of %s", row[0], row[1], row[2], row[5], want)
		}
	}
}

// The CSV's sources say when each was published, and whether after the
// report's date: at 2025-02-10 the figures of 2025-02-08 come from
// GOV/2025/8, published on 2025-02-26.
func TestCSVSourcesSayWhenPublished(t *testing.T) {
	rows := csvRows(t, build(t, "2025-02-10"))
	if got := rows[0][8:]; !slices.Equal(got, []string{"published", "published_after_as_of", "as_of_precision", "ref", "at_least"}) {
		t.Fatalf("header ends %q", got)
	}
	published, before, floors := false, 0, 0
	for _, row := range rows[1:] {
		if len(row) != 13 {
			t.Fatalf("row of %d columns: %q", len(row), row)
		}
		// The IR-6 enriching at Fordow: up to 1,724, at least 332.
		if row[0] == "centrifuges" && row[12] != "" {
			floors++
			if row[1] != "Fordow IR-6 enriching" || row[2] != "1724" || row[4] != "at_most" || row[12] != "332" {
				t.Errorf("a figure bounded both ways: %q", row)
			}
		}
		if len(row) != 13 {
			t.Fatalf("row of %d columns: %q", len(row), row)
		}
		if row[0] != "source" {
			if row[8] != "" || row[9] != "" {
				t.Errorf("a figure's row has a publication: %q", row)
			}
			continue
		}
		if strings.Contains(row[3], "GOV/2025/8") {
			published = row[8] == "2025-02-26" && row[9] == "true"
			// Where a reader finds it, and the tools' locator apart.
			if row[2] != "public series, report of 2025-02-26" || row[11] != "iaea-iran row 33" {
				t.Errorf("GOV/2025/8: found at %q, ref %q", row[2], row[11])
			}
		}
		if row[9] == "false" {
			before++
		}
	}
	if !published {
		t.Error("no source row gives GOV/2025/8 as published 2025-02-26, after the report's date")
	}
	if before == 0 {
		t.Error("no source row is published on or before the report's date")
	}
	if floors != 1 {
		t.Errorf("%d rows bounded both ways, want 1 (the IR-6 enriching at Fordow)", floors)
	}
}

// csvRows is the report as CSV, read back.
func csvRows(t *testing.T, r *report.Report) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := r.CSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func BenchmarkBuild(b *testing.B) {
	for b.Loop() {
		build(b, "2025-02-08")
	}
}

// Before the record begins, what is unknown says so: no "since" or "as of"
// with no date after it, no space before a full stop where a citation
// would be, and no activity "unknown since" the day its provision began.
func TestNoDatelessSince(t *testing.T) {
	dangling := regexp.MustCompile(`(since|as of)\s*([.;,)]|\*\*|$)|\s\.(\s|$)|unknown since`)
	for _, date := range []string{"1950-01-01", "2015-07-14"} {
		r := build(t, date)
		var md, text bytes.Buffer
		if err := r.Markdown(&md, report.MarkdownOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, line := range r.Summary {
			text.WriteString(line + "\n")
		}
		for name, out := range map[string]string{"markdown": md.String(), "summary": text.String()} {
			for _, line := range strings.Split(out, "\n") {
				if m := dangling.FindString(line); m != "" {
					t.Errorf("%s at %s: %q in %q", name, date, m, line)
				}
			}
		}
	}
}

// The CSV says of each figure how much its as-of date is known, in its
// last column: at 2018-06-15 the stock is of 2018-05-24 at the latest (the
// report of that day gives no cut-off date).
func TestCSVSaysHowMuchAnAsOfDateIsKnown(t *testing.T) {
	rows := csvRows(t, build(t, "2018-06-15"))
	var total bool
	for _, row := range rows[1:] {
		if row[0] == "stockpile" && row[1] == "total" {
			total = true
			if row[5] != "2018-05-24" || row[10] != "no_later_than" {
				t.Errorf("total as of %q, precision %q", row[5], row[10])
			}
		}
		if row[0] == "finding: iran" && row[1] == "stockpile" && row[10] != "no_later_than" {
			t.Errorf("stockpile finding: precision %q", row[10])
		}
	}
	if !total {
		t.Error("no row of the total")
	}
}

// The summary says the stock's date as far as it is known: the figure of
// the report of 24 May 2018 comes without its cut-off date, so it is of
// that day at the latest, as the tables say.
func TestSummarySaysHowMuchTheStocksDateIsKnown(t *testing.T) {
	r := build(t, "2018-06-15")
	want := "The enriched-uranium stock was 123.9 kg U as of 2018-05-24 at the latest"
	if !slices.ContainsFunc(r.Summary, func(l string) bool { return strings.HasPrefix(l, want) }) {
		t.Errorf("no summary line begins %q: %q", want, r.Summary)
	}
}

// The summary's count of significant quantities names what it counts: the
// near-20 % level is below 20 %, where the IAEA counts 75 kg U-235 a
// quantity, not 25; and the enrichment level's date is said as far as it
// is known.
func TestSummaryCountsSignificantQuantitiesAsItSays(t *testing.T) {
	r := build(t, "2025-02-08")
	i := slices.IndexFunc(r.Summary, func(l string) bool { return strings.Contains(l, "significant quantities") })
	if i < 0 {
		t.Fatalf("no summary line counts significant quantities: %q", r.Summary)
	}
	line := r.Summary[i]
	for _, want := range []string{"near 20 % or more (606.8 kg U at up to 20 %, 274.8 kg U at up to 60 %)", "holds 8.19 significant quantities", "75 kg below"} {
		if !strings.Contains(line, want) {
			t.Errorf("the line lacks %q: %s", want, line)
		}
	}
	if strings.Contains(line, "stock at 20 % or more") {
		t.Errorf("the line calls the near-20 %% level 20 %% or more: %s", line)
	}
	ev := []state.Evidence{{Kind: "dataset", Ref: "r", Source: "s", Status: state.Sourced}}
	only := []state.Fact{{Metric: state.MaxEnrichmentPct, Date: calendar.MustParse("2021-09-07"), DatePrecision: state.NoLaterThan, Value: 60, Status: state.Sourced, Evidence: ev}}
	r, err := report.Build(agreement.JCPOA(), only, calendar.MustParse("2021-10-01"), report.Options{BreakoutOptions: compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: 100, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	want := "Uranium was enriched to 60 % as of 2021-09-07 at the latest"
	if !slices.ContainsFunc(r.Summary, func(l string) bool { return strings.HasPrefix(l, want) }) {
		t.Errorf("no summary line begins %q: %q", want, r.Summary)
	}
}

// A status that has held since the first date evaluated has no "since":
// Transition Day's relief was not in force before the agreement existed,
// not "since 2015-06-30", the first date of the record; a status that
// began later keeps its date.
func TestFindingsSinceOnlyWhereTheStatusBegan(t *testing.T) {
	r := build(t, "2017-05-27")
	for _, s := range r.Sides {
		for _, f := range s.Findings {
			switch f.Commitment {
			case "eu-transition-relief":
				if !f.Since.IsZero() {
					t.Errorf("%s: %s since %s", f.Commitment, f.Status, f.Since)
				}
			case "eu-sanctions-relief":
				if f.Since.String() != "2016-01-16" {
					t.Errorf("%s: %s since %q, want 2016-01-16", f.Commitment, f.Status, f.Since)
				}
			}
		}
	}
}

// The events numbered on the charts are listed once, under the first
// figure; the others point to that list rather than repeat it.
func TestChartEventsListedOnce(t *testing.T) {
	_, html := renders(t, build(t, "2025-02-08"))
	if n := strings.Count(html, `<ol class="events" id="chart-events">`); n != 1 || strings.Count(html, `<ol class="events"`) != 1 {
		t.Errorf("the events are listed %d times, want once", n)
	}
	figures := strings.Count(html, `<figure class="chart"`)
	if n := strings.Count(html, `<a href="#chart-events">listed under Figure 1</a>`); figures < 2 || n != figures-1 {
		t.Errorf("%d figures, %d pointing to the first's list of events", figures, n)
	}
}

// The series is evaluated on the agreement's days too: on the day the
// JCPOA was concluded no stock was reported, and the breakout from what
// was known then (69 days, as `breakout --as-of 2015-07-14` gives) starts
// the chart instead of the unknown estimate of the stock of June 2015; a
// stock reported on such a day (Implementation Day) names it.
func TestSeriesMarksTheAgreementsDays(t *testing.T) {
	r := build(t, "2024-01-01")
	days := map[string]report.Point{}
	for i, p := range r.Series {
		if i > 0 && !r.Series[i-1].Date.Before(p.Date) {
			t.Errorf("series not in date order at %s", p.Date)
		}
		if p.Event != "" {
			days[p.Date.String()] = p
		}
	}
	want := map[string]string{"2015-07-14": "JCPOA finalised in Vienna", "2015-07-20": "UNSCR 2231 adopted 15-0", "2015-10-18": "Adoption Day (90 days after UNSCR 2231)",
		"2016-01-16": "Implementation Day", "2023-10-18": "Transition Day (8 years after Adoption Day)"}
	if len(days) != len(want) {
		t.Errorf("points on the agreement's days: %v, want %v", slices.Sorted(maps.Keys(days)), slices.Sorted(maps.Keys(want)))
	}
	for d, title := range want {
		if days[d].Event != title {
			t.Errorf("%s: event %q, want %q", d, days[d].Event, title)
		}
	}
	p := days["2015-07-14"]
	if p.TotalKgU != nil || p.BreakoutDays == nil || math.Abs(*p.BreakoutDays-69.0) > 0.05 {
		t.Errorf("2015-07-14: stock %v, breakout %v; want no stock and 69.0 days", p.TotalKgU, p.BreakoutDays)
	}
	if p := days["2016-01-16"]; p.TotalKgU == nil {
		t.Error("Implementation Day lost its stock")
	}
}

// After Termination Day the record goes on: the year before mid-2026
// holds the Board's resolution of November 2025 and the war that began on
// 28 February 2026, and the access then rests on the Director General's
// word that the IAEA had no staff in Iran, not only on the reports.
func TestTheRecordGoesOnAfterTerminationDay(t *testing.T) {
	r := build(t, "2026-06-15")
	events := map[string]bool{}
	for _, e := range r.Activities.RecentEvents {
		events[e.ID] = e.Source > 0
	}
	for _, id := range []string{"board-resolution-november-2025", "war-february-2026", "cairo-arrangement", "cairo-arrangement-ended", "iran-suspends-cooperation-2025"} {
		if cited, ok := events[id]; !ok || !cited {
			t.Errorf("events of the year before 2026-06-15: %s listed %v, cited %v; want both", id, ok, cited)
		}
	}
	var staff bool
	for _, c := range r.Knowledge.Changes {
		for _, n := range c.Sources {
			if s := r.Sources[n-1]; strings.Contains(s.Source, "AsiaOne") {
				staff = c.Access == "none"
			}
		}
	}
	if !staff {
		t.Errorf("the access of none does not cite the report of 2 March 2026 (Reuters, AsiaOne) that the IAEA had no staff in Iran: %+v", r.Knowledge.Changes)
	}
}
