package report

// Plain-text renderings for a terminal: what the commands print of a
// status, a breakout estimate, a timeline, clocks, balances, continuity of
// knowledge and the state at a date. The JSON, Markdown, HTML and CSV
// forms are beside them.

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
)

// Sig formats f with about four significant digits and thousands
// separators: the precision of a terminal's tables.
func Sig(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	decimals := 0
	if f != 0 {
		decimals = max(1, 3-int(math.Floor(math.Log10(math.Abs(f)))))
	}
	return Num(f, decimals)
}

// ContinuityView is continuity of knowledge at a date, from a source: what
// accord knowledge prints (and its JSON).
type ContinuityView struct {
	AsOf    calendar.Date          `json:"as_of"`
	Source  string                 `json:"source"`
	Streams []accountancy.StreamAt `json:"streams"`
}

func optSig(p *float64, suffix string) string {
	if p == nil {
		return "-"
	}
	return Sig(*p) + suffix
}

// LaterMark marks, in a table, a figure taken from a document published
// after the view's date (or perhaps after: only its month is known); a key
// line under the table names the documents (LaterKey).
const LaterMark = "†"

// laterMark is LaterMark when some of evs was (or perhaps was) published
// after date, else "".
func laterMark(evs []state.Evidence, date calendar.Date) string {
	if len(state.PublishedLater(evs, date)) > 0 {
		return LaterMark
	}
	return ""
}

// LaterKey is the key to LaterMark for the documents of evs published
// after date: "† published after this date: IAEA GOV/2025/8 (published
// 2025-02-26)"; "" when there is none.
func LaterKey(evs []state.Evidence, date calendar.Date) string {
	later := state.PublishedLater(evs, date)
	if len(later) == 0 {
		return ""
	}
	parts := make([]string, len(later))
	for i, e := range later {
		when := e.Publication()
		if _, perhaps := e.PublishedAfter(date); perhaps {
			when = e.Hindsight(date)
		}
		parts[i] = e.Label() + " (" + when + ")"
	}
	return LaterMark + " published after this date: " + strings.Join(parts, "; ")
}

// latestLines say what the latest evidence at the date is, how old, and,
// where it was published after the date, so and what had been published
// by then.
func latestLines(w io.Writer, o *compliance.Overview) {
	if l := o.Latest.Report; l != nil {
		if h := l.Evidence.Hindsight(o.AsOf); h != "" {
			fmt.Fprintf(w, "Latest figures: of %s, from %s, %s\n", dateAndAge(l, o.AsOf, "this date"), l.Evidence.Cited(), h)
			if p := o.Latest.Public; p != nil {
				fmt.Fprintf(w, "Latest published by this date: of %s, from %s, %s\n", dateAndAge(p, o.AsOf, "it"), p.Evidence.Cited(), p.Evidence.Publication())
			}
		} else {
			fmt.Fprintf(w, "Latest evidence: %s, of %s\n", l.Evidence.Cited(), dateAndAge(l, o.AsOf, "this date"))
		}
	}
	if l := o.Latest.Stock; l != nil && l.AgeDays > 0 {
		fmt.Fprintf(w, "Latest figure of the stock: of %s, from %s", dateAndAge(l, o.AsOf, "this date"), l.Evidence.Cited())
		if h := l.Evidence.Hindsight(o.AsOf); h != "" {
			fmt.Fprint(w, ", "+h)
		}
		fmt.Fprintln(w)
	}
}

// dateAndAge says a latest figure's date as far as it is known and its
// age at date, before which (the date, or "it"): "2021-09-07 (24 days
// before this date)", "2021-09-07 at the latest (at least 24 days before
// this date)", "2019-02 (month only; 1 to 28 days before this date)".
func dateAndAge(l *compliance.LatestFigure, date calendar.Date, which string) string {
	age := strings.TrimSuffix(l.DatePrecision.Before(l.Date, date), " this date") + " " + which
	if when := l.DatePrecision.Date(l.Date); strings.HasSuffix(when, ")") {
		return strings.TrimSuffix(when, ")") + "; " + age + ")"
	}
	return l.DatePrecision.Date(l.Date) + " (" + age + ")"
}

