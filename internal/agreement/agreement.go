// Package agreement holds the terms of an agreement as data: its parties,
// each side's commitments (limits on the programme, actions such as
// sanctions relief), its procedures with their clocks, and the events that
// happened under it. The format is versioned YAML, specified in
// docs/formats.md; the JCPOA is built in.
package agreement

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
)

// FormatV1 is the format identifier of this version of the file format.
const FormatV1 = "accord.agreement/v1"

//go:embed jcpoa.yaml
var jcpoaYAML []byte

// JCPOA returns the built-in Joint Comprehensive Plan of Action.
func JCPOA() *Agreement {
	a, err := Parse(jcpoaYAML)
	if err != nil {
		panic("agreement: built-in JCPOA: " + err.Error())
	}
	return a
}

// JCPOASource returns the built-in JCPOA file, for users to copy and edit.
func JCPOASource() []byte { return bytes.Clone(jcpoaYAML) }

// Agreement is an agreement's terms and record of events.
type Agreement struct {
	Format      string       `yaml:"format" json:"format"`
	ID          string       `yaml:"id" json:"id"`
	Name        string       `yaml:"name" json:"name"`
	Description string       `yaml:"description,omitempty" json:"description,omitempty"`
	Source      string       `yaml:"source,omitempty" json:"source,omitempty"`
	Parties     []Party      `yaml:"parties" json:"parties"`
	Commitments []Commitment `yaml:"commitments" json:"commitments"`
	Procedures  []Procedure  `yaml:"procedures,omitempty" json:"procedures,omitempty"`
	Events      []Event      `yaml:"events,omitempty" json:"events,omitempty"`
	// BreakoutGoal is the breakout time the agreement's limits were meant
	// to keep, as its negotiators stated it; nil when none was stated.
	BreakoutGoal *BreakoutGoal `yaml:"breakout_goal,omitempty" json:"breakout_goal,omitempty"`
	// Readings are events whose effect parties read differently.
	Readings []Reading `yaml:"readings,omitempty" json:"readings,omitempty"`
	// Verification is the regime that verifies the agreement: each
	// activity with its provision, terms and source. Without it the
	// warning time is unknown.
	Verification []Activity `yaml:"verification,omitempty" json:"verification,omitempty"`
}

// Reading is a question about an event's effect that parties answer
// differently: each view names its parties, whether the event takes
// effect under it, and its basis. The event is a termination (does it end
// the commitments?) or an event that claims one of the agreement's
// procedures, Via (does the procedure cover it? if not, a cessation or a
// reimposition is non-performance).
type Reading struct {
	ID       string `yaml:"id" json:"id"`
	Event    string `yaml:"event" json:"event"`
	Question string `yaml:"question" json:"question"`
	Views    []View `yaml:"views" json:"views"`
}

// View is one reading of an event.
type View struct {
	Parties     []string `yaml:"parties" json:"parties"`
	TakesEffect bool     `yaml:"takes_effect" json:"takes_effect"`
	// Answer is the view's answer to the reading's question in a few
	// words ("it did not"); empty, Said gives one from TakesEffect.
	Answer string `yaml:"answer,omitempty" json:"answer,omitempty"`
	// Basis is the argument in a sentence, with the document and paragraph
	// it rests on; Source is where that position was stated.
	Basis  string `yaml:"basis" json:"basis"`
	Source string `yaml:"source" json:"source"`
	Status string `yaml:"status" json:"status"`
}

// Said is the view's answer to its reading's question in words: Answer,
// or whether the event took effect.
func (v View) Said() string {
	switch {
	case v.Answer != "":
		return v.Answer
	case v.TakesEffect:
		return "it took effect"
	}
	return "it did not take effect"
}

// BreakoutGoal is a stated design figure for breakout at the agreement's
// limits: at least DaysAtLeast days, in the words of Text, from Source.
type BreakoutGoal struct {
	DaysAtLeast float64 `yaml:"days_at_least" json:"days_at_least"`
	Text        string  `yaml:"text" json:"text"`
	Source      string  `yaml:"source" json:"source"`
}

// DefaultReportingIntervalDays is the age beyond which a figure no longer
// decides a commitment: about two quarterly reporting periods.
const DefaultReportingIntervalDays = 190

