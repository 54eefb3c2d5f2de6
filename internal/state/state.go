// Package state derives the reported state of a programme at a date from a
// source of facts: the embedded public dataset now, the records indexed in
// the store later. One derivation serves both sources.
//
// A fact is one reported figure (a stock, a centrifuge count, an enrichment
// level, heavy water, the inspectorate's access) with its date, status and
// evidence. The state at a date takes, for each figure, the latest fact on
// or before that date; stock levels come all from one report so that levels
// of different dates are never added up; figures older than their metric's
// maximum age, or dated after the inspectorate lost access, are unknown.
package state

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
)

// Metric names a kind of figure.
type Metric string

const (
	// EnrichedUraniumKgU is the enriched-uranium stock in kg U; LevelPct
	// selects a level ("up to LevelPct %"), 0 the total.
	EnrichedUraniumKgU Metric = "enriched_uranium_kg_u"
	// MaxEnrichmentPct is the highest enrichment level produced, percent.
	MaxEnrichmentPct Metric = "max_enrichment_pct"
	// CentrifugesInstalled and CentrifugesEnriching count machines by site
	// and machine type.
	CentrifugesInstalled Metric = "centrifuges_installed"
	CentrifugesEnriching Metric = "centrifuges_enriching"
	// CascadesInstalled and CascadesEnriching count the cascades those
	// machines form, by site and machine type.
	CascadesInstalled Metric = "cascades_installed"
	CascadesEnriching Metric = "cascades_enriching"
	// HeavyWaterT is the heavy-water stock in tonnes.
	HeavyWaterT Metric = "heavy_water_t"
	// VerificationAccess is the inspectorate's access: Text "full",
	// "reduced" or "none".
	VerificationAccess Metric = "verification_access"
	// ContinuityOfKnowledge is the inspectorate's continuity of knowledge
	// of one stream at one site from Date on: Text "maintained",
	// "escrowed" (recorded but not accessible) or "lost"; the evidence's
	// note gives the cause.
	ContinuityOfKnowledge Metric = "continuity_of_knowledge"
)

// Continuity states.
const (
	Maintained = "maintained"
	Escrowed   = "escrowed"
	Lost       = "lost"
)

// Metrics are the metrics a reported fact can carry: the one list the
// record format, the agreement format and the pages take theirs from.
var Metrics = []Metric{EnrichedUraniumKgU, MaxEnrichmentPct, CentrifugesInstalled, CentrifugesEnriching,
	CascadesInstalled, CascadesEnriching, HeavyWaterT, VerificationAccess}

// Units of the metrics.
var units = map[Metric]string{
	EnrichedUraniumKgU:   "kg U",
	MaxEnrichmentPct:     "%",
	CentrifugesInstalled: "machines",
	CentrifugesEnriching: "machines",
	CascadesInstalled:    "cascades",
	CascadesEnriching:    "cascades",
	HeavyWaterT:          "t",
}

// Unit returns the unit of m.
func (m Metric) Unit() string { return units[m] }

// names are the metrics as a sentence names them.
var names = map[Metric]string{
	EnrichedUraniumKgU:    "the enriched-uranium stock",
	MaxEnrichmentPct:      "the highest enrichment level",
	CentrifugesInstalled:  "the centrifuges installed",
	CentrifugesEnriching:  "the centrifuges enriching",
	CascadesInstalled:     "the cascades installed",
	CascadesEnriching:     "the cascades enriching",
	HeavyWaterT:           "the heavy-water stock",
	VerificationAccess:    "the inspectorate's access",
	ContinuityOfKnowledge: "continuity of knowledge",
}

// Name is m as a sentence names it ("the heavy-water stock"), not its
// identifier in records and files ("heavy_water_t").
func (m Metric) Name() string {
	if n, ok := names[m]; ok {
		return n
	}
	return string(m)
}

// MaxAge is how many days a reported figure of m stays current: a stock
// about two quarterly reporting periods; ok is false for configuration
// facts (centrifuges, enrichment level, access), which stay current until a
// later fact changes them.
func (m Metric) MaxAge() (days int, ok bool) {
	switch m {
	case EnrichedUraniumKgU, HeavyWaterT:
		return 190, true
	}
	return 0, false
}

// BoundsOneWayFor is how many days a reported count of m (machines or
// cascades, by site and type) may be relied on to bound an estimate one
// way; ok is false for the metrics it does not apply to (a stock goes
// unknown after MaxAge instead). A count stays current until a later fact
// changes it (MaxAge), but machines may be added or removed without a
// report saying so: the IAEA reports on Iran's programme quarterly, to
// each regular meeting of its Board of Governors, so a count older than
// about two reporting periods (190 days, the stock's reporting interval)
// has missed a report that could have changed it, and it bounds an
// estimate that rests on it no one way.
func (m Metric) BoundsOneWayFor() (days int, ok bool) {
	switch m {
	case CentrifugesInstalled, CentrifugesEnriching, CascadesInstalled, CascadesEnriching:
		return 190, true
	}
	return 0, false
}

// TooOldToBound reports whether v, a figure of m, was reported too long
// before date to bound an estimate that rests on it one way (see
// BoundsOneWayFor).
func (m Metric) TooOldToBound(v Value, date calendar.Date) bool {
	days, ok := m.BoundsOneWayFor()
	return ok && v.Date.DaysUntil(date) > days
}

// Status says how far a figure can be trusted.
type Status string

const (
	Sourced    Status = "sourced"
	Derived    Status = "derived"
	Unverified Status = "unverified"
)

// Statuses are the statuses a figure may have, the most trusted first.
var Statuses = []Status{Sourced, Derived, Unverified}

// Qualifier says how a value bounds the truth.
type Qualifier string

const (
	Exact   Qualifier = ""
	Above   Qualifier = "above"    // "> v" in the sources: more than v
	AtLeast Qualifier = "at_least" // v or more
	AtMost  Qualifier = "at_most"  // "up to v"
	Approx  Qualifier = "approx"   // "~ v" in the sources
)

