// Package report builds the verification report at a date, shaped like an
// IAEA quarterly report: summary; verification activities; enrichment and
// centrifuges; stockpile by level; continuity of knowledge; findings for
// each side; breakout; an annex of sources. Every figure cites the annex
// by number, and each annex entry names the dataset row or log record it
// came from.
//
// Build is pure: the same agreement, facts and date give the same report.
// Renderers write it as Markdown, HTML (with SVG charts), JSON and CSV.
package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/warning"
)

// Format identifies the JSON form of a report. v2: the breakout section is
// the dated estimate (status, convention, band, last known estimate);
// "convention" names the breakout assumptions and "sq" the significant
// quantity, which v1 called "convention".
const Format = "accord.report/v2"

// Report is the verification report at a date.
type Report struct {
	Format         string        `json:"format"`
	Agreement      string        `json:"agreement"`
	AgreementTitle string        `json:"agreement_title"`
	AsOf           calendar.Date `json:"as_of"`
	// SQ is how the breakout figures count a significant quantity, and
	// SQText says it in words.
	SQ     enrich.Convention `json:"sq"`
	SQText string            `json:"sq_text"`
	// Convention names the assumptions of the breakout figures.
	Convention     breakout.Convention `json:"convention"`
	ConventionText string              `json:"convention_text"`
	Summary        []string            `json:"summary"`
	Activities     Activities          `json:"verification_activities"`
	Enrichment     Enrichment          `json:"enrichment"`
	Stockpile      Stockpile           `json:"stockpile"`
	Knowledge      Knowledge           `json:"continuity_of_knowledge"`
	Sides          []Side              `json:"findings_by_side"`
	// Disputes are the events the parties read differently, with each
	// reading, its basis and its sources: the findings they decide cite
	// them by question.
	Disputes []Dispute `json:"disputes"`
	Breakout Breakout  `json:"breakout"`
	// Warning is breakout time minus the time verification needs to
	// detect a breakout, with the regime in force at AsOf.
	Warning Warning `json:"warning"`
	// Series is the stock and breakout at every reported date up to AsOf:
	// the data of the charts.
	Series []Point `json:"series"`
	// Events are the agreement's events up to AsOf: the turns the charts
	// annotate.
	Events  []Event  `json:"events"`
	Sources []Source `json:"sources"`
}

// Activities are the verification work the report rests on.
type Activities struct {
	// Access is the inspectorate's access (full, reduced, none, unknown).
	Access      string        `json:"access"`
	AccessSince calendar.Date `json:"access_since"`
	// Latest is the latest evidence on or before AsOf and LatestStock the
	// latest figure of the stock, each with its age at AsOf (nil when
	// there is none).
	Latest      *Latest `json:"latest_evidence"`
	LatestStock *Latest `json:"latest_stock"`
	// LatestPublic, when Latest was published after AsOf (or perhaps
	// after), is the latest evidence known to have been published on or
	// before it.
	LatestPublic *Latest `json:"latest_public,omitempty"`
	// Documents are the reports and records whose figures the state at
	// AsOf takes, latest first.
	Documents []Document `json:"documents"`
	// Deadlines are the clocks of procedures started in the year before
	// AsOf.
	Deadlines []agreement.Deadline `json:"deadlines"`
	// RecentEvents are the agreement's events of the year before AsOf.
	RecentEvents []Event `json:"recent_events"`
}

// Latest is one dated piece of evidence, its age at the report's date, the
// document it comes from in words, and when that was published.
type Latest struct {
	Date calendar.Date `json:"date"`
	// DatePrecision says how much Date is known: only the month, or no
	// later than Date (AgeDays is then the least it can be; Age says so).
	DatePrecision state.DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	AgeDays       int                 `json:"age_days"`
	Age           string              `json:"age"`
	Document      string              `json:"document"`
	Publication
	Sources []int `json:"sources"`
}

