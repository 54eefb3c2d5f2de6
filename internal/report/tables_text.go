package report

// Plain-text tables for a terminal of what the commands list: the public
// series report by report, an agreement's commitments and events, the
// centrifuge catalogue, one enrichment step and a simulated plant.

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

// TextReports writes the series one line per report.
func TextReports(w io.Writer, reports []dataset.Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROW\tREPORT\tDOCUMENT\tAS OF\tTOTAL kg U\tUP TO 20 %\tUP TO 60 %\tNOTES")
	var precisions []state.DatePrecision
	for _, r := range reports {
		notes := ""
		if len(r.Conflicts) > 0 {
			var cs []string
			for _, c := range r.Conflicts {
				// "CONFLICT: 60 % = …" is not said twice.
				if len(c) > len("conflict:") && strings.EqualFold(c[:len("conflict:")], "conflict:") {
					c = strings.TrimSpace(c[len("conflict:"):])
				}
				cs = append(cs, c)
			}
			notes = "conflict: " + strings.Join(cs, "; ")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Row, r.ReportDate, r.Document, r.AsOfPrecision.Short(r.AsOf),
			reportedMass(r.Total), reportedMass(r.Upto20), reportedMass(r.Upto60), notes)
		precisions = append(precisions, r.AsOfPrecision)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if key := state.Key(precisions...); key != "" {
		fmt.Fprintf(w, "%s\n", key)
	}
	return nil
}

// reportedMass formats a reported mass with its qualifier and status.
func reportedMass(c dataset.Cell) string {
	if !c.Present {
		return "-"
	}
	return fmt.Sprintf("%s%s (%s)", c.Qualifier.Symbol(), Sig(c.KgU), c.Status)
}

// TextAgreement writes the agreement's commitments and events as tables.
func TextAgreement(w io.Writer, a *agreement.Agreement) error {
	fmt.Fprintf(w, "%s (%s, %s)\n\nCommitments\n", a.Name, a.ID, a.Format)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOBLIGOR\tIN FORCE\tREF\tTITLE")
	for i := range a.Commitments {
		c := &a.Commitments[i]
		win := a.InForce(c)
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s\t%s\n", c.ID, c.Obligor, win.Start, Until(win.End), c.Ref, c.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nEvents")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range a.Events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Date, e.Kind, e.Title, e.Status)
	}
	return tw.Flush()
}

// TextMachines writes the centrifuge catalogue as a table.
func TextMachines(w io.Writer, cat []breakout.Machine) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MACHINE\tSWU/YR\tRANGE\tSTATUS\tSOURCE")
	for _, m := range cat {
		rng := "-"
		if m.Range != nil {
			rng = Sig(m.Range[0]) + "-" + Sig(m.Range[1])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Type, Sig(m.SWUPerYear), rng, m.Status, m.Source)
	}
	return tw.Flush()
}

// SWUStep is one enrichment step: its assays, the masses of its mass
// balance in kg U and its separative work.
type SWUStep struct {
	ProductPct      float64 `json:"product_pct"`
	FeedPct         float64 `json:"feed_pct"`
	TailsPct        float64 `json:"tails_pct"`
	ProductKgU      float64 `json:"product_kg_u"`
	FeedKgU         float64 `json:"feed_kg_u"`
	TailsKgU        float64 `json:"tails_kg_u"`
	SWU             float64 `json:"swu"`
	FeedPerProduct  float64 `json:"feed_per_product"`
	SWUPerKgProduct float64 `json:"swu_per_kg_product"`
	// FeedKgUF6 is the feed as UF6 at the regulatory 0.676 kg U per kg UF6.
	FeedKgUF6 float64 `json:"feed_kg_uf6"`
}

// SWUStepOf is the step of the mass balance b: its assays and masses, its
// separative work, the feed and work per kg of product, and the feed as
// UF6.
func SWUStepOf(b enrich.Balance) SWUStep {
	f, _ := enrich.StepFactors(b.Product.Assay, b.Feed.Assay, b.Tails.Assay) // checked by the balance
	uf6, _ := enrich.UF6FromU(b.Feed.MassKgU, enrich.RegulatoryUF6Factor)
	return SWUStep{
		ProductPct: b.Product.Assay.Percent(), FeedPct: b.Feed.Assay.Percent(), TailsPct: b.Tails.Assay.Percent(),
		ProductKgU: b.Product.MassKgU, FeedKgU: b.Feed.MassKgU, TailsKgU: b.Tails.MassKgU,
		SWU: b.SWU, FeedPerProduct: f.FeedPerProduct, SWUPerKgProduct: f.SWUPerProduct, FeedKgUF6: uf6,
	}
}

// TextSWU writes an enrichment step's mass balance and separative work.
func TextSWU(w io.Writer, o SWUStep, product, feed, tails enrich.Assay) error {
	fmt.Fprintf(w, "Enriching %s to %s with %s tails (ideal cascade, masses in kg U)\n\n", feed, product, tails)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "product\t%s kg U\tat %s\n", Sig(o.ProductKgU), product)
	fmt.Fprintf(tw, "feed\t%s kg U\tat %s\t(%s kg UF6 at 0.676 kg U per kg UF6)\n", Sig(o.FeedKgU), feed, Sig(o.FeedKgUF6))
	fmt.Fprintf(tw, "tails\t%s kg U\tat %s\n", Sig(o.TailsKgU), tails)
	fmt.Fprintf(tw, "separative work\t%s kg-SWU\t\t(%s kg-SWU and %s kg U of feed per kg of product)\n", Sig(o.SWU), Sig(o.SWUPerKgProduct), Sig(o.FeedPerProduct))
	return tw.Flush()
}

// TextSimulation writes what a simulated plant did: its months, its
// monthly flows with their sources, the uncertainties and the diversion
// (as given, in diversion).
func TextSimulation(w io.Writer, sim accountancy.Simulation, run *accountancy.Run, diversion string) error {
	fmt.Fprintf(w, "%s: %d months from %s\n", sim.Plant.Name, sim.Months, run.Periods[0].From)
	fmt.Fprintf(w, "  each month: feed %s kg U in, product %s kg U and tails %s kg U out (%s SWU)\n",
		Num(run.Flows.FeedKgU, 1), Num(run.Flows.ProductKgU, 1), Num(run.Flows.TailsKgU, 1), Num(run.Flows.SWU, 0))
	for _, s := range sim.Plant.Sources {
		fmt.Fprintf(w, "  - %s\n", s)
	}
	fmt.Fprintf(w, "  uncertainties: %s\n", sim.Table.Name)
	if sim.Diversion != nil {
		fmt.Fprintf(w, "  diversion: %s kg U from the %s store, %s\n", Num(run.DiversionKgU, 1), sim.Diversion.From, diversion)
	} else {
		fmt.Fprintln(w, "  no diversion")
	}
	return nil
}
