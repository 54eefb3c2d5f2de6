package report_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/report"
)

func renders(t *testing.T, r *report.Report) (md, html string) {
	t.Helper()
	var m, h bytes.Buffer
	if err := r.Markdown(&m, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := r.HTML(&h, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	return m.String(), h.String()
}

// The table of centrifuges prints each count with its own date, in the
// table (not in a tooltip, which neither a phone nor paper shows), and
// marks a count reported more than two reporting periods before the
// report's date as not current; an unknown total is not "unknown as of"
// the date it was last known on.
func TestCentrifugeCountsSayTheirDate(t *testing.T) {
	r := build(t, "2025-07-01")
	md, html := renders(t, r)
	for _, want := range []string{"| Fordow | IR-6 | 1,724 (2024-08-17, not current) | unknown |", "| Natanz FEP | IR-1 | 5,060 (2021-03-15, not current) |", "| unspecified | IR-6 | ≤ 33 (2019-05-20, not current) |",
		"Not current: reported more than 190 days"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown report lacks %q", want)
		}
	}
	for _, want := range []string{`<td class="n">1,724 (2024-08-17, not current)</td>`, `<td class="n">≤ 33 (2019-05-20, not current)</td>`, `id="centrifuge-key"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if strings.Contains(html, `title="as of`) {
		t.Error("the HTML report still dates figures in tooltips")
	}
	for _, bad := range []string{"**unknown** as of", "<strong>unknown</strong> as of"} {
		if strings.Contains(md+html, bad) {
			t.Errorf("the report says %q", bad)
		}
	}
	if !strings.Contains(md, "Total: **unknown**: the inspectorate lost access on 2025-06-13; last reported 9874.9 kg U as of 2025-06-13") {
		t.Error("the Markdown report does not say what was last reported of the unknown total")
	}
	// A count within the reporting interval is current.
	md, _ = renders(t, build(t, "2025-02-08"))
	if !strings.Contains(md, "| Fordow | IR-6 | 1,724 (2024-08-17) | ≥ 332, ≤ 1,724 (2024-12-05) |") {
		t.Errorf("a recent count is not shown as current:\n%s", md[strings.Index(md, "## 3."):strings.Index(md, "## 4.")])
	}
}

// Where the levels of an exact total fall short of it, the tables give
// the difference as its own derived row, so that they add up: at
// 2021-10-01 2,441.3 kg U less 503.8 + 1,774.8 + 84.3 + 10 is 68.4 kg U
// in other forms than UF6. Where a level is not known, nothing.
func TestStockLevelsAddUpToTheTotal(t *testing.T) {
	r := build(t, "2021-10-01")
	if o := r.Stockpile.OtherForms; o == nil || *o.Value != 68.4 || o.Status != "derived" {
		t.Fatalf("other forms at 2021-10-01: %+v, want 68.4 kg U, derived", o)
	}
	md, html := renders(t, r)
	if !strings.Contains(md, "| other forms or not given by level | 68.4 |  |  | derived | [1] |") {
		t.Error("the Markdown stock table has no row of the other forms")
	}
	if n := strings.Count(html, `<tr class="other-forms"><th scope="row">other forms or not given by level</th><td class="n">68.4`); n != 2 {
		t.Errorf("the HTML report gives the other forms in %d tables, want 2 (the summary's and the stock's)", n)
	}
	if !slices.ContainsFunc(csvRows(t, r), func(row []string) bool {
		return row[0] == "stockpile" && row[1] == "other forms or not given by level" && row[2] == "68.4" && row[6] == "derived"
	}) {
		t.Error("the CSV has no row of the other forms")
	}
	o, err := compliance.OverviewAt(agreement.JCPOA(), facts(), calendar.MustParse("2021-10-01"),
		compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: breakout.DefaultSamples, Seed: breakout.DefaultSeed})
	if err != nil {
		t.Fatal(err)
	}
	var status bytes.Buffer
	if err := report.TextStatus(&status, "JCPOA", o); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`other forms or not given by level +68\.4 +2021-08-30 +derived`).MatchString(status.String()) {
		t.Errorf("the status table has no row of the other forms:\n%s", status.String())
	}
	if got := build(t, "2017-05-27").SeriesLevels(); strings.Join(got, " ") != "5 20 60" {
		t.Errorf("series levels at 2017-05-27 %q, want 5 20 60", got)
	}
	for _, date := range []string{"2025-07-01", "2017-05-27"} {
		if o := build(t, date).Stockpile.OtherForms; o != nil {
			t.Errorf("%s: other forms %+v, where the levels are unknown or add up", date, *o.Value)
		}
	}
	// The series table has a column for every level it gives.
	if got := r.SeriesLevels(); strings.Join(got, " ") != "2 5 20 60" {
		t.Errorf("series levels %q, want 2 5 20 60", got)
	}
	if !strings.Contains(md, "| as of | total, kg U | up to 2 % | up to 5 % | up to 20 % | up to 60 % | breakout, days | sources |") {
		t.Error("the Markdown series table has no column of the stock up to 2 %")
	}
}