// Document is a report or record the figures come from, and when it was
// published.
type Document struct {
	Document string        `json:"document"`
	AsOf     calendar.Date `json:"as_of"`
	// AsOfPrecision says how much AsOf is known: only the month, or no
	// later than AsOf; absent for the day.
	AsOfPrecision state.DatePrecision `json:"as_of_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Publication
	Figures int   `json:"figures"`
	Sources []int `json:"sources"`
}

// Publication is when a source was published, where the data give it,
// and whether that was after the report's date. A figure as of a date on
// or before the report's may come from a document published after it (an
// inspectorate reports its measurements weeks later): the report takes
// the figure, and says so.
type Publication struct {
	// Published is the date; PublishedMonth the month ("2025-09") where
	// only that is known.
	Published      calendar.Date `json:"published,omitzero"`
	PublishedMonth string        `json:"published_month,omitempty"`
	// AfterAsOf is true when the source was published after the report's
	// date and false when on or before it; absent when its publication is
	// not known, or only its month, and the report's date falls in it.
	AfterAsOf *bool `json:"after_as_of,omitempty"`
}

func publicationOf(e state.Evidence, asOf calendar.Date) Publication {
	return Publication{Published: e.Published, PublishedMonth: e.PublishedMonth, AfterAsOf: compliance.AfterAsOf(e, asOf)}
}

func (p Publication) evidence() state.Evidence {
	return state.Evidence{Published: p.Published, PublishedMonth: p.PublishedMonth}
}

// When is the publication in a table's cell: "2024-11-19", "2025-02-26,
// after this date", "September 2025", or "not known".
func (p Publication) When(asOf calendar.Date) string {
	w := strings.TrimPrefix(strings.TrimPrefix(p.Words(asOf), "published "), "in ")
	return cmp.Or(w, "not known")
}

// Known reports whether the publication is known (to the day or the
// month).
func (p Publication) Known() bool { return p.evidence().Publication() != "" }

// Hindsight says, at the report's date asOf, that the source was published
// after it ("published 2025-02-26, after this date"; "published in
// November 2025, perhaps after this date" where only the month is known
// and asOf falls in it), or "".
func (p Publication) Hindsight(asOf calendar.Date) string { return p.evidence().Hindsight(asOf) }

// Words says when the source was published, and that this was after
// asOf where it was: "published 2024-11-19", "published 2025-02-26, after
// this date"; "" when not known.
func (p Publication) Words(asOf calendar.Date) string {
	return cmp.Or(p.Hindsight(asOf), p.evidence().Publication())
}

// Enrichment is the enrichment level and the centrifuges.
type Enrichment struct {
	MaxEnrichment Figure `json:"max_enrichment_pct"`
	// Limit is the agreement's enrichment limit, percent.
	LimitPct    *float64      `json:"limit_pct"`
	Centrifuges []Centrifuges `json:"centrifuges"`
}

// Centrifuges is the machines of one type at one site.
type Centrifuges struct {
	Site      string `json:"site"`
	Machine   string `json:"machine"`
	Installed Figure `json:"installed"`
	Enriching Figure `json:"enriching"`
}

// Figure is one number with its date, its status and the annex entries
// it cites; a figure that is not known says why.
type Figure struct {
	Value     *float64        `json:"value"`
	Qualifier state.Qualifier `json:"qualifier,omitempty"`
	// AtLeast, of a figure "up to" Value, is the least it can be where
	// its source bounds it from below too.
	AtLeast float64       `json:"at_least,omitempty"`
	Unit    string        `json:"unit"`
	AsOf    calendar.Date `json:"as_of"`
	// AsOfPrecision says how much AsOf is known: only the month, or no
	// later than AsOf (AgeDays is then the least it can be); absent for
	// the day.
	AsOfPrecision state.DatePrecision `json:"as_of_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	// AgeDays is the age of the figure at the report's date.
	AgeDays *int         `json:"age_days,omitempty"`
	Status  state.Status `json:"status,omitempty"`
	Unknown string       `json:"unknown,omitempty"`
	Sources []int        `json:"sources"`
}

// Stockpile is the enriched-uranium stock against the agreement's limit.
type Stockpile struct {
	Total Figure `json:"total_kg_u"`
	// LimitKgU is the agreement's stockpile limit (202.8 kg U in the
	// JCPOA), Ratio the total over it.
	LimitKgU *float64 `json:"limit_kg_u"`
	Ratio    *float64 `json:"ratio"`
	Levels   []Level  `json:"by_level"`
	// OtherForms is the part of an exact total its levels do not give
	// (uranium in other chemical forms than the UF6 the levels count, or
	// not given by level): the total less the levels, derived; absent
	// where the levels add up to the total, or where a level is not
	// known or is a bound.
	OtherForms *Figure `json:"other_forms_kg_u,omitempty"`
	// OneSQ60KgU is the mass of 60 % uranium holding one IAEA significant
	// quantity (25 kg U-235): the line the 60 % stock is drawn against.
	OneSQ60KgU float64 `json:"one_sq_at_60_pct_kg_u"`
}

// Level is the stock at one enrichment level.
type Level struct {
	MaxAssayPct float64  `json:"max_assay_pct"`
	AssayPct    float64  `json:"assay_pct"`
	Mass        Figure   `json:"mass_kg_u"`
	SQIAEA      *float64 `json:"sq_iaea"`
	SQWGU25     *float64 `json:"sq_wgu25"`
}

// Knowledge is the state of the inspectorate's continuity of knowledge.
type Knowledge struct {
	Access string        `json:"access"`
	Since  calendar.Date `json:"since"`
	Lost   calendar.Date `json:"lost,omitzero"`
	// Unknown are the figures the report cannot give, with the reason.
	Unknown []string `json:"unknown"`
	Sources []int    `json:"sources"`
	// Changes are the access changes up to AsOf.
	Changes []AccessChange `json:"changes"`
	// Streams are the continuity of knowledge of each monitored stream.
	Streams []StreamKnowledge `json:"streams"`
}

// StreamKnowledge is the inspectorate's knowledge of one stream at one
// site at AsOf: maintained, escrowed (recorded but not accessible) or
// lost, since when and why.
type StreamKnowledge struct {
	state.StreamStatus
	Sources []int `json:"sources"`
}

// AccessChange is a day the inspectorate's access changed.
type AccessChange struct {
	Date    calendar.Date `json:"date"`
	Access  string        `json:"access"`
	Sources []int         `json:"sources"`
}