// Words are how the qualifier reads before a value: "more than ", "at
// least ", "up to ", "about ", or "".
func (q Qualifier) Words() string {
	return map[Qualifier]string{Above: "more than ", AtLeast: "at least ", AtMost: "up to ", Approx: "about "}[q]
}

// Symbol is the qualifier's sign in plain text (a terminal, a data
// file): ">", ">=", "<=", "~", or "".
func (q Qualifier) Symbol() string {
	return map[Qualifier]string{Above: ">", AtLeast: ">=", AtMost: "<=", Approx: "~"}[q]
}

// Lower reports whether the figure bounds the truth from below (more
// than, at least); Upper, from above (at most).
func (q Qualifier) Lower() bool { return q == Above || q == AtLeast }

// Upper reports whether the figure bounds the truth from above.
func (q Qualifier) Upper() bool { return q == AtMost }

// Sign is the qualifier's sign before a figure in a document's table:
// "≤ " (up to), "> " (more than), "≥ " (at least), "~ " (about), or "".
func (q Qualifier) Sign() string {
	return map[Qualifier]string{AtMost: "≤ ", Above: "> ", AtLeast: "≥ ", Approx: "~ "}[q]
}

// Evidence is where a figure comes from.
type Evidence struct {
	// Kind is "dataset" (a row of the public series) or "record" (a log
	// entry).
	Kind string `json:"kind"`
	// Ref locates it for tools: "iaea-iran row 25" (a row of the series
	// as `accord data export` writes it), or a log index.
	Ref string `json:"ref"`
	// Entry is where a reader finds it, in words a reader can look up:
	// the entry of the dashboard's Sources or Agreement page that lists
	// it ("public series, report of 2025-02-26", "continuity of
	// knowledge, event 12"). Empty where Ref is already such words (a
	// log index); [Evidence.Where] gives either.
	Entry string `json:"entry,omitempty"`
	// Document is the published document the evidence comes from ("IAEA
	// GOV/2024/26"), whichever way it reached Accord; Source is where it
	// was seen.
	Document string `json:"document,omitempty"`
	Source   string `json:"source"`
	// Record is the id of the log record that states it, for evidence
	// from a log.
	Record string `json:"record,omitempty"`
	Status Status `json:"status"`
	Note   string `json:"note,omitempty"`
	// Published is the date the evidence was first published, when it is
	// known: a view at an earlier date cites a monitoring event of the
	// public record only from that date on, and says of a figure it takes
	// that it was published after the view's date. PublishedMonth is the
	// month ("2025-09") where the source gives only that.
	Published      calendar.Date `json:"published,omitzero"`
	PublishedMonth string        `json:"published_month,omitempty"`
	// AsOf is the date of the figure this evidence gives, where it is
	// earlier than the date of the value it supports: a level of
	// enrichment first reported in 2021 and confirmed by a report of
	// 2025 is a value of 2025 that the 2021 report gives as of 2021.
	AsOf calendar.Date `json:"as_of,omitzero"`
}

// PublishedAfter says whether the evidence was published after date:
// after when it certainly was; perhaps when only its month is known and
// date falls within that month. Both are false when it was published by
// date, and when its publication is not known.
func (e Evidence) PublishedAfter(date calendar.Date) (after, perhaps bool) {
	if !e.Published.IsZero() {
		return e.Published.After(date), false
	}
	first, err := calendar.ParseMonth(e.PublishedMonth)
	if err != nil {
		return false, false
	}
	if first.After(date) {
		return true, false
	}
	return false, date.Before(first.NextMonth())
}

// Publication says when the evidence was published: "published
// 2025-02-26", "published in September 2025", or "" when that is not
// known.
func (e Evidence) Publication() string {
	if !e.Published.IsZero() {
		return "published " + e.Published.String()
	}
	if m, err := calendar.ParseMonth(e.PublishedMonth); err == nil {
		return "published in " + m.Month()
	}
	return ""
}

// Hindsight says, for a view at date, that the evidence was published
// after that date: "published 2025-02-26, after this date", or, where only
// the month is known and date falls in it, "published in November 2025,
// perhaps after this date"; "" when it was published by then or when its
// publication is not known.
func (e Evidence) Hindsight(date calendar.Date) string {
	switch after, perhaps := e.PublishedAfter(date); {
	case after:
		return e.Publication() + ", after this date"
	case perhaps:
		return e.Publication() + ", perhaps after this date"
	}
	return ""
}

