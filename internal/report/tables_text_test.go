package report_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

// The tables the listing commands print: got the rendering, want the
// lines, aligned by column.
func TestTablesText(t *testing.T) {
	date := calendar.MustParse("2025-02-08")
	product, feed, tails := enrich.MustPercent(90), enrich.MustPercent(60), enrich.MustPercent(20)
	checkRenderings(t, []rendering{
		{"machines", func(b io.Writer) error {
			return report.TextMachines(b, []breakout.Machine{{Type: "IR-1", SWUPerYear: 0.9, Range: []float64{0.75, 1}, Status: "sourced", Source: "ISIS"}, {Type: "IR-6", SWUPerYear: 6, Status: "derived", Source: "IAEA"}})
		}, "MACHINE  SWU/YR  RANGE   STATUS   SOURCE\nIR-1     0.9     0.75-1  sourced  ISIS\nIR-6     6       -       derived  IAEA\n"},
		{"reports", func(b io.Writer) error {
			return report.TextReports(b, []dataset.Report{{Row: 2, ReportDate: "2025-02-26", Document: "GOV/2025/8", AsOf: date,
				Total: dataset.Cell{Present: true, KgU: 8294.4, Status: state.Sourced}, Conflicts: []string{"a", "CONFLICT: b"}}})
		}, "ROW  REPORT      DOCUMENT    AS OF       TOTAL kg U         UP TO 20 %  UP TO 60 %  NOTES\n" +
			"2    2025-02-26  GOV/2025/8  2025-02-08  8,294.4 (sourced)  -           -           conflict: a; b\n"},
		// A row without a cut-off date is as of its report's date at the
		// latest, and one with only the month of it of that month.
		{"reports-dates", func(b io.Writer) error {
			return report.TextReports(b, []dataset.Report{
				{Row: 5, ReportDate: "2019-02", AsOf: calendar.MustParse("2019-02-01"), AsOfPrecision: state.MonthOnly, Total: dataset.Cell{Present: true, KgU: 163.8, Status: state.Sourced}},
				{Row: 18, ReportDate: "2021-09-07", AsOf: calendar.MustParse("2021-09-07"), AsOfPrecision: state.NoLaterThan, Total: dataset.Cell{Present: true, KgU: 2441.3, Status: state.Sourced}}})
		}, "ROW  REPORT      DOCUMENT  AS OF            TOTAL kg U         UP TO 20 %  UP TO 60 %  NOTES\n" +
			"5    2019-02               2019-02 (month)  163.8 (sourced)    -           -           \n" +
			"18   2021-09-07            by 2021-09-07    2,441.3 (sourced)  -           -           \n" +
			"by DATE: the figure is of that date or earlier (the date of the report that gives it; its cut-off date is not given); YYYY-MM (month): only the month of the figure is known\n"},
		{"swu", func(b io.Writer) error {
			return report.TextSWU(b, report.SWUStep{ProductKgU: 1, FeedKgU: 1.75, TailsKgU: 0.75, SWU: 0.5, FeedPerProduct: 1.75, SWUPerKgProduct: 0.5, FeedKgUF6: 2.589}, product, feed, tails)
		}, "Enriching " + feed.String() + " to " + product.String() + " with " + tails.String() + " tails (ideal cascade, masses in kg U)\n\n" +
			"product          1 kg U      at " + product.String() + "\n" +
			"feed             1.75 kg U   at " + feed.String() + "  (2.589 kg UF6 at 0.676 kg U per kg UF6)\n" +
			"tails            0.75 kg U   at " + tails.String() + "\n" +
			"separative work  0.5 kg-SWU    (0.5 kg-SWU and 1.75 kg U of feed per kg of product)\n"},
	})
}

// An agreement reads as its commitments, each with the window it is in
// force, and its events.
func TestTextAgreement(t *testing.T) {
	a := agreement.JCPOA()
	var b bytes.Buffer
	if err := report.TextAgreement(&b, a); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{a.Name + " (" + a.ID + ", ", "\n\nCommitments\nID ", "\nEvents\n", a.Commitments[0].ID + " ", a.Events[0].Title} {
		if !strings.Contains(got, want) {
			t.Errorf("the agreement's text lacks %q:\n%s", want, got)
		}
	}
}

// A simulated plant says its flows, its uncertainties and whether material
// was diverted.
func TestTextSimulation(t *testing.T) {
	sim := accountancy.Simulation{Plant: accountancy.NatanzJCPOA(), Months: 2, Start: calendar.MustParse("2016-02-01"), Seed: 1, Table: accountancy.ExampleTable()}
	run, err := accountancy.Simulate(sim)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.TextSimulation(&b, sim, run, ""); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{sim.Plant.Name + ": 2 months from 2016-02-01\n", "  each month: feed ", "  uncertainties: " + sim.Table.Name + "\n", "  no diversion\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("the simulation's text lacks %q:\n%s", want, got)
		}
	}
}

// An enrichment step echoes its assays as given and carries the mass
// balance's figures: the feed per kg of product, (xp-xt)/(xf-xt), the
// work per kg of product, and the feed as UF6 at 0.676 kg U per kg UF6.
func TestSWUStepOf(t *testing.T) {
	product, _ := enrich.Percent(5)
	feed, _ := enrich.Percent(0.711)
	tails, _ := enrich.Percent(0.25)
	b, err := enrich.ForProduct(10, product, feed, tails)
	if err != nil {
		t.Fatal(err)
	}
	s := report.SWUStepOf(b)
	near := func(got, want float64) bool { return got-want < 1e-9*want && want-got < 1e-9*want }
	feedPer := (5 - 0.25) / (0.711 - 0.25)
	if s.ProductPct != 5 || s.FeedPct != 0.711 || s.TailsPct != 0.25 || s.ProductKgU != 10 || s.SWU != b.SWU ||
		!near(s.FeedPerProduct, feedPer) || !near(s.FeedKgU, 10*feedPer) || !near(s.TailsKgU, 10*feedPer-10) ||
		!near(s.SWUPerKgProduct, b.SWU/10) || !near(s.FeedKgUF6, 10*feedPer/0.676) {
		t.Errorf("step %+v", s)
	}
}