// Side is one party's findings.
type Side struct {
	Party    string    `json:"party"`
	Name     string    `json:"name"`
	Findings []Finding `json:"findings"`
}

// Dispute is an event of the agreement the parties read differently.
type Dispute struct {
	Question string        `json:"question"`
	Event    string        `json:"event"`
	Date     calendar.Date `json:"date"`
	// Commitments are the findings whose status turns on it.
	Commitments []string      `json:"commitments"`
	Views       []DisputeView `json:"views"`
}

// DisputeView is one reading of a disputed event.
type DisputeView struct {
	Parties []string `json:"parties"`
	// Names are the parties' names as sentences give them ("Iran").
	Names []string `json:"party_names"`
	// Reading says in words what the parties hold of the event.
	Reading string `json:"reading"`
	Basis   string `json:"basis"`
	Sources []int  `json:"sources"`
}

// Finding is one commitment's status at AsOf and since when it holds.
type Finding struct {
	compliance.Finding
	// Since is the first date of the status's current run, from the
	// timeline of every reported date; zero when the status has held
	// since the first date evaluated (before the record began).
	Since   calendar.Date `json:"since,omitzero"`
	Sources []int         `json:"sources"`
}

// Breakout is the dated estimate from what the inspectorate knew at AsOf,
// with the annex entries it cites, and the estimate at the agreement's
// limits beside the figure the agreement was designed to keep.
type Breakout struct {
	compliance.Breakout
	Sources []int `json:"sources"`
	// LastKnownSources cite the figures of the last known estimate.
	LastKnownSources []int                      `json:"last_known_sources,omitempty"`
	AtLimits         *compliance.LimitsBreakout `json:"at_limits,omitempty"`
	AtLimitsSources  []int                      `json:"at_limits_sources,omitempty"`
}

// Warning is the warning estimate at AsOf with the annex entries it cites:
// the breakout's evidence, each activity's provision, and the evidence of
// its state.
type Warning struct {
	warning.Estimate
	Sources []int `json:"sources"`
	// RegimeSources cite the regime alone: each activity's provision and
	// the evidence of its state.
	RegimeSources []int `json:"regime_sources"`
}

// Point is the stock and breakout at one reported date.
type Point struct {
	Date calendar.Date `json:"date"`
	// DatePrecision says how much Date, the figures' date, is known: only
	// the month (the point is then evaluated at the month's last day, the
	// first on which the figures are taken), or no later than Date.
	DatePrecision state.DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	// TotalKgU is the reported total; nil when the report gives none.
	// TotalQualifier says when it is a bound, not an amount: "at_most"
	// where the IAEA reported only that the stock did not exceed it,
	// "above" where it reported only that the stock exceeded it.
	TotalKgU       *float64        `json:"total_kg_u"`
	TotalQualifier state.Qualifier `json:"total_qualifier,omitempty"`
	// ByLevel maps a level ("5", "20", "60": up to that percent) to its
	// mass in kg U; ByLevelQualifier the qualifier of each level's mass
	// that is not exact (a bound, or "approx").
	ByLevel          map[string]float64         `json:"by_level_kg_u"`
	ByLevelQualifier map[string]state.Qualifier `json:"by_level_qualifier,omitempty"`
	// BreakoutStatus is the status of the dated estimate at Date
	// (estimated, unknown, not-reachable); BreakoutDays its headline
	// (the median of its band) and the band's 10th and 90th percentiles,
	// nil unless estimated.
	BreakoutStatus  string   `json:"breakout_status"`
	BreakoutDays    *float64 `json:"breakout_days"`
	BreakoutP10Days *float64 `json:"breakout_p10_days"`
	BreakoutP90Days *float64 `json:"breakout_p90_days"`
	// BreakoutQualifier says when the estimate and its band are only a
	// bound, as compliance.Breakout's HeadlineQualifier does.
	BreakoutQualifier state.Qualifier `json:"breakout_qualifier,omitempty"`
	// WarningStatus is the status of the warning estimate at Date
	// (estimated, unknown, no-detection, not-reachable); WarningDays its
	// median and the 10th and 90th percentiles, nil unless estimated.
	WarningStatus  string   `json:"warning_status"`
	WarningDays    *float64 `json:"warning_days"`
	WarningP10Days *float64 `json:"warning_p10_days"`
	WarningP90Days *float64 `json:"warning_p90_days"`
	// WarningQualifier says when the warning and its band are only a
	// bound, as warning.Estimate's WarningQualifier does.
	WarningQualifier state.Qualifier `json:"warning_qualifier,omitempty"`
	// Event names the agreement's day the point falls on (its conclusion,
	// adoption, implementation, transition or termination: "JCPOA
	// finalised in Vienna"). A point of such a day on which no stock was
	// reported gives the breakout and warning only, from the stock and
	// the centrifuges known then.
	Event   string `json:"event,omitempty"`
	Sources []int  `json:"sources"`
}

// agreementDays are the kinds of the agreement's events at whose dates the
// series is evaluated beside the dates a stock was reported: the days
// that begin and end its phases, where analysts quote breakout time.
var agreementDays = []string{"milestone", "adoption", "implementation", "transition", "termination"}