// ReportingInterval is c's reporting interval in days.
func (c *Commitment) ReportingInterval() int {
	if c.ReportingIntervalDays > 0 {
		return c.ReportingIntervalDays
	}
	return DefaultReportingIntervalDays
}

// Roles a party can hold.
var Roles = append(slices.DeleteFunc(slices.Clone(record.Roles), func(r string) bool { return r == record.RoleOperator }), RoleCouncil)

// RoleCouncil is the role of a body that acts on the agreement without a
// key in its log (the UN Security Council).
const RoleCouncil = "council"

// Party is a signatory, the inspectorate, or another body with a role.
type Party struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	// Short is the name sentences use where they list parties ("Iran"
	// for the Islamic Republic of Iran); Name when empty.
	Short   string   `yaml:"short,omitempty" json:"short,omitempty"`
	Roles   []string `yaml:"roles" json:"roles"`
	Members []string `yaml:"members,omitempty" json:"members,omitempty"`
}

// Commitment is one obligation of one party.
type Commitment struct {
	ID       string `yaml:"id" json:"id"`
	Title    string `yaml:"title" json:"title"`
	Obligor  string `yaml:"obligor" json:"obligor"`
	Ref      string `yaml:"ref" json:"ref"`
	Verifier string `yaml:"verifier" json:"verifier"`
	// Starts is the id of the event from which the commitment runs.
	Starts string `yaml:"starts" json:"starts"`
	// DurationYears counts from Starts; 0 runs until the agreement ends.
	DurationYears float64 `yaml:"duration_years,omitempty" json:"duration_years,omitempty"`
	// SurvivesTermination marks a commitment that its start event, a
	// reimposition, imposes rather than the agreement (the suspension of
	// enrichment that the Security Council's re-applied resolutions
	// decide): the agreement's termination does not end it.
	SurvivesTermination bool `yaml:"survives_termination,omitempty" json:"survives_termination,omitempty"`
	// ReportingIntervalDays is how old the evidence of a figure may be and
	// still decide the commitment; 0 is DefaultReportingIntervalDays.
	ReportingIntervalDays int    `yaml:"reporting_interval_days,omitempty" json:"reporting_interval_days,omitempty"`
	Note                  string `yaml:"note,omitempty" json:"note,omitempty"`
	// Exactly one of Limit, Prohibition and Action is set.
	Limit       *Limit       `yaml:"limit,omitempty" json:"limit,omitempty"`
	Prohibition *Prohibition `yaml:"prohibition,omitempty" json:"prohibition,omitempty"`
	Action      *Action      `yaml:"action,omitempty" json:"action,omitempty"`
}

// LimitMetrics are the metrics a limit may bound (those the findings
// observe), in the units of package state.
var LimitMetrics = []state.Metric{state.MaxEnrichmentPct, state.EnrichedUraniumKgU, state.CentrifugesInstalled, state.CentrifugesEnriching, state.HeavyWaterT}

// Limit bounds a metric of the programme.
type Limit struct {
	Metric string  `yaml:"metric" json:"metric"`
	Max    float64 `yaml:"max" json:"max"`
	Unit   string  `yaml:"unit" json:"unit"`
	// Site and Machines select centrifuges (any site or type when empty).
	Site     string   `yaml:"site,omitempty" json:"site,omitempty"`
	Machines []string `yaml:"machines,omitempty" json:"machines,omitempty"`
	// AbovePct counts only the stock at levels above this assay (percent).
	AbovePct float64 `yaml:"above_pct,omitempty" json:"above_pct,omitempty"`
	// Equivalence says how other chemical forms count.
	Equivalence string `yaml:"equivalence,omitempty" json:"equivalence,omitempty"`
	// Stream names the stream whose continuity of knowledge the figure
	// rests on: while the verifier's knowledge of it is escrowed or lost,
	// a figure not verified since is unknown.
	Stream string `yaml:"stream,omitempty" json:"stream,omitempty"`
}

// Prohibition forbids an activity at a facility.
type Prohibition struct {
	// EnrichmentAt is a site where no centrifuge may enrich.
	EnrichmentAt string `yaml:"enrichment_at" json:"enrichment_at"`
}

// Action kinds.
const (
	// KeepRelief: keep a sanctions-relief measure in place.
	KeepRelief = "keep_relief"
	// ApplyAdditionalProtocol: apply the Additional Protocol provisionally.
	ApplyAdditionalProtocol = "apply_additional_protocol"
)