// PublishedLater returns the evidence of evs that was (or perhaps was)
// published after date, once for each document as a short citation names
// it (Label) and each publication, in the order of evs.
func PublishedLater(evs []Evidence, date calendar.Date) []Evidence {
	var out []Evidence
	for _, e := range evs {
		if e.Hindsight(date) == "" || slices.ContainsFunc(out, func(o Evidence) bool { return o.Label() == e.Label() && o.Publication() == e.Publication() }) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Cited is how a reader sees the evidence: the primary document and where
// its figures were seen ("IAEA GOV/2025/50, as reported by AP and
// Reuters"), then, for a log record, the record's id.
func (e Evidence) Cited() string { return Citation(e.Kind, e.Document, e.Source, e.Record) }

// Citation words a source of the given kind (see Evidence.Cited).
func Citation(kind, document, source, record string) string {
	var s string
	switch {
	case document == "":
		s = source
	case source == "":
		s = document
	case kind == "dataset" || kind == "record":
		s = document + ", as reported by " + source
	default:
		s = document + ": " + source
	}
	if record != "" {
		s += " (record " + record + ")"
	}
	return s
}

// Fact is one reported figure.
type Fact struct {
	Metric Metric        `json:"metric"`
	Date   calendar.Date `json:"date"`
	// DatePrecision says how much Date is known: the day (""), only the
	// month, or no later than Date.
	DatePrecision DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Site          string        `json:"site,omitempty"`
	Machine       string        `json:"machine,omitempty"`
	LevelPct      float64       `json:"level_pct,omitempty"`
	// AssayPct is the nominal assay of a stock level for calculations
	// (19.75 for "up to 20 %"); 0 means LevelPct.
	AssayPct float64 `json:"assay_pct,omitempty"`
	Value    float64 `json:"value"`
	// Text carries non-numeric values (VerificationAccess,
	// ContinuityOfKnowledge).
	Text string `json:"text,omitempty"`
	// Stream is the stream or equipment class of a ContinuityOfKnowledge
	// fact.
	Stream    string    `json:"stream,omitempty"`
	Qualifier Qualifier `json:"qualifier,omitempty"`
	// Floor, for a figure given as "up to" Value (AtMost), is the least
	// it can be where its source bounds it from below too ("up to 8
	// cascades of 174 and the two of 166": at least 332 and up to 1,724
	// machines); 0 where the source gives no such bound.
	Floor    float64    `json:"at_least,omitempty"`
	Status   Status     `json:"status"`
	Evidence []Evidence `json:"evidence"`
	// Report groups the facts of one report, so that stock levels are
	// taken together.
	Report string `json:"report,omitempty"`
	// Known, when set, is the date from which the fact is on the record
	// (its sources' publication): a view at an earlier date ignores it.
	// Continuity facts come in revisions, one per such date, and a view
	// takes the latest revision known by its date.
	Known calendar.Date `json:"known,omitzero"`
}

// Latest is the last day the fact may be of (see DatePrecision.Latest):
// a view at an earlier date does not take it.
func (f *Fact) Latest() calendar.Date { return f.DatePrecision.Latest(f.Date) }

// When is the fact's date as far as it is known ("2024-03 (month only)").
func (f *Fact) When() string { return f.DatePrecision.Date(f.Date) }

// Where is where a reader finds the evidence: its Entry, else its Ref.
func (e Evidence) Where() string { return cmp.Or(e.Entry, e.Ref) }

// Label is how a citation of the evidence reads where it is short (a
// link, a bracket after a line): the document it comes from ("IAEA
// GOV/2025/8"), else the first place it was seen ("JCPOA para 34"),
// else the log record's id or the row. The full citation says the rest.
func (e Evidence) Label() string {
	// The first of the places it was seen, without what follows its name
	// ("JCPOA para 34 (Implementation Day is ...)": "JCPOA para 34").
	first, _, _ := strings.Cut(e.Source, "; ")
	first, _, _ = strings.Cut(first, " (")
	return cmp.Or(shortDocument(e.Document), strings.TrimSpace(first), e.Record, e.Ref)
}

// shortDocument is a document's name as a short citation reads it,
// without what its name says of it in parentheses ("IAEA GOV/2025/8
// (symbol not checked against the document)").
func shortDocument(doc string) string {
	if i := strings.Index(doc, " ("); i > 0 && strings.HasSuffix(doc, ")") {
		return doc[:i]
	}
	return doc
}

// Value is a figure in the state: known with its date and evidence, or
// unknown with the reason.
//
// An unknown value keeps the last figure known before, when there is one,
// in Value, Qualifier, Date and Status (Date is zero when there is none),
// so that a finding can say what it last confirmed. In JSON that figure is
// never the value: an unknown value's "value" and "date" are null, and the
// last figure is "last" (see MarshalJSON).
type Value struct {
	Known     bool      `json:"known"`
	Value     float64   `json:"value"`
	Qualifier Qualifier `json:"qualifier,omitempty"`
	// Floor, of a value "up to" Value, is the least it can be, where its
	// source says (see Fact.Floor); 0 otherwise.
	Floor float64       `json:"at_least,omitempty"`
	Date  calendar.Date `json:"date"`
	// DatePrecision says how much Date is known (of a sum, that of its
	// oldest part).
	DatePrecision DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Status        Status        `json:"status,omitempty"`
	Evidence      []Evidence    `json:"evidence,omitempty"`
	Unknown       string        `json:"unknown,omitempty"`
	// Through, for a sum of figures of different dates (a count of
	// machines at several sites), is the date of its newest part; Date is
	// then that of its oldest, for a sum is only as current as its oldest
	// part. Zero when the parts are of one date. (Not in JSON: the
	// evidence gives each part's date.)
	Through calendar.Date `json:"-"`
}

// AsOf says the date of the value in words: "as of 2021-03-15", "as of
// 2021-09-07 at the latest", "as of 2019-02 (month only)", or, for a sum
// of parts of different dates, "from counts of 2019-11-03 to 2022-10-10".
func (v Value) AsOf() string {
	if !v.Through.IsZero() && v.Through.After(v.Date) {
		return fmt.Sprintf("from counts of %s to %s", v.DatePrecision.Date(v.Date), v.Through)
	}
	return "as of " + v.DatePrecision.Date(v.Date)
}

// Figure says the value's figure in words, with its qualifier, unit and
// date: "up to 1724 machines as of 2024-12-05", "at least 1720 machines
// from counts of 2019-11-03 to 2022-10-10". For an unknown value it is
// the last figure known before.
func (v Value) Figure(unit string) string {
	return fmt.Sprintf("%s %s %s", v.Amount(), unit, v.AsOf())
}

// Amount is the value's figure with its qualifier, without unit or date:
// "up to 1724", "at least 332 and up to 1724" for a value bounded both
// ways, "5060".
func (v Value) Amount() string {
	if v.Qualifier == AtMost && v.Floor > 0 {
		return fmt.Sprintf("at least %g and up to %g", v.Floor, v.Value)
	}
	return fmt.Sprintf("%s%g", v.Qualifier.Words(), v.Value)
}

// LastReported says, of a figure no longer known at date, what was last
// reported: "last reported up to 1724 machines as of 2024-12-05
// (sourced)", with, where its evidence was published after date, when
// ("sourced; published in September 2025, after this date").
func (v Value) LastReported(unit string, date calendar.Date) string {
	status := string(v.Status)
	for _, e := range v.Evidence {
		if h := e.Hindsight(date); h != "" {
			status += "; " + h
			break
		}
	}
	return fmt.Sprintf("last reported %s (%s)", v.Figure(unit), status)
}

// ConfirmedOn says when the value was last confirmed, as a finding on old
// figures says it: "on 2021-03-15", "in 2019-02 (month only)", or, for a
// sum of parts of different dates, "by counts of 2019-11-03 to
// 2022-10-10".
func (v Value) ConfirmedOn() string {
	if !v.Through.IsZero() && v.Through.After(v.Date) {
		return fmt.Sprintf("by counts of %s to %s", v.DatePrecision.Date(v.Date), v.Through)
	}
	return v.DatePrecision.On(v.Date)
}

// AsOfShort is AsOf as a table's cell says it: "as of 2021-03-15", "by
// 2021-09-07", "as of 2019-02 (month)" (see DatePrecision.Short).
func (v Value) AsOfShort() string {
	if !v.Through.IsZero() && v.Through.After(v.Date) {
		return fmt.Sprintf("from counts of %s to %s", v.DatePrecision.Short(v.Date), v.Through)
	}
	return v.DatePrecision.AsOf(v.Date)
}

// When is the value's date as a sentence gives it: "2021-09-07",
// "2021-09-07 at the latest", "2019-02 (month only)".
func (v Value) When() string { return v.DatePrecision.Date(v.Date) }

// Level is the stock at one enrichment level.
type Level struct {
	MaxAssayPct float64 `json:"max_assay_pct"`
	// AssayPct is the assay used in calculations (the nominal level, or the
	// highest level produced when that is lower).
	AssayPct float64 `json:"assay_pct"`
	Mass     Value   `json:"mass_kg_u"`
	// NotReported is set for a level the report of the stock does not
	// give although part of its total is left to the levels it leaves
	// out: its mass is unknown (Mass says so in words), and no more than
	// that part.
	NotReported bool `json:"not_reported,omitempty"`
}

// Inventory is the enriched-uranium stock from one report.
type Inventory struct {
	Report  string  `json:"report,omitempty"`
	Total   Value   `json:"total_kg_u"`
	ByLevel []Level `json:"by_level"`
}

// Centrifuges is the machines of one type at one site.
type Centrifuges struct {
	Site      string `json:"site"`
	Machine   string `json:"machine"`
	Installed Value  `json:"installed"`
	Enriching Value  `json:"enriching"`
	// CascadesEnriching is the cascades the enriching machines form;
	// unknown when no report gives it.
	CascadesEnriching Value `json:"cascades_enriching"`
}

// InstalledAtLeast is the machines installed: the installed count where
// one was reported; where none was, at least the machines enriching, when
// their count bounds the installed ones from below (exact, at least or
// more than), with fromEnriching set. Otherwise it is the installed value
// as it stands (never reported: not Known, no Evidence).
func (c Centrifuges) InstalledAtLeast() (v Value, fromEnriching bool) {
	v = c.Installed
	if v.Known || v.Evidence != nil {
		return v, false
	}
	e := c.Enriching
	if !e.Known || e.Value <= 0 || !(e.Qualifier == Exact || e.Qualifier.Lower()) {
		return v, false
	}
	if e.Qualifier == Exact {
		e.Qualifier = AtLeast
	}
	return e, true
}

// AccessSince says the inspectorate's access and since when ("reduced
// since 2021-02-23"); with no date, that no report of it is on the
// record by the view's date, rather than a "since" with nothing after it.
func AccessSince(access string, since calendar.Date) string {
	if since.IsZero() {
		return AccessWords(access) + ": no report of the inspectorate's access on or before this date"
	}
	return AccessWords(access) + " since " + since.String()
}

// AccessScope is what an access level covers, in words, where the level
// alone would say more than is known, and "" otherwise. Access "none" is
// none to what the figures are of, the enrichment plants and the enriched
// uranium, not to every facility: after the strikes of June 2025 the IAEA
// had no access to the seven facilities they affected but inspected some
// of the thirteen they did not (its report of 12 November 2025).
func AccessScope(access string) string {
	if access == AccessNone {
		return "to the enrichment plants and the enriched uranium"
	}
	return ""
}

// AccessWords says an access level with its scope ("none to the
// enrichment plants and the enriched uranium", "reduced").
func AccessWords(access string) string {
	if scope := AccessScope(access); scope != "" {
		return access + " " + scope
	}
	return access
}

// Knowledge is the inspectorate's access at the date.
type Knowledge struct {
	Access string        `json:"access"` // full, reduced, none or unknown
	Since  calendar.Date `json:"since"`
	// Lost is set when access is "none": from this date the figures the
	// inspectorate verifies are unknown.
	Lost     calendar.Date `json:"lost,omitempty"`
	Evidence []Evidence    `json:"evidence,omitempty"`
	// Changes are the access's changes up to the date, oldest first: from
	// each change's date on, its access, until the next.
	Changes []AccessChange `json:"changes,omitempty"`
}

// AccessChange is a change of the inspectorate's access: Access from Date
// on, with the reports that give it.
type AccessChange struct {
	Date     calendar.Date `json:"date"`
	Access   string        `json:"access"`
	Evidence []Evidence    `json:"evidence,omitempty"`
}

// The inspectorate's access levels (the text of a VerificationAccess
// fact), least first in AccessLevels: what an activity needing one level
// may do at a higher one.
const (
	AccessNone    = "none"
	AccessReduced = "reduced"
	AccessFull    = "full"
)

// AccessLevels are the access levels, least first: the one list the
// facts' formats and the agreement's verification regime check against.
var AccessLevels = []string{AccessNone, AccessReduced, AccessFull}

// AccessBelow reports whether access is known and below level (both of
// AccessLevels).
func AccessBelow(access, level string) bool {
	have, need := slices.Index(AccessLevels, access), slices.Index(AccessLevels, level)
	return have >= 0 && need >= 0 && have < need
}

// FellBelow is the change from which the access has stayed below level
// until the date (the first of the run of changes below it), and false
// if the access is not below level. Without the changes it is the
// current access's own start.
func (k Knowledge) FellBelow(level string) (AccessChange, bool) {
	if !AccessBelow(k.Access, level) {
		return AccessChange{}, false
	}
	fell := AccessChange{Date: k.Since, Access: k.Access, Evidence: k.Evidence}
	for i := len(k.Changes) - 1; i >= 0 && AccessBelow(k.Changes[i].Access, level); i-- {
		fell = k.Changes[i]
	}
	return fell, true
}

// accessChanges are the changes of access the facts known at date give,
// oldest first; a later report of the same access does not change it but
// adds to its evidence.
func accessChanges(facts []Fact, date calendar.Date) []AccessChange {
	var access []*Fact
	for i := range facts {
		if f := &facts[i]; f.Metric == VerificationAccess && !f.Latest().After(date) && !f.Known.After(date) {
			access = append(access, f)
		}
	}
	slices.SortStableFunc(access, func(x, y *Fact) int { return x.Date.Compare(y.Date) })
	var out []AccessChange
	for _, f := range access {
		if n := len(out); n > 0 && out[n-1].Access == f.Text {
			out[n-1].Evidence = append(out[n-1].Evidence, f.Evidence...)
			continue
		}
		out = append(out, AccessChange{Date: f.Date, Access: f.Text, Evidence: slices.Clone(f.Evidence)})
	}
	return out
}

// State is the reported state at a date.
type State struct {
	AsOf          calendar.Date `json:"as_of"`
	Inventory     Inventory     `json:"inventory"`
	MaxEnrichment Value         `json:"max_enrichment_pct"`
	Centrifuges   []Centrifuges `json:"centrifuges"`
	HeavyWater    Value         `json:"heavy_water_t"`
	Knowledge     Knowledge     `json:"knowledge"`
	// Continuity is the continuity of knowledge of each stream at each
	// site, as of the date.
	Continuity []Continuity `json:"continuity_of_knowledge"`
}

// Continuity is the inspectorate's knowledge of one stream at one site,
// with its evidence.
type Continuity struct {
	StreamStatus
	// Earlier are the states other than maintained that came before this
	// one without knowledge being maintained in between, oldest first
	// (heavy water escrowed from 2021-02-23, before it was lost from
	// 2024-03): knowledge stopped being maintained at the first.
	Earlier  []StreamStatus `json:"earlier,omitempty"`
	Evidence []Evidence     `json:"evidence"`
}

// After is c as a figure of date d sees it: without the earlier states
// that began on or before d, which the figure, verified after they began,
// outlived.
func (c Continuity) After(d calendar.Date) Continuity {
	c.Earlier = slices.DeleteFunc(slices.Clone(c.Earlier), func(e StreamStatus) bool { return !e.Since.After(d) })
	return c
}

// Start is when knowledge of the stream stopped being maintained: the
// first earlier state's date, else Since, with its precision.
func (c Continuity) Start() (calendar.Date, DatePrecision) {
	if len(c.Earlier) > 0 {
		return c.Earlier[0].Since, c.Earlier[0].SincePrecision
	}
	return c.Since, c.SincePrecision
}

// Words says the stream's states since it stopped being maintained:
// "escrowed since 2021-02-23, lost since 2024-03 (month only)", or "lost
// since 2024-03 (month only)".
func (c Continuity) Words() string {
	var parts []string
	for _, e := range append(slices.Clone(c.Earlier), c.StreamStatus) {
		parts = append(parts, fmt.Sprintf("%s since %s", e.State, e.SincePrecision.Date(e.Since)))
	}
	return strings.Join(parts, ", ")
}

// StreamStatus is the state of knowledge of one stream at one site
// (maintained, escrowed or lost), since when and why.
type StreamStatus struct {
	Site   string        `json:"site"`
	Stream string        `json:"stream"`
	State  string        `json:"state"`
	Since  calendar.Date `json:"since"`
	// SincePrecision says how much Since is known.
	SincePrecision DatePrecision `json:"since_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	// Cause says why knowledge is escrowed or lost.
	Cause string `json:"cause,omitempty"`
}

// StreamLoss returns the escrowed or lost continuity of stream (at any
// site) at the state's date, the one not maintained the longest first; ok is false when
// knowledge of the stream is maintained or never recorded.
func (s *State) StreamLoss(stream string) (Continuity, bool) {
	var worst Continuity
	found := false
	for _, c := range s.Continuity {
		if c.Stream != stream || c.State == Maintained {
			continue
		}
		start, _ := c.Start()
		if first, _ := worst.Start(); !found || start.Before(first) {
			worst, found = c, true
		}
	}
	return worst, found
}

// CentrifugeCount sums the machines of a metric (installed or enriching)
// at a site (any site if ""), of the given types (any type if none). It is
// unknown if any matching entry is unknown, or if none matches.
//
// Its Date is that of the oldest part it counts, and Through that of the
// newest when they differ: the sum of 164 machines of 2019 and 522 of
// 2022 holds only as long as the count of 2019 still does, so it is as
// current as that count, and a rule on the age of figures (a commitment's
// reporting interval) applies to it. A part given only as "up to", which
// an "at least" leaves out, does not date it.
func (s *State) CentrifugeCount(m Metric, site string, machines []string) Value {
	return s.centrifugeCount(m, site, machines, calendar.Date{})
}

// CentrifugeCountSince is CentrifugeCount of the parts dated on or after
// since only: at least that many when it leaves parts out (a count older
// than since is not taken for zero, only left out of an "at least").
func (s *State) CentrifugeCountSince(m Metric, site string, machines []string, since calendar.Date) Value {
	return s.centrifugeCount(m, site, machines, since)
}

func (s *State) centrifugeCount(m Metric, site string, machines []string, since calendar.Date) Value {
	sum := Value{Known: true}
	left := false // parts older than since left out
	matched := false
	// unknown is the first part not known at the date: the sum is then
	// unknown too, but keeps the sum of the last figures, for a finding
	// to say what it last confirmed (unless a part was never reported).
	var unknown *Value
	// floor is what the parts bound from below (all but the "up to"
	// ones, and the floors of those that have one); when both kinds are
	// summed, the floor is what is certain.
	floor, upTo := 0.0, false
	var floorDates, upToDates []calendar.Date
	precisions := map[string]DatePrecision{} // of the parts' dates not known to the day
	for _, c := range s.Centrifuges {
		if site != "" && c.Site != site {
			continue
		}
		if len(machines) > 0 && !slices.Contains(machines, c.Machine) {
			continue
		}
		v := c.Enriching
		if m == CentrifugesInstalled {
			v = c.Installed
		}
		if !v.Known && v.Evidence == nil {
			continue // never reported for this metric (only for the other)
		}
		if !since.IsZero() && v.Date.Before(since) {
			left = true
			continue
		}
		matched = true
		if !v.Known {
			if v.Date.IsZero() || unknown != nil && unknown.Date.IsZero() {
				// Never reported: the sum has no last figure either.
				unknown = &Value{Unknown: v.Unknown, Evidence: v.Evidence}
				continue
			}
			if unknown == nil {
				u := v
				u.Unknown = fmt.Sprintf("%s at %s: %s", c.Machine, c.Site, v.Unknown)
				unknown = &u
			}
		}
		sum.Value += v.Value
		sum.Evidence = append(sum.Evidence, v.Evidence...)
		if v.DatePrecision != Day {
			precisions[v.Date.String()] = v.DatePrecision
		}
		if v.Qualifier == AtMost {
			upTo = true
			upToDates = append(upToDates, v.Date)
			// Where the source bounds it from below too, that much of
			// it is certain.
			if v.Floor > 0 {
				floor += v.Floor
				floorDates = append(floorDates, v.Date)
			}
		} else {
			floor += v.Value
			floorDates = append(floorDates, v.Date)
		}
		if v.Qualifier != Exact {
			sum.Qualifier = v.Qualifier
		}
		sum.Status = weaker(sum.Status, v.Status)
	}
	if !matched {
		where := "any site"
		if site != "" {
			where = site
		}
		if left {
			return Value{Unknown: fmt.Sprintf("no report of %s at %s on or after %s", m.Name(), where, since)}
		}
		return Value{Unknown: fmt.Sprintf("no report of %s at %s", m.Name(), where)}
	}
	dates := slices.Concat(floorDates, upToDates)
	if upTo && floor > 0 && floor < sum.Value {
		// "at least" the certain parts: a count of which some parts are
		// only upper bounds is at least the sum of the others, and is of
		// their dates, not of the parts it leaves out.
		sum.Value, sum.Qualifier = floor, AtLeast
		dates = floorDates
	}
	if left && sum.Qualifier == Exact {
		sum.Qualifier = AtLeast // the parts left out are not taken for none
	}
	if left && (sum.Qualifier == AtMost || sum.Qualifier == Approx) {
		// "Up to" or about so many among the recent parts, with others
		// left out, bounds the count neither way.
		return Value{Unknown: fmt.Sprintf("only %s%g %s of %s on or after %s, beside older counts", sum.Qualifier.Words(), sum.Value, m.Unit(), m.Name(), since), Evidence: sum.Evidence}
	}
	if len(dates) > 0 {
		sum.Date, sum.Through = slices.MinFunc(dates, calendar.Date.Compare), slices.MaxFunc(dates, calendar.Date.Compare)
		if sum.Through.Equal(sum.Date) {
			sum.Through = calendar.Date{}
		}
		sum.DatePrecision = precisions[sum.Date.String()]
	}
	if unknown != nil {
		if unknown.Date.IsZero() {
			return *unknown
		}
		sum.Known, sum.Unknown = false, unknown.Unknown
	}
	return sum
}

// weaker returns the less trusted of two statuses ("" is the identity).
func weaker(a, b Status) Status {
	rank := map[Status]int{"": 0, Sourced: 1, Derived: 2, Unverified: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// At derives the state at date from facts.
func At(facts []Fact, date calendar.Date) *State {
	s := &State{AsOf: date}
	latest := func(keep func(*Fact) bool) *Fact {
		var best *Fact
		for i := range facts {
			f := &facts[i]
			if f.Latest().After(date) || f.Known.After(date) || !keep(f) {
				continue
			}
			// Of two figures of the same first day, the one that may be
			// of a later day (its month's, against a day of it) is the
			// more current; otherwise the later one listed.
			if best == nil || f.Date.After(best.Date) || (f.Date.Equal(best.Date) && !f.Latest().Before(best.Latest())) {
				best = f
			}
		}
		return best
	}

	// Knowledge first: it decides what else is known. The access is the
	// latest change's: later reports that it still holds do not move its
	// date, and add to its evidence.
	s.Knowledge = Knowledge{Access: "unknown"}
	if changes := accessChanges(facts, date); len(changes) > 0 {
		last := changes[len(changes)-1]
		s.Knowledge = Knowledge{Access: last.Access, Since: last.Date, Evidence: last.Evidence, Changes: changes}
		if last.Access == AccessNone {
			s.Knowledge.Lost = last.Date
		}
	}
	value := func(f *Fact, m Metric) Value {
		if f == nil {
			return Value{Unknown: fmt.Sprintf("no report of %s on or before %s", m.Name(), date)}
		}
		v := Value{Known: true, Value: f.Value, Qualifier: f.Qualifier, Floor: f.Floor, Date: f.Date, DatePrecision: f.DatePrecision, Status: f.Status, Evidence: f.Evidence}
		// A figure known only to the month is as old as the month's first
		// day, for all a reader knows: it stops being current from the
		// day a figure of that day would.
		if max, ok := m.MaxAge(); ok && f.Date.DaysUntil(date) > max {
			v.Known = false
			v.Unknown = fmt.Sprintf("%s, %s: figures older than %d days are not current", v.LastReported(m.Unit(), date), f.DatePrecision.Before(f.Date, date), max)
		}
		// After access is lost, figures verified up to that day are no
		// longer current, except those that cannot undo themselves: the
		// highest enrichment reached, the machines installed.
		if lost := s.Knowledge.Lost; !lost.IsZero() && date.After(lost) && !f.Date.After(lost) && m != MaxEnrichmentPct && m != CentrifugesInstalled && m != CascadesInstalled {
			v.Known = false
			v.Unknown = fmt.Sprintf("the inspectorate lost access on %s; %s", lost, v.LastReported(m.Unit(), date))
		}
		return v
	}

	// Stock: the latest report with a total, and the levels it gives.
	tf := latest(func(f *Fact) bool { return f.Metric == EnrichedUraniumKgU && f.LevelPct == 0 })
	if tf != nil {
		s.Inventory.Report = tf.Report
		s.Inventory.Total = value(tf, EnrichedUraniumKgU)
		for i := range facts {
			f := &facts[i]
			if f.Metric == EnrichedUraniumKgU && f.LevelPct > 0 && f.Report == tf.Report {
				s.Inventory.ByLevel = append(s.Inventory.ByLevel, Level{MaxAssayPct: f.LevelPct, AssayPct: assayOf(f), Mass: value(f, EnrichedUraniumKgU)})
			}
		}
	} else {
		s.Inventory.Total = Value{Unknown: "no report of the stock on or before " + date.String()}
	}

	s.MaxEnrichment = value(latest(func(f *Fact) bool { return f.Metric == MaxEnrichmentPct }), MaxEnrichmentPct)
	// A total with no breakdown when nothing was enriched above 5 %: all
	// of it is at the highest level produced. With something enriched
	// above, the levels of the latest earlier breakdown that the report
	// leaves out are unknown.
	if t := s.Inventory.Total; len(s.Inventory.ByLevel) == 0 && len(t.Evidence) > 0 && s.MaxEnrichment.Known && s.MaxEnrichment.Value <= 5 {
		v := t
		v.Status = Derived
		v.Evidence = append(slices.Clone(t.Evidence), s.MaxEnrichment.Evidence...)
		for i := range v.Evidence {
			v.Evidence[i].Status = Derived
			v.Evidence[i].Note = fmt.Sprintf("derived: no breakdown reported; the whole stock is at up to %g %%, the highest level produced as of %s", s.MaxEnrichment.Value, s.MaxEnrichment.When())
		}
		s.Inventory.ByLevel = []Level{{MaxAssayPct: 5, AssayPct: s.MaxEnrichment.Value, Mass: v}}
	} else if tf != nil {
		s.Inventory.ByLevel = append(s.Inventory.ByLevel, unreported(facts, tf, s.Inventory.ByLevel, s.Inventory.Total, date)...)
		slices.SortFunc(s.Inventory.ByLevel, func(a, b Level) int { return cmp.Compare(a.MaxAssayPct, b.MaxAssayPct) })
	}
	// A stock above 20 % reported later confirms the enrichment level
	// that made it, as of its report: enrichment to "up to 60 %" is
	// confirmed by each report of a stock up to 60 %.
	if m := s.MaxEnrichment; m.Known {
		for i, l := range s.Inventory.ByLevel {
			// A level reported before access was lost still shows what
			// had been made by its date.
			if (l.Mass.Known || l.Mass.Evidence != nil) && l.Mass.Value > 0 && l.MaxAssayPct == m.Value && lowerLevel(s.Inventory.ByLevel, i) >= 20 && l.Mass.Date.After(m.Date) {
				c := m
				c.Date, c.DatePrecision, c.Status = l.Mass.Date, l.Mass.DatePrecision, weaker(m.Status, Derived)
				c.Evidence = append(slices.Clone(m.Evidence), l.Mass.Evidence...)
				for j := range len(m.Evidence) {
					if c.Evidence[j].AsOf.IsZero() {
						c.Evidence[j].AsOf = m.Date
					}
				}
				for j := len(m.Evidence); j < len(c.Evidence); j++ {
					c.Evidence[j].Note = fmt.Sprintf("confirms enrichment up to %g %%: %g kg U up to %g %% as of %s", m.Value, l.Mass.Value, l.MaxAssayPct, l.Mass.When())
				}
				s.MaxEnrichment = c
			}
		}
	}
	if s.MaxEnrichment.Known {
		for i, l := range s.Inventory.ByLevel {
			s.Inventory.ByLevel[i].AssayPct = min(l.AssayPct, max(s.MaxEnrichment.Value, lowerLevel(s.Inventory.ByLevel, i)))
		}
	}
	s.HeavyWater = value(latest(func(f *Fact) bool { return f.Metric == HeavyWaterT }), HeavyWaterT)

	type stream struct{ site, stream string }
	var streams []stream
	for _, f := range facts {
		if f.Metric == ContinuityOfKnowledge && !f.Latest().After(date) && !f.Known.After(date) {
			if k := (stream{f.Site, f.Stream}); !slices.Contains(streams, k) {
				streams = append(streams, k)
			}
		}
	}
	for _, k := range streams {
		// The latest revision of the stream's record known at the date.
		var revision calendar.Date
		for _, f := range facts {
			if f.Metric == ContinuityOfKnowledge && f.Site == k.site && f.Stream == k.stream && !f.Known.After(date) && f.Known.After(revision) {
				revision = f.Known
			}
		}
		f := latest(func(f *Fact) bool {
			return f.Metric == ContinuityOfKnowledge && f.Site == k.site && f.Stream == k.stream && f.Known.Equal(revision)
		})
		c := Continuity{StreamStatus: StreamStatus{Site: k.site, Stream: k.stream, State: f.Text, Since: f.Date, SincePrecision: f.DatePrecision}, Evidence: f.Evidence}
		if f.Text != Maintained && len(f.Evidence) > 0 {
			c.Cause = f.Evidence[0].Note
		}
		// Back through the stream's earlier states while none was
		// maintained: knowledge stopped being maintained at the first.
		for prev := f; f.Text != Maintained; {
			prev = latest(func(g *Fact) bool {
				return g.Metric == ContinuityOfKnowledge && g.Site == k.site && g.Stream == k.stream && g.Known.Equal(revision) && g.Date.Before(prev.Date)
			})
			if prev == nil || prev.Text == Maintained {
				break
			}
			c.Earlier = slices.Insert(c.Earlier, 0, StreamStatus{Site: k.site, Stream: k.stream, State: prev.Text, Since: prev.Date, SincePrecision: prev.DatePrecision})
		}
		s.Continuity = append(s.Continuity, c)
	}

	type key struct{ site, machine string }
	var keys []key
	for _, f := range facts {
		if (f.Metric == CentrifugesInstalled || f.Metric == CentrifugesEnriching || f.Metric == CascadesEnriching) && !f.Latest().After(date) {
			if k := (key{f.Site, f.Machine}); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.site, b.site), cmp.Compare(a.machine, b.machine)) })
	for _, k := range keys {
		pick := func(m Metric) Value {
			return value(latest(func(f *Fact) bool { return f.Metric == m && f.Site == k.site && f.Machine == k.machine }), m)
		}
		c := Centrifuges{Site: k.site, Machine: k.machine,
			Installed: pick(CentrifugesInstalled), Enriching: pick(CentrifugesEnriching), CascadesEnriching: pick(CascadesEnriching)}
		// A count of cascades describes the machines of its own date.
		if c.CascadesEnriching.Known && c.Enriching.Known && c.CascadesEnriching.Date.Before(c.Enriching.Date) {
			c.CascadesEnriching = Value{Unknown: fmt.Sprintf("cascades last reported as of %s, before the machines' count of %s", c.CascadesEnriching.Date, c.Enriching.Date)}
		}
		s.Centrifuges = append(s.Centrifuges, c)
	}
	return s
}

// lowerLevel returns the bound of the level below i (0 for the first), so
// that a level's calculation assay never falls below the level beneath it.
func lowerLevel(levels []Level, i int) float64 {
	if i == 0 {
		return 0
	}
	return levels[i-1].MaxAssayPct
}

func assayOf(f *Fact) float64 {
	if f.AssayPct != 0 {
		return f.AssayPct
	}
	return f.LevelPct
}

// unreported returns the levels a report with total tf does not give
// although part of its total is left to them: those of the latest earlier
// report that gives a level this one lacks, each unknown. No source gives
// their mass at tf's date; sharing the rest of the total among them as the
// earlier report did would make figures up. A report whose levels add up
// to its total leaves nothing unreported.
func unreported(facts []Fact, tf *Fact, given []Level, total Value, date calendar.Date) []Level {
	rest := tf.Value
	has := map[float64]bool{}
	var gives []string
	for _, l := range given {
		has[l.MaxAssayPct] = true
		if l.Mass.Known || len(l.Mass.Evidence) > 0 {
			v := factValue(facts, tf.Report, l.MaxAssayPct)
			rest -= v
			gives = append(gives, fmt.Sprintf("up to %g %%, %g kg U", l.MaxAssayPct, v))
		}
	}
	if rest <= 1e-6*tf.Value {
		return nil
	}
	// The latest earlier report with a level this one lacks.
	var from *Fact
	for i := range facts {
		f := &facts[i]
		if f.Metric != EnrichedUraniumKgU || f.LevelPct == 0 || f.Report == tf.Report || has[f.LevelPct] || f.Date.After(tf.Date) || f.Known.After(date) {
			continue
		}
		if from == nil || f.Date.After(from.Date) {
			from = f
		}
	}
	if from == nil {
		return nil
	}
	what := fmt.Sprintf("not reported by level as of %s: the report gives only the total, %s%g kg U", tf.When(), tf.Qualifier.Words(), tf.Value)
	if len(gives) > 0 {
		what = fmt.Sprintf("not reported by level as of %s: the report gives the total, %s%g kg U, and %s, not the levels of the other %s%g kg U", tf.When(), tf.Qualifier.Words(), tf.Value, strings.Join(gives, " and "), tf.Qualifier.Words(), round6(rest))
	}
	if !total.Known {
		// The total's words already say what it was and why it is
		// not current.
		what = total.Unknown + "; that report gives only the total, not its levels"
		if len(gives) > 0 {
			what = fmt.Sprintf("%s; that report gives %s, not the levels of the other %s%g kg U", total.Unknown, strings.Join(gives, " and "), tf.Qualifier.Words(), round6(rest))
		}
	}
	var out []Level
	for i := range facts {
		f := &facts[i]
		if f.Metric != EnrichedUraniumKgU || f.LevelPct == 0 || f.Report != from.Report || has[f.LevelPct] {
			continue
		}
		// Unknown at this date, with the last figure reported, as a
		// figure no longer current is.
		last := Value{Value: f.Value, Qualifier: f.Qualifier, Date: f.Date, DatePrecision: f.DatePrecision, Status: f.Status, Evidence: f.Evidence}
		last.Unknown = what + "; " + last.LastReported("kg U", date)
		out = append(out, Level{MaxAssayPct: f.LevelPct, AssayPct: assayOf(f), NotReported: true, Mass: last})
	}
	return out
}

// factValue is the value of the level of a report.
func factValue(facts []Fact, report string, level float64) float64 {
	for i := range facts {
		if f := &facts[i]; f.Metric == EnrichedUraniumKgU && f.Report == report && f.LevelPct == level {
			return f.Value
		}
	}
	return 0
}

// round6 removes float noise from sums of one-decimal figures.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// Age says an age in days for people: "1 day", "98 days", "3.9 years".
func Age(days int) string {
	if days == 1 || days == -1 {
		return fmt.Sprintf("%d day", days)
	}
	if days < 730 {
		return fmt.Sprintf("%d days", days)
	}
	return fmt.Sprintf("%.1f years", float64(days)/365.25)
}