// Mass is the point's mass at level key ("5", "20", "60"; "" for the
// total) with its qualifier; ok is false when the date gives none.
func (p Point) Mass(key string) (v float64, q state.Qualifier, ok bool) {
	if key == "" {
		if p.TotalKgU == nil {
			return 0, state.Exact, false
		}
		return *p.TotalKgU, p.TotalQualifier, true
	}
	v, ok = p.ByLevel[key]
	return v, p.ByLevelQualifier[key], ok
}

// SeriesLevels are the columns of a table of the series: the levels of
// the agreement's limits and the IAEA's reports (up to 5, 20 and 60 %),
// and any other level some point of the series gives (up to 2 %, from
// 2020), lowest first, so that a level reported at any date shown has
// one.
func (r *Report) SeriesLevels() []string {
	pcts := []float64{5, 20, 60}
	for _, p := range r.Series {
		for k := range p.ByLevel {
			if v, err := strconv.ParseFloat(k, 64); err == nil && !slices.Contains(pcts, v) {
				pcts = append(pcts, v)
			}
		}
	}
	slices.Sort(pcts)
	out := make([]string, len(pcts))
	for i, v := range pcts {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// SeriesBounds reports whether any figure of the series is not exact: a
// bound or an approximate figure, which the tables mark with a sign.
func (r *Report) SeriesBounds() bool {
	for _, p := range r.Series {
		if p.TotalQualifier != state.Exact || len(p.ByLevelQualifier) > 0 || p.BreakoutQualifier != state.Exact || p.WarningQualifier != state.Exact {
			return true
		}
	}
	return false
}

// seriesEstimateBounds reports whether any breakout estimate of the
// series is not exact.
func (r *Report) seriesEstimateBounds() bool {
	return slices.ContainsFunc(r.Series, func(p Point) bool { return p.BreakoutQualifier != state.Exact })
}

// Event is an agreement event.
type Event struct {
	ID     string        `json:"id"`
	Date   calendar.Date `json:"date"`
	Kind   string        `json:"kind"`
	Party  string        `json:"party,omitempty"`
	Title  string        `json:"title"`
	Source int           `json:"source"`
}

// Source is one annex entry: where figures come from.
type Source struct {
	N int `json:"n"`
	// Kind is dataset (a row of the public series), record (a log entry),
	// agreement (an event of the agreement file) or catalogue (the machine
	// catalogue).
	Kind string `json:"kind"`
	// Ref locates the source for tools ("iaea-iran row 33", "log index
	// 12"); Entry says where a reader finds it ([state.Evidence.Entry]).
	Ref      string `json:"ref"`
	Entry    string `json:"entry,omitempty"`
	Document string `json:"document,omitempty"`
	Source   string `json:"source"`
	// Record is the id of the log record that states it (kind record).
	Record string       `json:"record,omitempty"`
	Status state.Status `json:"status,omitempty"`
	Publication
}

// Where is where a reader finds the source: its Entry, else its Ref.
func (s Source) Where() string { return cmp.Or(s.Entry, s.Ref) }

// InAnnex is Where as the printed annex says it, whose note says once
// that reports and facts are the public series' ("report of 2025-02-26",
// "fact 62"), rather than before each of its hundred entries.
func (s Source) InAnnex() string { return strings.TrimPrefix(s.Where(), dataset.SeriesEntry) }

// Label names the source as a short citation does: its document, else
// where it was seen, else the record or its place in the data.
func (s Source) Label() string {
	return state.Evidence{Document: s.Document, Source: s.Source, Record: s.Record, Ref: s.Where()}.Label()
}

// Cited is how the annex words the source: the document, then where it
// was seen.
func (s Source) Cited() string {
	doc := s.Document
	if doc == s.Ref {
		doc = ""
	}
	return state.Citation(s.Kind, doc, s.Source, s.Record)
}

// Options set how a report is built: its breakout figures (the significant
// quantity, the convention, the machines counted, the band and the damage
// assumptions after a loss of knowledge), and whether to leave out the
// series of every reported date, which costs a banded estimate at each
// (a page that shows no chart needs none).
type Options struct {
	compliance.BreakoutOptions
	SkipSeries bool
}

// Build makes the report at date from the facts, against a.
func Build(a *agreement.Agreement, facts []state.Fact, date calendar.Date, opt Options) (*Report, error) {
	o, err := compliance.OverviewAt(a, facts, date, opt.BreakoutOptions)
	if err != nil {
		return nil, err
	}
	limits, err := compliance.AtLimits(a, opt.BreakoutOptions)
	if err != nil {
		return nil, err
	}
	s := state.At(facts, date)
	b := &builder{index: map[string]int{}, asOf: date, regime: a.Verification}
	r := &Report{Format: Format, Agreement: a.ID, AgreementTitle: a.Name, AsOf: date,
		SQ: o.Breakout.SQ, SQText: o.Breakout.SQ.Describe(), Convention: o.Breakout.Convention, ConventionText: o.Breakout.ConventionText, Summary: []string{}}

	b.stockpile(r, a, o)
	b.enrichment(r, a, s)
	b.knowledge(r, s)
	b.findings(r, a, facts, o)
	b.breakout(r, a, o, limits)
	if err := b.warning(r, facts, opt.BreakoutOptions); err != nil {
		return nil, err
	}
	r.Series = []Point{}
	if !opt.SkipSeries {
		if err := b.series(r, a, facts, opt.BreakoutOptions); err != nil {
			return nil, err
		}
	}
	b.events(r, a)
	b.activities(r, s, o)
	r.Sources = b.sources
	r.Summary = summary(r)
	return r, nil
}

// builder numbers the sources in the order the report first cites them.
type builder struct {
	index   map[string]int
	sources []Source
	asOf    calendar.Date
	// detections keeps the times to detect the series draws: the regime
	// changes at a few dates only.
	detections warning.Detections
	// regime is the agreement's verification regime.
	regime []warning.Activity
}

func (b *builder) cite(evs []state.Evidence) []int {
	out := []int{}
	for _, e := range evs {
		n := b.add(Source{Kind: e.Kind, Ref: e.Ref, Entry: e.Entry, Document: e.Document, Source: e.Source, Record: e.Record, Status: e.Status, Publication: publicationOf(e, b.asOf)})
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func (b *builder) add(s Source) int {
	key := s.Kind + "\x00" + s.Ref + "\x00" + s.Source + "\x00" + s.Published.String() + s.PublishedMonth
	if n, ok := b.index[key]; ok {
		return n
	}
	s.N = len(b.sources) + 1
	b.sources = append(b.sources, s)
	b.index[key] = s.N
	return s.N
}

func (b *builder) figure(v state.Value, unit string) Figure {
	f := Figure{Qualifier: v.Qualifier, AtLeast: v.Floor, Unit: unit, AsOf: v.Date, AsOfPrecision: v.DatePrecision, Status: v.Status, Unknown: v.Unknown, Sources: b.cite(v.Evidence)}
	if !v.Date.IsZero() {
		age := v.Date.DaysUntil(b.asOf)
		f.AgeDays = &age
	}
	if v.Known {
		x := v.Value
		f.Value = &x
	}
	return f
}

func (b *builder) stockpile(r *Report, a *agreement.Agreement, o *compliance.Overview) {
	st := &r.Stockpile
	st.Total = b.figure(o.Inventory.Total, "kg U")
	st.Levels = []Level{}
	if c := limitOf(a, state.EnrichedUraniumKgU); c != nil {
		m := c.Limit.Max
		st.LimitKgU = &m
		if st.Total.Value != nil && m > 0 {
			ratio := *st.Total.Value / m
			st.Ratio = &ratio
		}
	}
	kg, _ := enrich.IAEA.ProductKgUPerSQ(enrich.MustPercent(60))
	st.OneSQ60KgU = kg
	for _, l := range o.Inventory.ByLevel {
		v := state.Value{Known: l.MassKgU != nil, Qualifier: l.Qualifier, Status: l.Status, Unknown: l.Unknown, Evidence: l.Ref}
		if l.MassKgU != nil {
			v.Value = *l.MassKgU
		}
		f := b.figure(v, "kg U")
		f.AsOf, f.AsOfPrecision = o.Inventory.Total.Date, o.Inventory.Total.DatePrecision
		st.Levels = append(st.Levels, Level{MaxAssayPct: l.MaxAssayPct, AssayPct: l.AssayPct, Mass: f, SQIAEA: l.SQIAEA, SQWGU25: l.SQWGU25})
	}
	st.OtherForms = otherForms(o.Inventory, st.Total)
}

// limitOf returns the first commitment of a limiting metric m.
func limitOf(a *agreement.Agreement, m state.Metric) *agreement.Commitment {
	for i := range a.Commitments {
		if c := &a.Commitments[i]; c.Limit != nil && c.Limit.Metric == string(m) && c.Limit.Site == "" && c.Limit.AbovePct == 0 {
			return c
		}
	}
	return nil
}

func (b *builder) enrichment(r *Report, a *agreement.Agreement, s *state.State) {
	e := &r.Enrichment
	e.MaxEnrichment = b.figure(s.MaxEnrichment, "%")
	if c := limitOf(a, state.MaxEnrichmentPct); c != nil {
		m := c.Limit.Max
		e.LimitPct = &m
	}
	e.Centrifuges = []Centrifuges{}
	for _, c := range s.Centrifuges {
		e.Centrifuges = append(e.Centrifuges, Centrifuges{Site: c.Site, Machine: c.Machine,
			Installed: b.figure(c.Installed, "machines"), Enriching: b.figure(c.Enriching, "machines")})
	}
}

func (b *builder) knowledge(r *Report, s *state.State) {
	k := &r.Knowledge
	k.Access, k.Since, k.Lost = s.Knowledge.Access, s.Knowledge.Since, s.Knowledge.Lost
	k.Sources = b.cite(s.Knowledge.Evidence)
	k.Unknown = []string{}
	if !s.Inventory.Total.Known && s.Inventory.Total.Unknown != "" {
		k.Unknown = append(k.Unknown, "enriched-uranium stock: "+s.Inventory.Total.Unknown)
	}
	if !s.MaxEnrichment.Known && s.MaxEnrichment.Unknown != "" {
		k.Unknown = append(k.Unknown, "enrichment level: "+s.MaxEnrichment.Unknown)
	}
	if !s.HeavyWater.Known && s.HeavyWater.Unknown != "" {
		k.Unknown = append(k.Unknown, "heavy water: "+s.HeavyWater.Unknown)
	}
	k.Streams = []StreamKnowledge{}
	for _, c := range s.Continuity {
		k.Streams = append(k.Streams, StreamKnowledge{StreamStatus: c.StreamStatus, Sources: b.cite(c.Evidence)})
	}
	k.Changes = []AccessChange{}
	for _, c := range s.Knowledge.Changes {
		k.Changes = append(k.Changes, AccessChange{Date: c.Date, Access: c.Access, Sources: b.cite(c.Evidence)})
	}
}

func (b *builder) findings(r *Report, a *agreement.Agreement, facts []state.Fact, o *compliance.Overview) {
	tracks := compliance.TimelineTo(a, facts, r.AsOf)
	r.Sides = []Side{}
	for i, f := range o.Findings {
		side := sideOf(r, a, f.Obligor)
		fd := Finding{Finding: f, Sources: b.cite(f.Evidence)}
		// A status that has held since the first date the record gives
		// has no "since": it held before, as far as anyone can tell.
		if ps := tracks[i].Periods; len(ps) > 1 {
			fd.Since = ps[len(ps)-1].From
		}
		side.Findings = append(side.Findings, fd)
	}
	b.disputes(r, a, o)
}

// disputes lists the readings of the events that decide some finding.
func (b *builder) disputes(r *Report, a *agreement.Agreement, o *compliance.Overview) {
	r.Disputes = []Dispute{}
	for _, rd := range a.Readings {
		d := Dispute{Question: rd.Question, Event: rd.Event, Date: a.Event(rd.Event).Date, Commitments: []string{}}
		for _, f := range o.Findings {
			if f.Question == rd.Question {
				d.Commitments = append(d.Commitments, f.Commitment)
			}
		}
		if len(d.Commitments) == 0 {
			continue
		}
		for _, v := range rd.Views {
			reading := v.Said()
			n := b.add(Source{Kind: "agreement", Ref: a.ID + " reading " + rd.ID + " (" + strings.Join(v.Parties, ", ") + ")", Entry: readingEntry(a, rd, v), Source: v.Source, Status: state.Status(v.Status)})
			d.Views = append(d.Views, DisputeView{Parties: v.Parties, Names: a.PartyNames(v.Parties), Reading: reading, Basis: v.Basis, Sources: []int{n}})
		}
		r.Disputes = append(r.Disputes, d)
	}
}

// readingEntry is how a reader finds a party's reading of a disputed
// event: the Agreement page gives the readings with the event, which it
// lists by date.
func readingEntry(a *agreement.Agreement, rd agreement.Reading, v agreement.View) string {
	on := ""
	if e := a.Event(rd.Event); e != nil {
		on = " of " + e.Date.String()
	}
	return "agreement disputes, the event" + on + ", reading of " + strings.Join(a.PartyNames(v.Parties), ", ")
}

func sideOf(r *Report, a *agreement.Agreement, party string) *Side {
	for i := range r.Sides {
		if r.Sides[i].Party == party {
			return &r.Sides[i]
		}
	}
	name := party
	if p := a.Party(party); p != nil {
		name = p.Name
	}
	r.Sides = append(r.Sides, Side{Party: party, Name: name, Findings: []Finding{}})
	return &r.Sides[len(r.Sides)-1]
}

func (b *builder) breakout(r *Report, a *agreement.Agreement, o *compliance.Overview, limits *compliance.LimitsBreakout) {
	bo := &r.Breakout
	bo.Breakout = *o.Breakout
	bo.Sources = b.cite(bo.Evidence)
	if e := bo.Estimate; e != nil {
		for _, fl := range e.Fleet {
			bo.Sources = appendNew(bo.Sources, b.machine(fl))
		}
	}
	slices.Sort(bo.Sources)
	if lk := bo.LastKnown; lk != nil {
		bo.LastKnownSources = b.cite(lk.Evidence)
		slices.Sort(bo.LastKnownSources)
	}
	if limits != nil {
		bo.AtLimits = limits
		bo.AtLimitsSources = []int{b.add(Source{Kind: "agreement", Ref: a.ID + " limits", Entry: "agreement commitments", Source: a.Source})}
		if g := limits.Goal; g != nil {
			bo.AtLimitsSources = appendNew(bo.AtLimitsSources, b.add(Source{Kind: "agreement", Ref: a.ID + " breakout goal", Entry: "agreement breakout goal", Source: g.Source}))
		}
		for _, fl := range limits.Estimate.Fleet {
			bo.AtLimitsSources = appendNew(bo.AtLimitsSources, b.machine(fl))
		}
	}
}

// warning estimates the warning time at AsOf and cites what it rests on.
func (b *builder) warning(r *Report, facts []state.Fact, opt compliance.BreakoutOptions) error {
	e, err := warning.At(context.Background(), facts, r.AsOf, b.warningOptions(opt))
	if err != nil {
		return err
	}
	w := &r.Warning
	w.Estimate = *e
	w.RegimeSources = []int{}
	for _, a := range e.Regime.Activities {
		w.RegimeSources = appendNew(w.RegimeSources, b.add(Source{Kind: "agreement", Ref: RegimeRef + a.ID, Entry: "verification regime, " + a.Name, Document: a.Provision, Source: a.Source, Status: a.Status}))
		w.RegimeSources = appendNew(w.RegimeSources, b.cite(a.Evidence)...)
	}
	slices.Sort(w.RegimeSources)
	w.Sources = appendNew(b.cite(e.Breakout.Evidence), w.RegimeSources...)
	slices.Sort(w.Sources)
	return nil
}

// RegimeRef prefixes the reference of an annex entry that is an activity
// of the verification regime.
const RegimeRef = "verification regime: "

// warningOptions are the warning's options for the report's breakout
// options: the same band and seed; without a band, the central breakout
// estimate less the drawn time to detect.
func (b *builder) warningOptions(opt compliance.BreakoutOptions) warning.Options {
	if opt.Samples == 0 {
		return warning.Options{Breakout: opt, Samples: warning.DefaultSamples, Seed: opt.Seed, CentralBreakout: true, Regime: b.regime}
	}
	return warning.Options{Breakout: opt, Samples: opt.Samples, Seed: opt.Seed, Regime: b.regime}
}

// machine cites the catalogue entry of a fleet line.
func (b *builder) machine(fl breakout.FleetLine) int {
	return b.add(Source{Kind: "catalogue", Ref: "machine " + fl.Machine, Entry: "machine catalogue, " + fl.Machine, Source: fl.Source})
}

func appendNew(s []int, ns ...int) []int {
	for _, n := range ns {
		if !slices.Contains(s, n) {
			s = append(s, n)
		}
	}
	return s
}

// series evaluates the stock and the dated breakout at every date a stock
// was reported, up to AsOf, at the agreement's days (agreementDays: the
// breakout only, where no stock was reported that day), and at AsOf
// itself when it falls later and the estimate there is not known: the
// chart then shows the gap.
func (b *builder) series(r *Report, a *agreement.Agreement, facts []state.Fact, opt compliance.BreakoutOptions) error {
	// A figure known only to its month is taken from the month's last
	// day (state.At): its point is evaluated there, dated by its month.
	var dates []calendar.Date
	for _, f := range facts {
		if f.Metric == state.EnrichedUraniumKgU && !f.Latest().After(r.AsOf) {
			dates = append(dates, f.Latest())
		}
	}
	slices.SortFunc(dates, calendar.Date.Compare)
	dates = slices.CompactFunc(dates, calendar.Date.Equal)
	r.Series = []Point{}
	for _, d := range dates {
		s := state.At(facts, d)
		t := s.Inventory.Total
		p := Point{Date: d, ByLevel: map[string]float64{}, Sources: b.cite(t.Evidence)}
		if t.Known && t.DatePrecision.Latest(t.Date).Equal(d) {
			v := t.Value
			p.TotalKgU, p.TotalQualifier = &v, t.Qualifier
			p.Date, p.DatePrecision = t.Date, t.DatePrecision
		}
		for _, l := range s.Inventory.ByLevel {
			if l.Mass.Known && l.Mass.DatePrecision.Latest(l.Mass.Date).Equal(d) {
				key := fmt.Sprint(l.MaxAssayPct)
				p.ByLevel[key] = l.Mass.Value
				if q := l.Mass.Qualifier; q != state.Exact {
					if p.ByLevelQualifier == nil {
						p.ByLevelQualifier = map[string]state.Qualifier{}
					}
					p.ByLevelQualifier[key] = q
				}
			}
		}
		if p.TotalKgU == nil && len(p.ByLevel) == 0 {
			continue // the date's figures are not the state's (older or unknown)
		}
		if err := b.point(&p, facts, opt); err != nil {
			return err
		}
		r.Series = append(r.Series, p)
	}
	for _, e := range a.Events {
		if !slices.Contains(agreementDays, e.Kind) || e.Date.After(r.AsOf) {
			continue
		}
		if i := slices.IndexFunc(r.Series, func(p Point) bool { return p.Date.Equal(e.Date) }); i >= 0 {
			r.Series[i].Event = e.Title
			continue
		}
		p := Point{Date: e.Date, ByLevel: map[string]float64{}, Event: e.Title, Sources: []int{b.eventSource(a, e)}}
		if err := b.point(&p, facts, opt); err != nil {
			return err
		}
		r.Series = append(r.Series, p)
	}
	slices.SortStableFunc(r.Series, func(x, y Point) int { return x.Date.Compare(y.Date) })
	if n := len(r.Series); n == 0 || r.Series[n-1].Date.Before(r.AsOf) {
		if r.Breakout.Status == compliance.UnknownEstimate {
			r.Series = append(r.Series, Point{Date: r.AsOf, ByLevel: map[string]float64{}, BreakoutStatus: compliance.UnknownEstimate, Sources: []int{}})
		}
	}
	return nil
}

// point fills the breakout of a series point: the dated estimate, with
// the band of the report's options.
func (b *builder) point(p *Point, facts []state.Fact, opt compliance.BreakoutOptions) error {
	o := b.warningOptions(opt)
	o.Detections = &b.detections
	e, err := warning.At(context.Background(), facts, p.DatePrecision.Latest(p.Date), o)
	if err != nil {
		return err
	}
	p.BreakoutStatus = e.Breakout.Status
	band := e.BreakoutBand()
	p.BreakoutDays, p.BreakoutP10Days, p.BreakoutP90Days = band.P50, band.P10, band.P90
	if band.P50 != nil {
		p.BreakoutQualifier = e.Breakout.HeadlineQualifier
	}
	p.WarningStatus = e.Status
	if w := e.Warning; w != nil {
		p.WarningDays, p.WarningP10Days, p.WarningP90Days = w.P50, w.P10, w.P90
		p.WarningQualifier = e.WarningQualifier
	}
	return nil
}

// eventSource is the annex number of an event of the agreement.
func (b *builder) eventSource(a *agreement.Agreement, e agreement.Event) int {
	return b.add(Source{Kind: "agreement", Ref: a.ID + " event " + e.ID, Entry: e.Entry(), Source: e.Source, Status: state.Status(e.Status)})
}

func (b *builder) events(r *Report, a *agreement.Agreement) {
	r.Events = []Event{}
	for _, e := range a.Events {
		if e.Date.After(r.AsOf) {
			continue
		}
		r.Events = append(r.Events, Event{ID: e.ID, Date: e.Date, Kind: e.Kind, Party: e.Party, Title: e.Title, Source: b.eventSource(a, e)})
	}
	slices.SortStableFunc(r.Events, func(x, y Event) int { return x.Date.Compare(y.Date) })
}

func (b *builder) activities(r *Report, s *state.State, o *compliance.Overview) {
	act := &r.Activities
	act.Access, act.AccessSince = s.Knowledge.Access, s.Knowledge.Since
	yearBefore := r.AsOf.AddDays(-365)
	act.Deadlines = []agreement.Deadline{}
	for _, d := range o.Deadlines {
		if !d.Trigger.Date.Before(yearBefore) {
			act.Deadlines = append(act.Deadlines, d)
		}
	}
	act.RecentEvents = []Event{}
	for _, e := range r.Events {
		if !e.Date.Before(yearBefore) {
			act.RecentEvents = append(act.RecentEvents, e)
		}
	}
	latest := func(l *compliance.LatestFigure) *Latest {
		if l == nil {
			return nil
		}
		return &Latest{Date: l.Date, DatePrecision: l.DatePrecision, AgeDays: l.AgeDays, Age: strings.TrimSuffix(l.DatePrecision.Before(l.Date, r.AsOf), " before this date"), Document: l.Evidence.Cited(), Publication: publicationOf(l.Evidence, r.AsOf),
			Sources: b.cite([]state.Evidence{l.Evidence})}
	}
	act.Latest, act.LatestStock, act.LatestPublic = latest(o.Latest.Report), latest(o.Latest.Stock), latest(o.Latest.Public)
	// The documents the state's figures come from.
	docs := map[string]*Document{}
	add := func(v state.Value) {
		if !v.Known {
			return
		}
		for _, e := range v.Evidence {
			name := cmp.Or(e.Document, e.Source, e.Ref)
			// The date of the figure in this document: the value's, unless
			// the document gave it earlier and a later one confirmed it.
			date, precision := v.Date, v.DatePrecision
			if !e.AsOf.IsZero() {
				date, precision = e.AsOf, state.Day
			}
			d, ok := docs[name]
			if !ok {
				d = &Document{Document: name, AsOf: date, AsOfPrecision: precision, Sources: []int{}}
				docs[name] = d
			}
			if !d.Known() {
				d.Publication = publicationOf(e, r.AsOf)
			}
			if date.After(d.AsOf) {
				d.AsOf, d.AsOfPrecision = date, precision
			}
			d.Figures++
			d.Sources = appendNew(d.Sources, b.cite([]state.Evidence{e})...)
		}
	}
	add(s.Inventory.Total)
	for _, l := range s.Inventory.ByLevel {
		add(l.Mass)
	}
	add(s.MaxEnrichment)
	add(s.HeavyWater)
	for _, c := range s.Centrifuges {
		add(c.Installed)
		add(c.Enriching)
	}
	act.Documents = []Document{}
	for _, d := range docs {
		act.Documents = append(act.Documents, *d)
	}
	slices.SortFunc(act.Documents, func(x, y Document) int {
		return cmp.Or(y.AsOf.Compare(x.AsOf), strings.Compare(x.Document, y.Document))
	})
}

// seriesWarningBounds reports whether any warning estimate of the series
// is not exact.
func (r *Report) seriesWarningBounds() bool {
	return slices.ContainsFunc(r.Series, func(p Point) bool { return p.WarningQualifier != state.Exact })
}