// Action is a commitment to do something and keep doing it.
type Action struct {
	Kind    string `yaml:"kind" json:"kind"`
	Measure string `yaml:"measure,omitempty" json:"measure,omitempty"`
}

// Procedure is a process with a clock, started by an event of kind Trigger.
type Procedure struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Ref     string `yaml:"ref" json:"ref"`
	Trigger string `yaml:"trigger" json:"trigger"`
	// ClosedBy are event kinds that end the procedure early.
	ClosedBy []string `yaml:"closed_by,omitempty" json:"closed_by,omitempty"`
	Steps    []Step   `yaml:"steps" json:"steps"`
}

// From is the step that step i of p counts its days from: the step its
// After names, else the step before it; nil for the first step, which
// counts from the trigger.
func (p Procedure) From(i int) *Step {
	if i < 0 || i >= len(p.Steps) {
		return nil
	}
	if a := p.Steps[i].After; a != "" {
		for j := range p.Steps[:i] {
			if p.Steps[j].ID == a {
				return &p.Steps[j]
			}
		}
	}
	if i == 0 {
		return nil
	}
	return &p.Steps[i-1]
}

// Step is a deadline: Days after the step named After, else after the
// step before it (the first step: after the trigger).
type Step struct {
	ID    string `yaml:"id" json:"id"`
	Name  string `yaml:"name" json:"name"`
	Days  int    `yaml:"days" json:"days"`
	After string `yaml:"after,omitempty" json:"after,omitempty"`
	Ref   string `yaml:"ref,omitempty" json:"ref,omitempty"`
	// Automatic: the step takes effect by itself on its date (measures
	// re-apply); past its date it took effect, it is never overdue.
	Automatic bool `yaml:"automatic,omitempty" json:"automatic,omitempty"`
	// DoneBy are event kinds that record the step as done; past its date
	// with none recorded, the step is unrecorded, not overdue.
	DoneBy []string `yaml:"done_by,omitempty" json:"done_by,omitempty"`
	// Extendable: the parties may extend the step's time (by consensus);
	// past its date with no record of it, it is unrecorded, not overdue,
	// and so are the steps that follow it.
	Extendable bool `yaml:"extendable,omitempty" json:"extendable,omitempty"`
}

// Event kinds.
const (
	KindAdoption       = "adoption"
	KindImplementation = "implementation"
	KindTransition     = "transition"
	KindTermination    = "termination" // every commitment ends
	KindWithdrawal     = "withdrawal"  // the party stops performing all its commitments
	KindCessation      = "cessation"   // the party stops performing the listed commitments
	KindReimposition   = "reimposition"
	KindNotification   = "notification"
	KindMilestone      = "milestone"
	// KindPerformance: the party performed the listed action commitments
	// (the act that lifted the sanctions, the report that the protocol is
	// applied). A finding of compliance with an action rests on one.
	KindPerformance = "performance"
)

// Entry is how a reader finds the event: the Agreement page lists the
// events by date ("agreement events, 2021-02-23").
func (e Event) Entry() string { return "agreement events, " + e.Date.String() }

// Event is something that happened, or a day the agreement defines.
type Event struct {
	ID    string        `yaml:"id" json:"id"`
	Kind  string        `yaml:"kind" json:"kind"`
	Date  calendar.Date `yaml:"date" json:"date"`
	Party string        `yaml:"party,omitempty" json:"party,omitempty"`
	Title string        `yaml:"title" json:"title"`
	Ref   string        `yaml:"ref,omitempty" json:"ref,omitempty"`
	// Commitments are those a cessation stops, or a performance performs.
	Commitments []string `yaml:"commitments,omitempty" json:"commitments,omitempty"`
	// Measures are those a reimposition puts back.
	Measures []string `yaml:"measures,omitempty" json:"measures,omitempty"`
	// Via names the procedure that led to the event, if any.
	Via    string `yaml:"via,omitempty" json:"via,omitempty"`
	Source string `yaml:"source" json:"source"`
	// Status is sourced, derived or unverified, like every outside figure.
	Status string `yaml:"status" json:"status"`
}

// Parse reads and validates an agreement file. Unknown fields are errors.
func Parse(data []byte) (*Agreement, error) {
	var a Agreement
	if err := input.DecodeYAML("agreement", data, &a); err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &a, nil
}