func TextStatus(w io.Writer, name string, o *compliance.Overview) error {
	fmt.Fprintf(w, "%s: status as of %s\n", name, o.AsOf)
	fmt.Fprintf(w, "Inspectorate access: %s%s\n", state.AccessSince(o.Knowledge.Access, o.Knowledge.Since), laterMark(o.Knowledge.Evidence, o.AsOf))
	latestLines(w, o)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Enriched uranium")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "level\tkg U\tas of\tSQ (IAEA)\tSQ (wgu25)\tstatus\t")
	var unknown []string
	// The evidence of the figures shown, for the key to their marks, and
	// the precisions of their dates, for the key to those.
	cited := slices.Clone(o.Knowledge.Evidence)
	var precisions []state.DatePrecision
	for _, l := range o.Inventory.ByLevel {
		mass, asOf, status := l.Qualifier.Symbol()+optSig(l.MassKgU, ""), l.AsOfPrecision.Short(l.AsOf)+laterMark(l.Ref, o.AsOf), string(l.Status)
		if l.MassKgU == nil {
			mass, asOf, status = "unknown", "-", "unknown"
			unknown = append(unknown, fmt.Sprintf("up to %s %%: %s", Sig(l.MaxAssayPct), l.Unknown))
		} else {
			cited, precisions = append(cited, l.Ref...), append(precisions, l.AsOfPrecision)
		}
		fmt.Fprintf(tw, "up to %s %%\t%s\t%s\t%s\t%s\t%s\t\n", Sig(l.MaxAssayPct), mass, asOf, l.Qualifier.Symbol()+optSig(l.SQIAEA, ""), l.Qualifier.Symbol()+optSig(l.SQWGU25, ""), status)
	}
	// What the levels leave of an exact total, so that the table adds up.
	other, hasOther := OtherFormsKgU(o.Inventory)
	if hasOther {
		t := o.Inventory.Total
		fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t%s\t\n", OtherFormsLabel, Sig(other), t.DatePrecision.Short(t.Date)+laterMark(t.Evidence, o.AsOf), state.Derived)
	}
	total, asOf, status := "unknown", "-", "unknown"
	if t := o.Inventory.Total; o.Inventory.TotalKgU != nil {
		total, asOf, status = t.Qualifier.Symbol()+Sig(*o.Inventory.TotalKgU), t.DatePrecision.Short(t.Date)+laterMark(t.Evidence, o.AsOf), string(t.Status)
		cited, precisions = append(cited, t.Evidence...), append(precisions, t.DatePrecision)
	} else {
		unknown = append(unknown, "total: "+t.Unknown)
	}
	fmt.Fprintf(tw, "total\t%s\t%s\t\t\t%s\t\n", total, asOf, status)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, u := range unknown {
		fmt.Fprintf(w, "  %s\n", u)
	}
	if hasOther {
		fmt.Fprintf(w, "  %s\n", OtherFormsNote)
	}
	fmt.Fprintln(w, "  SQ (IAEA): 25 kg U-235 contained at 20 % or more, 75 kg below; SQ (wgu25): 25-kg quantities of 90 % the level yields with default tails")
	if key := state.Key(precisions...); key != "" {
		fmt.Fprintf(w, "  %s\n", key)
	}

	fmt.Fprintln(w, "\nFindings")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var later []state.DatePrecision
	fmt.Fprintln(tw, "COMMITMENT\tOBLIGOR\tSTATUS\tOBSERVED\tLIMIT\tRATIO\tWHY")
	for _, f := range o.Findings {
		observed := ObservedText(f, Sig)
		if f.Observed != nil {
			observed += laterMark(f.Evidence, o.AsOf)
			cited = append(cited, f.Evidence...)
			if !slices.Contains(precisions, f.ObservedPrecision) {
				// Keyed below the findings, unless the stock's key has it.
				later = append(later, f.ObservedPrecision)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Commitment, f.Obligor, strings.ToUpper(string(f.Status)),
			observed, optSig(f.Limit, " "+f.Unit), RatioText(f, f.Qualifier.Symbol(), Sig), f.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if key := state.Key(later...); key != "" {
		fmt.Fprintf(w, "%s\n", key)
	}
	if key := LaterKey(cited, o.AsOf); key != "" {
		fmt.Fprintf(w, "%s\n", key)
	}
	for _, r := range o.Reimposed {
		fmt.Fprintf(w, "\nRe-imposed on %s (%s): %s\n", r.Date, strings.Join(r.Measures, ", "), r.Title)
	}
	// The table shows the procedures started in the year before the date;
	// --json has them all.
	var recent []agreement.Deadline
	for _, d := range o.Deadlines {
		if d.Trigger.Date.AddDays(365).After(o.AsOf) {
			recent = append(recent, d)
		}
	}
	if len(recent) > 0 {
		fmt.Fprintln(w, "\nClocks")
		TextDeadlines(w, recent)
	}
	if older := len(o.Deadlines) - len(recent); older > 0 {
		fmt.Fprintf(w, "\n(%d deadlines of procedures started more than a year before: --json lists them)\n", older)
	}
	fmt.Fprintln(w)
	TextDatedHeadline(w, o.Breakout)
	fmt.Fprintln(w, "  (accord breakout --as-of DATE shows the steps and assumptions)")
	return nil
}

// renderDated writes a dated estimate: its status first, then the
// estimate or what is known instead.
func TextDated(w io.Writer, b *compliance.Breakout) error {
	TextDatedHeadline(w, b)
	// The headline says which figures were published after the date; the
	// notes need not say it again.
	later := compliance.LaterNotes(b.Evidence, b.AsOf)
	if b.Estimate != nil {
		fmt.Fprintln(w)
		if err := textBreakout(w, *b.Scenario, b.Estimate, b.HeadlineQualifier); err != nil {
			return err
		}
	}
	notes := slices.DeleteFunc(slices.Clone(b.Notes), func(n string) bool { return slices.Contains(later, n) })
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nFrom the state")
		for _, n := range notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	return nil
}

// TextDatedHeadline writes the status and headline of a dated estimate,
// and which of its figures were published after its date.
func TextDatedHeadline(w io.Writer, b *compliance.Breakout) {
	fmt.Fprintf(w, "Breakout as of %s (%s convention, %s, %s centrifuges): %s\n", b.AsOf, b.Convention, b.SQ, b.Machines, BreakoutDays(b))
	if b.Status == compliance.Estimated && b.HeadlineBound != "" {
		fmt.Fprintf(w, "  %s\n", upperFirst(b.HeadlineBound))
	}
	// Figures published after the date are said beside the figure they
	// make.
	for _, n := range compliance.LaterNotes(b.Evidence, b.AsOf) {
		fmt.Fprintf(w, "  %s\n", n)
	}
	switch b.Status {
	case compliance.NotReachable:
		fmt.Fprintf(w, "  not reachable: %s\n", b.Reason)
	case compliance.UnknownEstimate:
		fmt.Fprintf(w, "  unknown: %s\n", b.Reason)
		if lk := b.LastKnown; lk != nil {
			fmt.Fprintf(w, "  the last estimate on known figures, as of %s: %s\n", lk.AsOf, BreakoutDays(&compliance.Breakout{Status: compliance.Estimated, HeadlineQualifier: lk.HeadlineQualifier,
				Estimate: &breakout.Result{HeadlineDays: lk.HeadlineDays, Uncertainty: &breakout.Uncertainty{P10Days: lk.P10Days, P90Days: lk.P90Days}}}))
		} else {
			fmt.Fprintln(w, "  no earlier estimate on known figures")
		}
		if s := b.Since; s != nil {
			fmt.Fprintf(w, "  %s\n  (change the damage assumptions with --surviving-fleet and --remaining-stock)\n", s.Text)
		}
	}
}

func DaysOrNever(d *float64) string {
	if d == nil {
		return "never"
	}
	return Sig(*d)
}

// TextBreakout prints an estimate with its steps and assumptions.
func TextBreakout(w io.Writer, s breakout.Scenario, r *breakout.Result) error {
	return textBreakout(w, s, r, state.Exact)
}

// textBreakout is TextBreakout for an estimate that q says is only a
// bound: the days to the first and to the target quantity, and their
// band, carry its sign. The whole stock's conversion and the monthly
// counts do not: more stock takes longer to convert, and a shorter
// breakout makes more each month.
func textBreakout(w io.Writer, s breakout.Scenario, r *breakout.Result, q state.Qualifier) error {
	title := "Breakout estimate"
	if s.Name != "" {
		title += ": " + s.Name
	}
	fmt.Fprintln(w, title)
	fmt.Fprintf(w, "Convention: %s\n", r.ConventionText)
	fmt.Fprintf(w, "One significant quantity (SQ) = %s kg U at %s %% (%s)\n\n", Sig(r.ProductKgUPerSQ), Sig(r.TargetPct), r.SQText)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	signed := func(d *float64) string {
		if d == nil {
			return DaysOrNever(d)
		}
		return q.Symbol() + DaysOrNever(d)
	}
	fmt.Fprintf(tw, "Days to the first SQ\t%s", signed(r.HeadlineDays))
	if u := r.Uncertainty; u != nil {
		fmt.Fprintf(tw, "\t(median of %d samples, seed %d; p10 %s, p90 %s)", u.Samples, u.Seed, signed(u.P10Days), signed(u.P90Days))
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "Every input at its central value\t%s\n", signed(r.FirstSQDays))
	fmt.Fprintf(tw, "Days to %s SQ (target)\t%s\n", Sig(r.QuantitySQ), signed(r.TargetDays))
	fmt.Fprintf(tw, "Separative work for the target\t%s kg-SWU\n", Sig(r.SWUTotal))
	fmt.Fprintf(tw, "Fleet capacity\t%s SWU/yr (high-enrichment steps: %s SWU/yr)\n", Sig(r.CapacitySWUPerYear), Sig(r.HighCapacitySWUPerYear))
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Timing.Text != "" {
		fmt.Fprintf(w, "How: %s\n", r.Timing.Text)
	}
	if r.Unreachable != "" {
		fmt.Fprintf(w, "Not reachable: %s\n", r.Unreachable)
	}

	fmt.Fprintln(w, "\nSteps for the target (each at its stage's capacity; stages work at the same time)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tfeed %\tfeed kg U\tproduct %\tproduct kg U\ttails %\ttails kg U\tkg-SWU\tdays\t")
	for _, st := range r.Steps {
		tails := "-"
		if st.TailsPct != nil {
			tails = Sig(*st.TailsPct)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", st.Stage, Sig(st.FeedPct), Sig(st.FeedKgU), Sig(st.ProductPct), Sig(st.ProductKgU), tails, Sig(st.TailsKgU), Sig(st.SWU), DaysOrNever(st.Days))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var seen []string
	for _, st := range r.Steps {
		if line := st.Stage + ": " + st.Machines; !slices.Contains(seen, line) {
			seen = append(seen, line)
			fmt.Fprintf(w, "  %s\n", line)
		}
	}

	fmt.Fprintln(w, "\nCumulative SQ complete at the end of each month")
	tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	row := func(label string, v [breakout.Months]float64) {
		fmt.Fprintf(tw, "%s\t", label)
		for _, x := range v {
			fmt.Fprintf(tw, "%.1f\t", x)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "month\t")
	for m := 1; m <= breakout.Months; m++ {
		fmt.Fprintf(tw, "%d\t", m)
	}
	fmt.Fprintln(tw)
	row("SQ", r.CumulativeSQByMonth)
	if u := r.Uncertainty; u != nil {
		row("p10", u.CumulativeSQByMonth.P10)
		row("p50", u.CumulativeSQByMonth.P50)
		row("p90", u.CumulativeSQByMonth.P90)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	sc := r.StockConversion
	fmt.Fprintf(w, "\nWhole stock to %s %%: %s kg U (%s SQ), %s kg-SWU, %s days\n",
		Sig(r.TargetPct), Sig(sc.ProductKgU), Sig(sc.SQ), Sig(sc.SWU), DaysOrNever(sc.Days))
	for _, sk := range r.Skipped {
		fmt.Fprintf(w, "Skipped: %s\n", sk)
	}

	fmt.Fprintln(w, "\nAssumptions")
	for _, a := range r.Assumptions {
		fmt.Fprintf(w, "  - %s\n", a)
	}
	if u := r.Uncertainty; u != nil {
		fmt.Fprintf(w, "  - uncertainty band: %s; varied: %s\n", u.Distribution, strings.Join(u.Varied, "; "))
	} else {
		fmt.Fprintln(w, "  - no input has a range: no uncertainty band")
	}
	return nil
}

func TextDeadlines(w io.Writer, ds []agreement.Deadline) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROCEDURE\tSTARTED\tSTEP\tDUE\tSTATUS\tDAYS LEFT\tREF")
	for _, d := range ds {
		// Days left count only for a step still awaited.
		days, status := "-", d.StatusText()
		if d.Status == agreement.Pending || d.Status == agreement.Overdue {
			days = strconv.Itoa(d.DaysLeft)
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%s\t%s\t%s\n", d.Procedure, d.Trigger.Kind, d.Trigger.Date, d.StepName, d.Due, status, days, d.Ref)
	}
	return tw.Flush()
}

func TextTimeline(w io.Writer, name string, tracks []compliance.Track) error {
	fmt.Fprintf(w, "%s: status of each commitment over time\n", name)
	for _, t := range tracks {
		fmt.Fprintf(w, "\n%s (%s): %s\n", t.Commitment, t.Obligor, t.Title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, p := range t.Periods {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.From, Until(p.To), p.Status)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		// A status that rests on events of the agreement (the act that
		// performed an action, the event that broke or ended it, the
		// event in dispute) says what it rests on.
		for _, p := range t.Periods {
			if p.Reason == "" {
				continue
			}
			var docs []string
			for _, e := range p.Events {
				if l := e.Label(); !slices.Contains(docs, l) {
					docs = append(docs, l)
				}
			}
			fmt.Fprintf(w, "  %s from %s: %s [%s]\n", p.Status, p.From, p.Reason, strings.Join(docs, "; "))
		}
		for _, b := range t.Breaches {
			end := "not ended"
			if !b.To.IsZero() {
				end = fmt.Sprintf("ended %s (then %s)", b.To, b.Then)
			}
			if !b.DisputedFrom.IsZero() {
				// Under the readings that end the commitment, the breach
				// ended that day; under the others it runs on.
				end += fmt.Sprintf(", disputed from %s", b.DisputedFrom)
				if n := len(t.Points); b.To.IsZero() && n > 0 && t.Points[n-1].Status == compliance.Disputed {
					end = fmt.Sprintf("disputed from %s (ended then under some parties' reading, not ended under the others')", b.DisputedFrom)
				}
			}
			shown := fmt.Sprintf("shown by an event of the agreement on %s", b.From)
			if !b.ConfirmedUntil.IsZero() {
				shown = fmt.Sprintf("last shown by a figure as of %s", b.ConfirmedPrecision.Date(b.ConfirmedUntil))
			}
			fmt.Fprintf(w, "  breach began %s, %s; %s\n", b.From, end, shown)
		}
	}
	return nil
}

func TextBalance(w io.Writer, v *accountancy.Analysis) error {
	fmt.Fprintf(w, "Material balance area %s (%s), %d periods\nUncertainties: %s\n\n", v.MBA, v.Site, len(v.Periods), v.Uncertainties)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\tbeginning\tincreases\tdecreases\tbook\tending\tMUF\tsigma-MUF\tMUF/sigma\talarm\t")
	for _, p := range v.Periods {
		alarm := ""
		if p.Alarm {
			alarm = "ALARM"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Period, Num(p.BeginKgU, 1), Num(p.IncreasesKgU, 1), Num(p.DecreasesKgU, 1),
			Num(p.BookKgU, 1), Num(p.EndKgU, 1), Num(p.MUFKgU, 2), Num(p.SigmaMUFKgU, 2), Num(p.Ratio, 2), alarm)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  (kg U; MUF = beginning + increases - decreases + SRD - ending)")
	t := v.Tests
	yes := map[bool]string{true: "ALARM", false: "no alarm"}
	fmt.Fprintf(w, "\nTests, false-alarm probability %g:\n", t.Alpha)
	fmt.Fprintf(w, "  CUMUF after %d periods: %s kg U, sigma %s kg U: %s\n", len(v.Periods), Num(t.CUMUF.KgU, 2), Num(t.CUMUF.SigmaKgU, 2), yes[t.CUMUF.Alarm])
	last := 0.0
	if n := len(t.Page.Statistic); n > 0 {
		last = t.Page.Statistic[n-1]
	}
	fmt.Fprintf(w, "  Page's test on SITMUF (k %g, threshold %s): ", t.Page.K, Num(t.Page.Threshold, 3))
	if t.Page.AlarmPeriod != nil {
		fmt.Fprintf(w, "ALARM in period %s\n", *t.Page.AlarmPeriod)
	} else {
		fmt.Fprintf(w, "no alarm (last statistic %s)\n", Num(last, 3))
	}
	agree := 0
	for _, r := range v.Reports {
		if r.Agrees {
			agree++
		} else {
			fmt.Fprintf(w, "  operator's report at log index %d (%s/%s): %s\n", r.Index, r.From, r.To, r.Note)
		}
	}
	fmt.Fprintf(w, "Operator's material balance reports: %d of %d agree with the recomputed balances\n", agree, len(v.Reports))
	for _, d := range v.Verification {
		if d.DeclaredKgU == nil {
			fmt.Fprintf(w, "  inspectorate measurement at log index %d, %s %s: measured %s kg U: %s\n", d.Index, d.KMP, d.Batch, Num(d.MeasuredKgU, 2), d.Note)
			continue
		}
		verdict := "within 3 sigma"
		if *d.Significant {
			verdict = "SIGNIFICANT"
		}
		fmt.Fprintf(w, "  inspectorate measurement at log index %d, %s %s: declared %s, measured %s kg U, difference %s ± %s kg U: %s\n",
			d.Index, d.KMP, d.Batch, Num(*d.DeclaredKgU, 2), Num(d.MeasuredKgU, 2), Num(*d.DiffKgU, 2), Num(*d.SigmaKgU, 2), verdict)
	}
	if v.Unbalanced > 0 {
		fmt.Fprintf(w, "%d inventory changes fall outside the periods the listings bound\n", v.Unbalanced)
	}
	if d := v.Detection; d != nil {
		fmt.Fprintf(w, "Detection probability of %s loss of %s kg U by Page's test: %.3f (%d trials)\n", map[string]string{"abrupt": "an abrupt", "protracted": "a protracted"}[d.Loss.Kind], Num(d.Loss.KgU, 1), d.Probability, d.Trials)
	}
	return nil
}

func TextKnowledge(w io.Writer, v ContinuityView) error {
	fmt.Fprintf(w, "Continuity of knowledge as of %s, from %s\n\n", v.AsOf, v.Source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tSTREAM\tSTATE\tSINCE\tCAUSE")
	var precisions []state.DatePrecision
	for _, s := range v.Streams {
		since := s.SincePrecision.Short(s.Since) // "" when never monitored
		precisions = append(precisions, s.SincePrecision)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Site, s.Stream, strings.ToUpper(s.State), since, s.Cause)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if key := state.ChangeKey(precisions...); key != "" {
		fmt.Fprintf(w, "%s\n", key)
	}
	for _, s := range v.Streams {
		fmt.Fprintf(w, "\n%s, %s:\n", s.Stream, s.Site)
		for _, iv := range s.Intervals {
			to := "ongoing"
			if !iv.To.IsZero() {
				to = "to " + iv.ToPrecision.Date(iv.To)
			}
			if iv.FromPrecision == state.NoLaterThan {
				to = ", " + to // "from 2021-09-08 at the latest, ongoing"
			} else {
				to = " " + to
			}
			cause := ""
			if iv.Cause != "" {
				cause = ": " + iv.Cause
			}
			ref := ""
			if len(iv.Evidence) > 0 {
				refs := make([]string, len(iv.Evidence))
				for i, e := range iv.Evidence {
					refs[i] = citeShort(e, false)
				}
				ref = " [" + strings.Join(refs, "; ") + "]"
			}
			fmt.Fprintf(w, "  %-10s from %s%s%s%s\n", iv.State, iv.FromPrecision.Date(iv.From), to, cause, ref)
		}
	}
	return nil
}

// citeShort cites evidence in a line of text: by its document or where
// it was seen, and for a log record by its index too, which `accord
// record` and the dashboard open ("IAEA GOV/2021/10, log index 119"); with
// rows, a row of a series by where a reader finds it too ("public series,
// report of 2021-02-23"), which `accord data list` and the dashboard's
// Sources page show.
func citeShort(e state.Evidence, rows bool) string {
	label := e.Label()
	if where := e.Where(); (e.Kind == "record" || rows) && where != "" && label != where {
		return label + ", " + where
	}
	return label
}

func valueText(v state.Value, unit string) string {
	if !v.Known {
		return "unknown: " + v.Unknown
	}
	ref := ""
	if len(v.Evidence) > 0 {
		ref = ", " + citeShort(v.Evidence[0], true)
	}
	return fmt.Sprintf("%s%s %s (%s, %s%s)", v.Qualifier.Words(), Sig(v.Value), unit, v.Status, v.DatePrecision.AsOf(v.Date), ref)
}

func TextState(w io.Writer, s *state.State) error {
	fmt.Fprintf(w, "State as of %s\n\n", s.AsOf)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Enriched uranium, total\t%s\n", valueText(s.Inventory.Total, "kg U"))
	for _, l := range s.Inventory.ByLevel {
		fmt.Fprintf(tw, "  up to %s %%\t%s\n", Sig(l.MaxAssayPct), valueText(l.Mass, "kg U"))
	}
	fmt.Fprintf(tw, "Highest enrichment\t%s\n", valueText(s.MaxEnrichment, "%"))
	fmt.Fprintf(tw, "Heavy water\t%s\n", valueText(s.HeavyWater, "t"))
	fmt.Fprintf(tw, "Inspectorate access\t%s\n", state.AccessSince(s.Knowledge.Access, s.Knowledge.Since))
	if err := tw.Flush(); err != nil {
		return err
	}
	ps := []state.DatePrecision{s.Inventory.Total.DatePrecision, s.MaxEnrichment.DatePrecision, s.HeavyWater.DatePrecision}
	for _, l := range s.Inventory.ByLevel {
		ps = append(ps, l.Mass.DatePrecision)
	}
	if len(s.Centrifuges) > 0 {
		fmt.Fprintln(w, "\nCentrifuges")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SITE\tMACHINE\tINSTALLED\tENRICHING")
		for _, c := range s.Centrifuges {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Site, c.Machine, shortValue(c.Installed), shortValue(c.Enriching))
			ps = append(ps, c.Installed.DatePrecision, c.Enriching.DatePrecision)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if k := state.Key(ps...); k != "" {
		fmt.Fprintln(w, "\n"+k)
	}
	return nil
}

// short formats a value in a table cell.
func shortValue(v state.Value) string {
	if !v.Known {
		if v.Evidence == nil {
			return "-"
		}
		return "unknown"
	}
	floor := ""
	if v.Qualifier == state.AtMost && v.Floor > 0 {
		floor = state.AtLeast.Symbol() + Sig(v.Floor) + ", "
	}
	return fmt.Sprintf("%s%s%s (%s, %s)", floor, v.Qualifier.Symbol(), Sig(v.Value), v.DatePrecision.Short(v.Date), v.Status)
}

// Until is the end of a period in words.
func Until(d calendar.Date) string {
	if d.IsZero() {
		return "onwards"
	}
	return "to " + d.String()
}
