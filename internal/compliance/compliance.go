// Package compliance evaluates the state of a programme at a date against
// an agreement: a finding for every commitment of every party, with the
// observed value, the limit, the ratio and the evidence. Evaluation is pure
// and deterministic: no I/O, no clock.
package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// Status of a finding.
type Status string

const (
	Compliant  Status = "compliant"
	Breach     Status = "breach"
	Unknown    Status = "unknown" // the verifier lacks the knowledge
	NotInForce Status = "not-in-force"
	// Disputed: parties read the commitment's force differently; the
	// finding's readings give the status under each.
	Disputed Status = "disputed"
)

// Statuses lists every status a finding can have, in the order reports
// count them.
var Statuses = []Status{Breach, Disputed, Unknown, Compliant, NotInForce}

// Finding is the evaluation of one commitment at one date.
type Finding struct {
	Commitment string          `json:"commitment"`
	Title      string          `json:"title"`
	Obligor    string          `json:"obligor"`
	Ref        string          `json:"ref"`
	Verifier   string          `json:"verifier,omitempty"`
	Status     Status          `json:"status"`
	Observed   *float64        `json:"observed"`
	Qualifier  state.Qualifier `json:"qualifier,omitempty"`
	// ObservedAtLeast, of a figure observed "up to" Observed, is the least
	// it can be where its source bounds it from below too.
	ObservedAtLeast float64 `json:"observed_at_least,omitempty"`
	// ObservedAsOf is the date of the figure observed: for a sum of
	// counts of different dates, that of the oldest, with ObservedThrough
	// that of the newest.
	ObservedAsOf    calendar.Date `json:"observed_as_of"`
	ObservedThrough calendar.Date `json:"observed_through,omitzero"`
	// ObservedPrecision says how much ObservedAsOf is known: only the
	// month, or no later than that date; absent for the day.
	ObservedPrecision state.DatePrecision `json:"observed_as_of_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Limit             *float64            `json:"limit"`
	Unit              string              `json:"unit"`
	// Ratio is observed / limit, when both are known, the limit is not 0
	// and the metric is an amount (not an enrichment level in %).
	Ratio *float64 `json:"ratio"`
	// AgeDays is the age of the figure observed at the date evaluated.
	AgeDays *int `json:"age_days,omitempty"`
	// LastConfirmed is the date of the last figure that decided the
	// finding, when that figure is now too old to decide it (the finding
	// is then unknown, or a breach last confirmed on that date).
	LastConfirmed calendar.Date    `json:"last_confirmed,omitzero"`
	Reason        string           `json:"reason"`
	Evidence      []state.Evidence `json:"evidence"`
	// Readings give the status under each party's reading of an event in
	// dispute: when they differ, the status is Disputed; when they agree
	// for different reasons, each reason is kept. Question says what is
	// in dispute.
	Question string           `json:"question,omitempty"`
	Readings []FindingReading `json:"readings,omitempty"`
}

// FindingReading is a finding's status under one reading: what the
// evaluation of the agreement's record gives if the event is read as
// Parties read it (Answer, TakesEffect). The status is the evaluation's,
// not a position of the parties: a party that reads Termination Day as
// ending nothing does not thereby call its own commitment broken.
type FindingReading struct {
	Reading string   `json:"reading"`
	Parties []string `json:"parties"`
	// Names are the parties' names as sentences give them ("Iran").
	Names []string `json:"party_names"`
	// Answer is the reading's answer to the question in words ("it did
	// not"), TakesEffect whether the event takes effect under it.
	Answer      string `json:"answer"`
	TakesEffect bool   `json:"takes_effect"`
	Status      Status `json:"status"`
	Reason      string `json:"reason"`
	Basis       string `json:"basis"`
	Source      string `json:"source"`
}

// Under says in words the status under the reading and whose reading it
// is, as "breach if it did not (the reading of e3, us)": the status
// follows from the answer, which the parties give.
func (r FindingReading) Under(status string) string {
	return fmt.Sprintf("%s if %s (the reading of %s)", status, r.Answer, strings.Join(r.Names, ", "))
}

// ReasonBeside is the finding's reason where a list of its readings
// stands beside it, each with its status and whose reading it is: for a
// disputed finding, the reason without those statuses, which the list
// gives ("the parties dispute whether ..."); the reason itself otherwise.
func (f Finding) ReasonBeside() string {
	if f.Status != Disputed || len(f.Readings) == 0 {
		return f.Reason
	}
	parts := make([]string, len(f.Readings))
	for i, v := range f.Readings {
		parts[i] = v.Under(words(v.Status))
	}
	if rest, ok := strings.CutSuffix(f.Reason, ": "+strings.Join(parts, "; ")); ok {
		return rest
	}
	return f.Reason
}

// Evaluate returns a finding for every commitment of a, in the agreement's
// order, for the state s at s.AsOf.
func Evaluate(a *agreement.Agreement, s *state.State) []Finding {
	out := make([]Finding, 0, len(a.Commitments))
	for i := range a.Commitments {
		out = append(out, evaluate(a, &a.Commitments[i], s))
	}
	return out
}

// evaluate decides c at s.AsOf; where parties read an event that would end
// c differently and the readings give different statuses, the finding is
// disputed, with the status under each reading.
func evaluate(a *agreement.Agreement, c *agreement.Commitment, s *state.State) Finding {
	f := evaluateUnder(a, c, s, nil)
	for _, r := range a.Readings {
		e := a.Event(r.Event)
		if s.AsOf.Before(e.Date) {
			continue
		}
		var views []FindingReading
		var inForce *Finding
		differ := false
		for _, v := range r.Views {
			vf := evaluateUnder(a, c, s, map[string]bool{e.ID: !v.TakesEffect})
			if vf.Status != NotInForce && inForce == nil {
				inForce = &vf
			}
			if len(views) > 0 && vf.Status != views[0].Status {
				differ = true
			}
			views = append(views, FindingReading{Reading: r.ID, Parties: v.Parties, Names: a.PartyNames(v.Parties), Answer: v.Said(), TakesEffect: v.TakesEffect,
				Status: vf.Status, Reason: vf.Reason, Basis: v.Basis, Source: v.Source})
		}
		if !differ {
			// The same status for different reasons: say both, so that
			// no party's reading is given as the only one.
			if reasons := readingReasons(views); len(reasons) > 1 {
				f.Question, f.Readings = r.Question, views
				f.Reason = fmt.Sprintf("%s under every reading of %s (%s)", words(f.Status), r.Question, strings.Join(reasons, "; "))
			}
			continue
		}
		if inForce != nil {
			f = *inForce
		}
		f.Status, f.Question, f.Readings = Disputed, r.Question, views
		var parts []string
		for _, v := range views {
			parts = append(parts, v.Under(words(v.Status)))
		}
		// A termination is named by the question; another event is said
		// first, as a breach by an event is.
		lead := ""
		if e.Kind != agreement.KindTermination {
			lead = fmt.Sprintf("%s on %s: %s; ", e.Kind, e.Date, strings.TrimSpace(e.Title))
		}
		f.Reason = fmt.Sprintf("%sthe parties dispute %s: %s", lead, r.Question, strings.Join(parts, "; "))
		ref := a.ID + " event " + e.ID
		if !slices.ContainsFunc(f.Evidence, func(ev state.Evidence) bool { return ev.Ref == ref }) {
			f.Evidence = append(f.Evidence, state.Evidence{Kind: "agreement", Ref: ref, Entry: e.Entry(), Source: e.Source, Status: state.Status(e.Status), Note: e.Title})
		}
		break
	}
	return f
}

// words is a status as a sentence says it ("not in force").
func words(s Status) string { return strings.ReplaceAll(string(s), "-", " ") }

// readingReasons are the distinct reasons of the views, each with the
// answer it follows from and whose reading that is, or one entry when
// they all give the same reason.
func readingReasons(views []FindingReading) []string {
	var out []string
	for _, v := range views {
		if v.Reason != views[0].Reason {
			out = nil
			for _, v := range views {
				out = append(out, fmt.Sprintf("if %s (the reading of %s): %s", v.Answer, strings.Join(v.Names, ", "), v.Reason))
			}
			return out
		}
	}
	return []string{views[0].Reason}
}

// evaluateUnder decides c at s.AsOf with the events in ignored read as
// taking no effect: a termination ends nothing, and a cessation or a
// reimposition through a procedure is not covered by it.
func evaluateUnder(a *agreement.Agreement, c *agreement.Commitment, s *state.State, ignored map[string]bool) Finding {
	f := Finding{Commitment: c.ID, Title: c.Title, Obligor: c.Obligor, Ref: c.Ref, Verifier: c.Verifier, Evidence: []state.Evidence{}}
	date := s.AsOf
	w := a.InForceExcept(c, ignored)
	if !w.Contains(date) {
		f.Status = NotInForce
		switch {
		case w.Void:
			f.Reason = "never in force: " + w.Ends
		case date.Before(w.Start) && c.SurvivesTermination:
			// The event that imposes it had not happened: a view of the
			// date does not know that it would.
			f.Reason = "not imposed at this date: it binds only once the measures it belongs to are re-imposed"
		case date.Before(w.Start):
			f.Reason = fmt.Sprintf("in force from %s (%s)", w.Start, a.EventName(c.Starts))
		default:
			f.Reason = fmt.Sprintf("ended on %s (%s)", w.End, w.Ends)
		}
		if c.Action != nil && !date.Before(w.Start) {
			f.Evidence = eventEvidence(a, endingEvents(a, c, date))
		}
		return f
	}
	switch {
	case c.Limit != nil:
		l := c.Limit
		f.Unit = l.Unit
		v := observe(s, l)
		if m := state.Metric(l.Metric); m == state.CentrifugesEnriching || m == state.CentrifugesInstalled {
			v = recentBreach(s, c, m, l.Site, l.Machines, v, l.Unit, l.Max)
		}
		evalLimit(&f, knowledgeOf(s, l, v), l.Max)
		a := causeOf(s, l.Stream, v.Date)
		if m := state.Metric(l.Metric); m == state.CentrifugesEnriching || m == state.CentrifugesInstalled {
			a.later = laterCounts(s, m, l.Site, l.Machines, f, l.Unit)
		}
		stale(&f, c, date, a)
	case c.Prohibition != nil:
		f.Unit = "machines enriching"
		v := s.CentrifugeCount(state.CentrifugesEnriching, c.Prohibition.EnrichmentAt, nil)
		evalLimit(&f, recentBreach(s, c, state.CentrifugesEnriching, c.Prohibition.EnrichmentAt, nil, v, f.Unit, 0), 0)
		a := causeOf(s, "", calendar.Date{})
		a.later = laterCounts(s, state.CentrifugesEnriching, c.Prohibition.EnrichmentAt, nil, f, "machines")
		stale(&f, c, date, a)
	case c.Action != nil:
		evalAction(a, c, date, &f, ignored)
	}
	beforeStart(a, c, &f, w.Start)
	return f
}

// beforeStart makes unknown a finding that a figure from before the
// commitment came into force (start) would decide: the figure can confirm
// neither compliance with an obligation that did not yet bind nor its
// breach (the suspension the re-applied UNSCR 1737 decides, on a count of
// 2024).
func beforeStart(a *agreement.Agreement, c *agreement.Commitment, f *Finding, start calendar.Date) {
	newest := f.ObservedAsOf
	if !f.ObservedThrough.IsZero() {
		newest = f.ObservedThrough
	}
	if newest.IsZero() || !newest.Before(start) || (f.Status != Breach && f.Status != Compliant) {
		return
	}
	f.Status, f.LastConfirmed = Unknown, calendar.Date{}
	f.Reason = fmt.Sprintf("no figure since it came into force on %s (the %s): the latest is %s", start, a.Event(c.Starts).Kind, f.ObservedWhen())
}

// aging is what a finding on an old figure says beside its age: the
// later figures that do not decide it, and what else made figures
// unknown at the date (a loss of access or of continuity of knowledge),
// from when.
type aging struct {
	// later are the later counts that do not decide the finding without
	// the older ones, each in words: "IR-6 at Fordow: up to 1724
	// machines as of 2024-12-05".
	later []string
	// since and cause: the inspectorate's access or continuity of
	// knowledge lost from since, in words ("the inspectorate lost access
	// on 2025-06-13"); zero when neither applies at the date.
	since calendar.Date
	cause string
}

// causeOf is the loss of knowledge that makes figures unknown at the
// state's date, the earliest first: of access, or of continuity of
// knowledge of stream (none if "") as a figure of date seen sees it.
func causeOf(s *state.State, stream string, seen calendar.Date) aging {
	var a aging
	if lost := s.Knowledge.Lost; !lost.IsZero() && s.AsOf.After(lost) {
		a.since, a.cause = lost, "the inspectorate lost access on "+lost.String()
	}
	if stream == "" {
		return a
	}
	if c, lost := s.StreamLoss(stream); lost {
		c = c.After(seen)
		if start, _ := c.Start(); a.since.IsZero() || start.Before(a.since) {
			a.since, a.cause = start, fmt.Sprintf("continuity of knowledge of %s %s (%s, %s)", stream, c.Words(), c.Cause, c.Site)
		}
	}
	return a
}

// laterCounts are the counts of m at site of the machines (any if none)
// dated after the figure f observed, known at the date or not, each in
// words with its qualifier: the parts a sum of counts leaves out of its
// "at least" as only upper bounds ("IR-6 at Fordow: up to 1724 machines
// as of 2024-12-05").
func laterCounts(s *state.State, m state.Metric, site string, machines []string, f Finding, unit string) []string {
	after := f.ObservedAsOf
	if f.ObservedThrough.After(after) {
		after = f.ObservedThrough
	}
	if after.IsZero() {
		return nil
	}
	var out []string
	for _, c := range s.Centrifuges {
		if site != "" && c.Site != site || len(machines) > 0 && !slices.Contains(machines, c.Machine) {
			continue
		}
		v := c.Enriching
		if m == state.CentrifugesInstalled {
			v = c.Installed
		}
		if v.Date.After(after) {
			out = append(out, fmt.Sprintf("%s at %s: %s", c.Machine, c.Site, v.Figure(unit)))
		}
	}
	return out
}

// stale ages a finding decided by a figure: a figure older than the
// commitment's reporting interval no longer confirms compliance (the
// finding becomes unknown, last confirmed compliant on its date); a breach
// it showed stays a breach, last confirmed on its date. The finding says
// why no figure decides since: the interval, each later figure that does
// not decide, and a loss of knowledge that came after the figure had
// already stopped deciding.
func stale(f *Finding, c *agreement.Commitment, date calendar.Date, a aging) {
	if f.Observed == nil || f.ObservedAsOf.IsZero() {
		return
	}
	age := f.ObservedAsOf.DaysUntil(date)
	f.AgeDays = &age
	interval := c.ReportingInterval()
	if age <= interval {
		return
	}
	known := f.LastConfirmed.IsZero() // the figure is known at the date, only old
	if !known {
		// Already judged as a figure no longer known: the loss of
		// knowledge is the reason, unless the figure had stopped
		// deciding before it.
		if a.since.IsZero() || !f.ObservedAsOf.AddDays(interval).Before(a.since) {
			return
		}
	}
	f.LastConfirmed = f.ObservedAsOf
	on, old := f.observed().ConfirmedOn(), f.ObservedPrecision.Before(f.ObservedAsOf, date)
	if !f.ObservedThrough.IsZero() {
		old = "the oldest " + old // a sum of counts is only as current as its oldest
	}
	since := fmt.Sprintf("figures older than %d days do not decide", interval)
	none := fmt.Sprintf("no figure since (%s)", since)
	switch len(a.later) {
	case 0:
	case 1:
		since += fmt.Sprintf(", and the later count (%s) does not decide without the older ones", a.later[0])
		none = fmt.Sprintf("no figure since decides: %s", since)
	default:
		since += fmt.Sprintf(", and the later counts (%s) do not decide without the older ones", strings.Join(a.later, "; "))
		none = fmt.Sprintf("no figure since decides: %s", since)
	}
	if !known {
		// The loss of knowledge came after the figure stopped deciding.
		since += "; later, " + a.cause
		none += "; later, " + a.cause
	}
	switch f.Status {
	case Compliant:
		f.Status = Unknown
		f.Reason = fmt.Sprintf("last confirmed compliant %s, %s; %s", on, old, none)
	case Breach:
		// A breach on old figures is not a current breach: it reads as
		// one last confirmed and not known since, as after a loss of
		// knowledge. The sentence that decided it, from the figure.
		then := Finding{Unit: f.Unit}
		evalLimit(&then, state.Value{Known: true, Value: *f.Observed, Qualifier: f.Qualifier, Floor: f.ObservedAtLeast, Date: f.ObservedAsOf, Through: f.ObservedThrough}, *f.Limit)
		f.Reason = fmt.Sprintf("breach last confirmed %s, %s (%s); not known since: %s", on, old, then.Reason, since)
	case Unknown:
		if known {
			f.Reason += fmt.Sprintf("; the figure is of %s, %s; %s", strings.TrimPrefix(strings.TrimPrefix(on, "on "), "by "), old, none)
		} else {
			// Last confirmed compliant, then not known.
			f.Reason = fmt.Sprintf("last confirmed compliant %s, %s; %s", on, old, none)
		}
	}
}

// observed is the dates of the figure observed, as a value: for a sum of
// counts of different dates, the oldest and the newest.
func (f Finding) observed() state.Value {
	return state.Value{Date: f.ObservedAsOf, DatePrecision: f.ObservedPrecision, Through: f.ObservedThrough}
}

// ObservedWhen says the date of the figure observed, short enough for a
// table: "as of 2021-03-15", "by 2021-09-07" (no later than), "as of
// 2019-02 (month)", or "from counts of 2019-11-03 to 2022-10-10"; ""
// when there is none.
func (f Finding) ObservedWhen() string {
	if f.ObservedAsOf.IsZero() {
		return ""
	}
	return f.observed().AsOfShort()
}

// recentBreach is the count v of machines for c at the state's date, or,
// where v sums counts of which the oldest is older than c's reporting
// interval, the sum of the counts within it when they alone show a breach
// of max: a breach shown by recent counts is current, whatever older
// counts beside them say.
//
// Otherwise, where v is old or no longer known at the date (access
// lost), it is the same as of v's newest count: the counts within the
// interval before that one, when they alone showed a breach, which is
// then last confirmed on their date rather than on a sum that holds only
// as long as its oldest count. Otherwise v, whose oldest count then
// decides (stale).
func recentBreach(s *state.State, c *agreement.Commitment, m state.Metric, site string, machines []string, v state.Value, unit string, max float64) state.Value {
	interval := c.ReportingInterval()
	if v.Date.IsZero() || v.Known && v.Date.DaysUntil(s.AsOf) <= interval {
		return v
	}
	showsBreach := func(w state.Value) bool {
		w.Known = true
		probe := Finding{Unit: unit}
		evalLimit(&probe, w, max)
		return probe.Status == Breach
	}
	if v.Known {
		if recent := s.CentrifugeCountSince(m, site, machines, s.AsOf.AddDays(-interval)); recent.Known && showsBreach(recent) {
			return recent
		}
	}
	newest := v.Through
	if newest.IsZero() || v.Date.DaysUntil(newest) <= interval {
		return v
	}
	recent := s.CentrifugeCountSince(m, site, machines, newest.AddDays(-interval))
	if recent.Date.IsZero() || !showsBreach(recent) {
		return v
	}
	return recent
}

// observe returns the state's value of a limit's metric.
func observe(s *state.State, l *agreement.Limit) state.Value {
	switch state.Metric(l.Metric) {
	case state.MaxEnrichmentPct:
		return s.MaxEnrichment
	case state.HeavyWaterT:
		return s.HeavyWater
	case state.CentrifugesEnriching, state.CentrifugesInstalled:
		return s.CentrifugeCount(state.Metric(l.Metric), l.Site, l.Machines)
	case state.EnrichedUraniumKgU:
		if l.AbovePct == 0 {
			return s.Inventory.Total
		}
		return s.StockAbove(l.AbovePct)
	}
	return state.Value{Unknown: "unknown metric " + l.Metric}
}

// knowledgeOf makes v unknown when the verifier's continuity of knowledge
// of the limit's stream is escrowed or lost and v was not verified since,
// citing the interval.
func knowledgeOf(s *state.State, l *agreement.Limit, v state.Value) state.Value {
	if l.Stream == "" {
		return v
	}
	c, lost := s.StreamLoss(l.Stream)
	c = c.After(v.Date)
	// Verified since only if surely after knowledge stopped being
	// maintained: after the last day a loss known to its month may have
	// been, and not a figure whose date is only the latest it can be of
	// (it may be older).
	start, precision := c.Start()
	if !lost || (v.Known && v.DatePrecision != state.NoLaterThan && v.Date.After(precision.Latest(start))) {
		return v
	}
	last := "no figure reported before"
	if !v.Date.IsZero() {
		last = v.LastReported(l.Unit, s.AsOf)
	}
	// The last figure stays with the value (not known at the date) so that
	// the finding can say what it last confirmed.
	return state.Value{Value: v.Value, Qualifier: v.Qualifier, Floor: v.Floor, Date: v.Date, DatePrecision: v.DatePrecision, Status: v.Status,
		Unknown:  fmt.Sprintf("continuity of knowledge of %s %s (%s, %s); %s", l.Stream, c.Words(), c.Cause, c.Site, last),
		Evidence: append(slices.Clone(c.Evidence), v.Evidence...)}
}

// evalLimit compares an observed value with a maximum, honouring the
// value's qualifier: "more than v" and "at least v" can prove a breach but
// not compliance; "up to v" can prove compliance, and a breach only where
// its source bounds it from below too (its floor) above the maximum.
func evalLimit(f *Finding, v state.Value, max float64) {
	f.Limit = &max
	if !v.Known {
		f.Status, f.Reason = Unknown, v.Unknown
		f.Evidence = append(f.Evidence, v.Evidence...)
		lastConfirmed(f, v, max)
		return
	}
	obs := v.Value
	f.ObservedAtLeast = v.Floor
	f.Observed, f.Qualifier, f.ObservedAsOf, f.ObservedThrough, f.ObservedPrecision, f.Evidence = &obs, v.Qualifier, v.Date, v.Through, v.DatePrecision, append(f.Evidence, v.Evidence...)
	// A ratio of enrichment levels (60 % against 3.67 %) means nothing: the
	// material at 60 % is not "16 times" the material at 3.67 %. Levels are
	// shown as the level and its limit; masses and counts get a ratio.
	if max > 0 && f.Unit != "%" {
		r := obs / max
		f.Ratio = &r
	}
	shown := v.Amount() + " " + f.Unit
	switch v.Qualifier {
	case state.Above:
		if obs >= max {
			f.Status = Breach
		}
	case state.AtLeast:
		if obs > max {
			f.Status = Breach
		}
	case state.AtMost:
		if obs <= max {
			f.Status = Compliant
		} else if v.Floor > max {
			f.Status = Breach
		}
	default:
		if obs > max {
			f.Status = Breach
		} else {
			f.Status = Compliant
		}
	}
	switch f.Status {
	case Breach:
		f.Reason = fmt.Sprintf("%s %s exceeds the limit of %s", shown, v.AsOf(), qualified(state.Exact, max, f.Unit))
	case Compliant:
		f.Reason = fmt.Sprintf("%s %s is within the limit of %s", shown, v.AsOf(), qualified(state.Exact, max, f.Unit))
	default:
		f.Status = Unknown
		f.Reason = fmt.Sprintf("%s %s does not decide against the limit of %s", shown, v.AsOf(), qualified(state.Exact, max, f.Unit))
	}
}

// lastConfirmed judges the last figure of a value no longer known at the
// date: a breach it showed stays a breach, last confirmed on its date and
// not known since (knowledge lost does not end it); compliance it showed
// is only "last confirmed compliant", and the finding stays unknown.
func lastConfirmed(f *Finding, v state.Value, max float64) {
	if v.Date.IsZero() {
		return // no figure ever
	}
	last := v
	last.Known = true
	var then Finding
	then.Unit = f.Unit
	evalLimit(&then, last, max)
	on := v.ConfirmedOn()
	switch then.Status {
	case Breach:
		f.Status = Breach
		f.Reason = fmt.Sprintf("breach last confirmed %s (%s); not known since: %s", on, then.Reason, v.Unknown)
	case Compliant:
		f.Reason = fmt.Sprintf("last confirmed compliant %s; not known since: %s", on, v.Unknown)
	default:
		return
	}
	// The figure shown is the last one, dated, with LastConfirmed saying
	// that it no longer decides.
	f.ObservedAtLeast = v.Floor
	f.Observed, f.Qualifier, f.ObservedAsOf, f.ObservedThrough, f.ObservedPrecision, f.Ratio = then.Observed, then.Qualifier, then.ObservedAsOf, then.ObservedThrough, then.ObservedPrecision, then.Ratio
	f.LastConfirmed = v.Date
}

func qualified(q state.Qualifier, v float64, unit string) string {
	return fmt.Sprintf("%s%g %s", q.Words(), v, unit)
}

// evalAction decides an action commitment from the agreement's events.
// An event that ends the commitment through a procedure of the agreement
// (a reimposition or a cessation with a via not in ignored) makes it not
// in force. Otherwise a withdrawal of the obligor, a cessation of the
// commitment or a reimposition of its measure since the last recorded
// performance is a breach. Compliance rests on a recorded performance
// (the act that lifted the sanctions, the report that the protocol is
// applied) with no such event since: with none recorded, the finding is
// unknown, not compliant.
func evalAction(a *agreement.Agreement, c *agreement.Commitment, date calendar.Date, f *Finding, ignored map[string]bool) {
	ending := endingEvents(a, c, date)
	for i, e := range ending {
		if e.Via == "" || ignored[e.ID] {
			continue
		}
		f.Status = NotInForce
		f.Evidence = eventEvidence(a, ending[:i+1])
		ref := ""
		if p := a.Procedure(e.Via); p != nil && p.Ref != "" {
			ref = " (" + p.Ref + ")"
		}
		if e.Kind == agreement.KindReimposition {
			f.Reason = fmt.Sprintf("measures re-imposed on %s through the %s procedure: %s", e.Date, e.Via, e.Title)
		} else {
			f.Reason = fmt.Sprintf("ceased on %s through the %s procedure%s: %s", e.Date, e.Via, ref, e.Title)
		}
		return
	}
	performed := performances(a, c, date)
	var since calendar.Date
	if n := len(performed); n > 0 {
		since = performed[n-1].Date
	}
	// The events of non-performance since the last performance: a
	// performance recorded after a breach ends it.
	breaks := slices.DeleteFunc(ending, func(e agreement.Event) bool { return !since.IsZero() && e.Date.Before(since) })
	switch {
	case len(breaks) > 0:
		e := breaks[0]
		f.Status = Breach
		f.Evidence = eventEvidence(a, breaks)
		f.Reason = fmt.Sprintf("%s on %s: %s", e.Kind, e.Date, e.Title)
	case len(performed) == 0:
		f.Status = Unknown
		f.Reason = fmt.Sprintf("no record of its performance: no act performing it is recorded since it began on %s (%s), nor any event of non-performance", a.InForce(c).Start, c.Starts)
	default:
		f.Status = Compliant
		f.Evidence = eventEvidence(a, performed)
		var parts []string
		for i, e := range performed {
			verb := "performed"
			if i > 0 {
				verb = "recorded again"
			}
			parts = append(parts, fmt.Sprintf("%s on %s: %s", verb, e.Date, strings.TrimSpace(e.Title)))
		}
		f.Reason = fmt.Sprintf("%s; no event of non-performance recorded since %s", strings.Join(parts, "; "), since)
	}
}

// performances returns the performances of c recorded on or before date,
// earliest first.
func performances(a *agreement.Agreement, c *agreement.Commitment, date calendar.Date) []agreement.Event {
	var out []agreement.Event
	for _, e := range a.Events {
		if e.Kind == agreement.KindPerformance && !e.Date.After(date) && e.Party == c.Obligor && slices.Contains(e.Commitments, c.ID) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(x, y agreement.Event) int { return x.Date.Compare(y.Date) })
	return out
}

// endingEvents returns the events on or before date that stop c being
// performed, earliest first.
func endingEvents(a *agreement.Agreement, c *agreement.Commitment, date calendar.Date) []agreement.Event {
	var out []agreement.Event
	if c.Action == nil {
		return nil
	}
	for _, e := range a.Events {
		if e.Date.After(date) || e.Party != c.Obligor {
			continue
		}
		switch {
		case e.Kind == agreement.KindWithdrawal,
			e.Kind == agreement.KindCessation && slices.Contains(e.Commitments, c.ID),
			e.Kind == agreement.KindReimposition && c.Action.Measure != "" && slices.Contains(e.Measures, c.Action.Measure):
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(x, y agreement.Event) int { return x.Date.Compare(y.Date) })
	return out
}

func eventEvidence(a *agreement.Agreement, events []agreement.Event) []state.Evidence {
	out := []state.Evidence{}
	for _, e := range events {
		out = append(out, state.Evidence{Kind: "agreement", Ref: a.ID + " event " + e.ID, Entry: e.Entry(), Source: e.Source,
			Status: state.Status(e.Status), Note: strings.TrimSpace(e.Title)})
	}
	return out
}