// Validate checks the agreement and returns the first error, a *input.Error.
func (a *Agreement) Validate() error {
	if a.Format != FormatV1 {
		return input.Errorf("format", "must be %q, got %q", FormatV1, a.Format)
	}
	if a.ID == "" || a.Name == "" {
		return input.Errorf("id", "id and name are required")
	}
	if err := a.validateVerification(); err != nil {
		return err
	}
	if g := a.BreakoutGoal; g != nil {
		if !(g.DaysAtLeast > 0 && g.DaysAtLeast < 36525) {
			return input.Errorf("breakout_goal.days_at_least", "must be a number of days in (0, 36525), got %v", g.DaysAtLeast)
		}
		if strings.TrimSpace(g.Text) == "" || strings.TrimSpace(g.Source) == "" {
			return input.Errorf("breakout_goal", "text and source are required: the words of the goal and who stated it")
		}
	}
	for i, r := range a.Readings {
		f := fmt.Sprintf("readings[%d]", i)
		e := a.Event(r.Event)
		switch {
		case r.ID == "":
			return input.Errorf(f+".id", "is required")
		case e == nil:
			return input.Errorf(f+".event", "no event %q", r.Event)
		case e.Kind != KindTermination && !((e.Kind == KindCessation || e.Kind == KindReimposition) && e.Via != ""):
			return input.Errorf(f+".event", "event %q is a %s%s; readings apply to termination events, and to cessations and reimpositions through a procedure (via)", r.Event, e.Kind, map[bool]string{true: " with no via", false: ""}[e.Via == ""])
		case strings.TrimSpace(r.Question) == "":
			return input.Errorf(f+".question", "is required")
		case len(r.Views) < 2:
			return input.Errorf(f+".views", "at least two views are needed for a reading, got %d", len(r.Views))
		}
		for j, v := range r.Views {
			g := fmt.Sprintf("%s.views[%d]", f, j)
			if len(v.Parties) == 0 {
				return input.Errorf(g+".parties", "at least one party")
			}
			for _, p := range v.Parties {
				if a.Party(p) == nil {
					return input.Errorf(g+".parties", "no party %q", p)
				}
			}
			if strings.TrimSpace(v.Basis) == "" || strings.TrimSpace(v.Source) == "" {
				return input.Errorf(g, "basis and source are required")
			}
			if !slices.Contains(state.Statuses, state.Status(v.Status)) {
				return input.Errorf(g+".status", "must be sourced, derived or unverified, got %q", v.Status)
			}
		}
	}
	for i, c := range a.Commitments {
		if c.ReportingIntervalDays < 0 || c.ReportingIntervalDays > 3650 {
			return input.Errorf(fmt.Sprintf("commitments[%d].reporting_interval_days", i), "must be in [0, 3650] days, got %d", c.ReportingIntervalDays)
		}
	}
	parties := map[string]bool{}
	for i, p := range a.Parties {
		f := fmt.Sprintf("parties[%d]", i)
		if err := unique(parties, f+".id", p.ID); err != nil {
			return err
		}
		if len(p.Roles) == 0 {
			return input.Errorf(f+".roles", "at least one of %s", strings.Join(Roles, ", "))
		}
		for _, r := range p.Roles {
			if !slices.Contains(Roles, r) {
				return input.Errorf(f+".roles", "unknown role %q (one of %s)", r, strings.Join(Roles, ", "))
			}
		}
	}
	events := map[string]bool{}
	for i, e := range a.Events {
		f := fmt.Sprintf("events[%d]", i)
		if err := unique(events, f+".id", e.ID); err != nil {
			return err
		}
		if e.Date.IsZero() {
			return input.Errorf(f+".date", "is required (YYYY-MM-DD)")
		}
		if e.Kind == "" {
			return input.Errorf(f+".kind", "is required")
		}
		if e.Party != "" && !parties[e.Party] {
			return input.Errorf(f+".party", "unknown party %q", e.Party)
		}
		if e.Source == "" {
			return input.Errorf(f+".source", "is required: every event needs its source")
		}
		if !slices.Contains(state.Statuses, state.Status(e.Status)) {
			return input.Errorf(f+".status", "must be sourced, derived or unverified, got %q", e.Status)
		}
		if (e.Kind == KindWithdrawal || e.Kind == KindCessation || e.Kind == KindReimposition || e.Kind == KindPerformance) && e.Party == "" {
			return input.Errorf(f+".party", "is required for a %s", e.Kind)
		}
		if e.Kind == KindPerformance && len(e.Commitments) == 0 {
			return input.Errorf(f+".commitments", "is required for a %s: the commitments it performs", e.Kind)
		}
	}
	ids := map[string]bool{}
	for i, c := range a.Commitments {
		f := fmt.Sprintf("commitments[%d]", i)
		if err := unique(ids, f+".id", c.ID); err != nil {
			return err
		}
		if !parties[c.Obligor] {
			return input.Errorf(f+".obligor", "unknown party %q", c.Obligor)
		}
		if c.Verifier != "" && !parties[c.Verifier] {
			return input.Errorf(f+".verifier", "unknown party %q", c.Verifier)
		}
		if c.Ref == "" {
			return input.Errorf(f+".ref", "is required: the paragraph the commitment comes from")
		}
		if !events[c.Starts] {
			return input.Errorf(f+".starts", "must name an event, got %q", c.Starts)
		}
		if c.SurvivesTermination && a.Event(c.Starts).Kind != KindReimposition {
			return input.Errorf(f+".survives_termination", "only a commitment that a reimposition imposes outlasts the agreement's termination; %q is a %s event", c.Starts, a.Event(c.Starts).Kind)
		}
		if c.DurationYears < 0 {
			return input.Errorf(f+".duration_years", "must be >= 0, got %v", c.DurationYears)
		}
		n := 0
		for _, set := range []bool{c.Limit != nil, c.Prohibition != nil, c.Action != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return input.Errorf(f, "needs exactly one of limit, prohibition, action")
		}
		switch {
		case c.Limit != nil:
			m := state.Metric(c.Limit.Metric)
			if !slices.Contains(LimitMetrics, m) {
				return input.Errorf(f+".limit.metric", "unknown metric %q (a limit bounds one of %v)", c.Limit.Metric, LimitMetrics)
			}
			unit := m.Unit()
			if c.Limit.Unit != unit {
				return input.Errorf(f+".limit.unit", "metric %s is in %q, got %q", c.Limit.Metric, unit, c.Limit.Unit)
			}
			if c.Limit.Max < 0 {
				return input.Errorf(f+".limit.max", "must be >= 0, got %v", c.Limit.Max)
			}
		case c.Prohibition != nil:
			if c.Prohibition.EnrichmentAt == "" {
				return input.Errorf(f+".prohibition.enrichment_at", "is required: the site")
			}
		case c.Action != nil:
			if !slices.Contains([]string{KeepRelief, ApplyAdditionalProtocol}, c.Action.Kind) {
				return input.Errorf(f+".action.kind", "must be %s or %s, got %q", KeepRelief, ApplyAdditionalProtocol, c.Action.Kind)
			}
			if c.Action.Kind == KeepRelief && c.Action.Measure == "" {
				return input.Errorf(f+".action.measure", "is required for %s", KeepRelief)
			}
		}
	}
	for i, e := range a.Events {
		for _, id := range e.Commitments {
			f := fmt.Sprintf("events[%d].commitments", i)
			if !ids[id] {
				return input.Errorf(f, "unknown commitment %q", id)
			}
			if e.Kind != KindPerformance {
				continue
			}
			// A performance is evidence of an action by its obligor: a
			// limit is decided by figures, and a party performs its own
			// commitments only.
			switch c := a.Commitment(id); {
			case c.Action == nil:
				return input.Errorf(f, "commitment %q is not an action; a performance records the act that performed an action", id)
			case c.Obligor != e.Party:
				return input.Errorf(f, "commitment %q is %s's; a performance by %s cannot perform it", id, c.Obligor, e.Party)
			}
		}
	}
	procs := map[string]bool{}
	for i, p := range a.Procedures {
		f := fmt.Sprintf("procedures[%d]", i)
		if err := unique(procs, f+".id", p.ID); err != nil {
			return err
		}
		if p.Trigger == "" || len(p.Steps) == 0 {
			return input.Errorf(f, "needs a trigger and at least one step")
		}
		steps := map[string]bool{}
		for j, s := range p.Steps {
			sf := fmt.Sprintf("%s.steps[%d]", f, j)
			if s.ID == "" || steps[s.ID] {
				return input.Errorf(sf+".id", "must be present and unique, got %q", s.ID)
			}
			if s.Days < 0 {
				return input.Errorf(sf+".days", "must be >= 0, got %d", s.Days)
			}
			if s.After != "" && !steps[s.After] {
				return input.Errorf(sf+".after", "must name an earlier step, got %q", s.After)
			}
			steps[s.ID] = true
		}
	}
	for i, e := range a.Events {
		if e.Via != "" && !procs[e.Via] {
			return input.Errorf(fmt.Sprintf("events[%d].via", i), "unknown procedure %q", e.Via)
		}
	}
	return nil
}

// unique adds id to seen, or is the error of an id at field that is
// missing or already seen.
func unique(seen map[string]bool, field, id string) error {
	if id == "" || seen[id] {
		return input.Errorf(field, "must be present and unique, got %q", id)
	}
	seen[id] = true
	return nil
}

// EventName is how a sentence names the event id: its title
// ("Implementation Day"), or the id when the agreement has no such event.
func (a *Agreement) EventName(id string) string {
	if e := a.Event(id); e != nil && e.Title != "" {
		return e.Title
	}
	return id
}

// Event returns the event with the given id, or nil.
func (a *Agreement) Event(id string) *Event {
	return byID(a.Events, id, func(e *Event) string { return e.ID })
}

// Commitment returns the commitment with the given id, or nil.
func (a *Agreement) Commitment(id string) *Commitment {
	return byID(a.Commitments, id, func(c *Commitment) string { return c.ID })
}

// Procedure returns the procedure with the given id, or nil.
func (a *Agreement) Procedure(id string) *Procedure {
	return byID(a.Procedures, id, func(p *Procedure) string { return p.ID })
}

// Party returns the party with the given id, or nil.
func (a *Agreement) Party(id string) *Party {
	return byID(a.Parties, id, func(p *Party) string { return p.ID })
}

// PartyNames are the names sentences give the parties ids name: each
// party's Short name, else its Name, else the id as it stands.
func (a *Agreement) PartyNames(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if p := a.Party(id); p != nil {
			out[i] = cmp.Or(p.Short, p.Name, id)
		}
	}
	return out
}

// byID returns the element of xs whose id is id, or nil.
func byID[T any](xs []T, id string, idOf func(*T) string) *T {
	for i := range xs {
		if idOf(&xs[i]) == id {
			return &xs[i]
		}
	}
	return nil
}

// Window is when a commitment is in force: from Start (inclusive) to End
// (exclusive; zero for open-ended), and why it ends. A window whose start
// event is read as taking no effect is Void: never in force.
type Window struct {
	Start calendar.Date
	End   calendar.Date
	Ends  string
	Void  bool
}

// InForce returns the window of commitment c: from its start event, for
// its duration, and no later than the first termination event.
func (a *Agreement) InForce(c *Commitment) Window { return a.InForceExcept(c, nil) }

// InForceExcept is InForce with the termination events in ignored read as
// taking no effect, and the commitment void if its start event is
// ignored. (Other ignored events do not change the window: an event
// through a procedure read as not covered by it is non-performance, which
// the evaluation of the commitment decides.)
func (a *Agreement) InForceExcept(c *Commitment, ignored map[string]bool) Window {
	w := Window{Start: a.Event(c.Starts).Date}
	if ignored[c.Starts] {
		// A commitment that an event imposes (measures a reimposition
		// puts back) never starts on the reading that the event took no
		// effect.
		e := a.Event(c.Starts)
		w.End, w.Void = w.Start, true
		w.Ends = fmt.Sprintf("on this reading the %s of %s took no effect", e.Kind, e.Date)
		return w
	}
	if c.DurationYears > 0 {
		years := int(c.DurationYears)
		w.End = w.Start.AddYears(years).AddDays(int((c.DurationYears - float64(years)) * 365.25))
		w.Ends = fmt.Sprintf("%g years from %s", c.DurationYears, a.EventName(c.Starts))
	}
	for _, e := range a.Events {
		if e.Kind == KindTermination && !c.SurvivesTermination && !ignored[e.ID] && (w.End.IsZero() || e.Date.Before(w.End)) {
			w.End, w.Ends = e.Date, e.Title
		}
	}
	return w
}

// Contains reports whether d lies in the window.
func (w Window) Contains(d calendar.Date) bool {
	return !w.Void && !d.Before(w.Start) && (w.End.IsZero() || d.Before(w.End))
}
