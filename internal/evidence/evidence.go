// Package evidence turns what Accord holds into what its analyses read:
// the log's records into facts for the state, monitoring events for
// continuity of knowledge and accountancy books; the embedded public
// record into the same. It is the one set of conversions the index, the
// server and the CLI share.
package evidence

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
)

// FactKinds are the record kinds that state facts.
var FactKinds = []record.Kind{record.VerifiedFacts, record.VerifiedInventory, record.CentrifugeInstallation}

// BookKinds are the record kinds the accountancy books file.
var BookKinds = []record.Kind{record.MaterialBalanceArea, record.InventoryChange, record.PhysicalInventory, record.MaterialBalance, record.Measurement}

// Ref is how evidence cites the record at a log index.
func Ref(index uint64) string { return "log index " + strconv.FormatUint(index, 10) }

// Subject is the site, the materials and the date a record is about, for
// the kinds that have them (the index's columns).
func Subject(r *record.Record) (site, material, asOf string) {
	var b struct {
		Items []struct {
			Material string `json:"material"`
		} `json:"items"`
		Site        string `json:"site"`
		AsOf        string `json:"as_of"`
		Date        string `json:"date"`
		On          string `json:"on"`
		RequestedOn string `json:"requested_on"`
		Effective   string `json:"effective"`
		Facts       []struct {
			Date string `json:"date"`
		} `json:"facts"`
	}
	_ = json.Unmarshal(r.Body, &b)
	for _, d := range []string{b.AsOf, b.Date, b.On, b.RequestedOn, b.Effective} {
		if d != "" {
			asOf = d
			break
		}
	}
	if asOf == "" && len(b.Facts) > 0 {
		asOf = b.Facts[0].Date
	}
	var materials []string
	for _, it := range b.Items {
		if !slices.Contains(materials, it.Material) {
			materials = append(materials, it.Material)
		}
	}
	if r.Kind == record.VerifiedInventory {
		materials = append(materials, "enriched uranium")
	}
	return b.Site, strings.Join(materials, ","), asOf
}

// Facts are the facts a record at a log index states, signed by a key of
// role: verified_facts as given, verified_inventory as the stock total and
// levels, centrifuge_installation as counts (verified when the
// inspectorate signed them, a declaration otherwise). Other kinds state
// none. Each fact cites the record.
func Facts(index uint64, role string, rec *record.Record) ([]state.Fact, error) {
	ref := Ref(index)
	ev := func(source string, st state.Status, note string) []state.Evidence {
		return []state.Evidence{{Kind: "record", Ref: ref, Source: source, Record: rec.ID, Status: st, Note: note}}
	}
	var out []state.Fact
	switch rec.Kind {
	case record.VerifiedFacts:
		b, err := record.DecodeBody[record.FactsBody](rec)
		if err != nil {
			return nil, err
		}
		for _, f := range b.Facts {
			d, err := calendar.Parse(f.Date)
			if err != nil {
				return nil, err
			}
			st := state.Status(f.Status)
			fact := state.Fact{Metric: state.Metric(f.Metric), Date: d, DatePrecision: state.DatePrecision(f.DatePrecision), Site: f.Site, Machine: f.Machine, LevelPct: f.LevelPct,
				AssayPct: f.AssayPct, Value: f.Value, Text: f.Text, Qualifier: state.Qualifier(f.Qualifier), Floor: f.AtLeast, Status: st,
				Evidence: ev(b.Source, st, f.Note)}
			e := &fact.Evidence[0]
			published := b.Published
			e.Document = b.Document
			if f.Document != "" || f.Source != "" {
				// The fact's own citation, in place of the body's.
				e.Document, e.Source, published = f.Document, f.Source, ""
			}
			// When it was published: the fact's own date, else the body's
			// for a fact that cites the body's document. Validation has
			// checked it; a record read without validation and carrying a
			// bad one is taken as of unknown publication.
			e.Published, e.PublishedMonth = publication(cmp.Or(f.Published, published))
			if fact.Metric == state.EnrichedUraniumKgU {
				fact.Report = ref
			}
			out = append(out, fact)
		}
	case record.VerifiedInventory:
		b, d, err := dated(rec, func(b *record.InventoryBody) string { return b.AsOf })
		if err != nil {
			return nil, err
		}
		out = append(out, state.Fact{Metric: state.EnrichedUraniumKgU, Date: d, Value: b.TotalKgU, Status: state.Sourced, Evidence: ev(b.Source, state.Sourced, ""), Report: ref})
		for _, l := range b.Levels {
			out = append(out, state.Fact{Metric: state.EnrichedUraniumKgU, Date: d, LevelPct: l.MaxAssayPct, Value: l.MassKgU, Status: state.Sourced, Evidence: ev(b.Source, state.Sourced, ""), Report: ref})
		}
	case record.CentrifugeInstallation:
		b, d, err := dated(rec, func(b *record.CentrifugeBody) string { return b.AsOf })
		if err != nil {
			return nil, err
		}
		st, source := state.Sourced, "verified by "+rec.Author
		if role != record.RoleInspectorate {
			st, source = state.Unverified, "declared by "+rec.Author
		}
		out = append(out,
			state.Fact{Metric: state.CentrifugesInstalled, Date: d, Site: b.Site, Machine: b.Machine, Value: float64(b.Installed), Status: st, Evidence: ev(source, st, "")},
			state.Fact{Metric: state.CentrifugesEnriching, Date: d, Site: b.Site, Machine: b.Machine, Value: float64(b.Enriching), Status: st, Evidence: ev(source, st, "")})
	}
	return out, nil
}

// publication reads a date of publication, YYYY-MM-DD or only the month
// YYYY-MM; neither when s is neither.
func publication(s string) (day calendar.Date, month string) {
	if d, err := calendar.Parse(s); err == nil {
		return d, ""
	}
	if _, err := calendar.ParseMonth(s); err == nil {
		return calendar.Date{}, s
	}
	return calendar.Date{}, ""
}

// dated decodes rec's body as a T and parses the date asOf reads from it.
func dated[T any](rec *record.Record, asOf func(*T) string) (*T, calendar.Date, error) {
	b, err := record.DecodeBody[T](rec)
	if err != nil {
		return nil, calendar.Date{}, err
	}
	d, err := calendar.Parse(asOf(b))
	return b, d, err
}

// Event is the monitoring event a monitoring_event record at a log index
// gives, citing the record; ok is false for other records and for events
// of no stream.
func Event(index uint64, r *record.Record) (e accountancy.Event, ok bool) {
	if r.Kind != record.MonitoringEvent {
		return e, false
	}
	b, err := record.DecodeBody[record.MonitoringBody](r)
	if err != nil || b.Stream == "" {
		return e, false
	}
	t := b.At.UTC()
	// A publication date the record states bounds the views that cite it,
	// as the public record's (validation has checked it; a record read
	// without validation and carrying a bad one is taken as unpublished).
	published, _ := calendar.Parse(b.Published)
	return accountancy.Event{Date: calendar.Of(t.Year(), t.Month(), t.Day()), DatePrecision: state.DatePrecision(b.DatePrecision), Site: b.Site, Stream: b.Stream, Device: b.Device, Kind: b.Event, Detail: b.Detail,
		Evidence: state.Evidence{Kind: "record", Ref: Ref(index), Record: r.ID, Source: cmp.Or(b.Source, "monitoring event by "+r.Author),
			Status: cmp.Or(state.Status(b.Status), state.Sourced), Note: b.Detail, Published: published}}, true
}

// Log gathers what a log's records give, in log order: facts, monitoring
// events and books.
type Log struct {
	facts  []state.Fact
	events []accountancy.Event
	books  *accountancy.Books
	err    error
}

// NewLog returns an empty gathering.
func NewLog() *Log { return &Log{books: accountancy.NewBooks()} }

// Add files the record at index, signed by a key of role. The first record
// that cannot be read is remembered (Err); the others are still filed.
func (l *Log) Add(index uint64, role string, r *record.Record) {
	fs, err := Facts(index, role, r)
	if err != nil && l.err == nil {
		l.err = fmt.Errorf("%s: %w", Ref(index), err)
	}
	l.facts = append(l.facts, fs...)
	if e, ok := Event(index, r); ok {
		l.events = append(l.events, e)
	}
	if slices.Contains(BookKinds, r.Kind) {
		if err := l.books.Add(index, r); err != nil && l.err == nil {
			l.err = fmt.Errorf("%s: %w", Ref(index), err)
		}
	}
}

// Facts are the facts of the records with the continuity of knowledge
// their monitoring events give.
func (l *Log) Facts() []state.Fact { return WithContinuity(l.facts, l.events) }

// WithContinuity are facts with the continuity of knowledge that monitoring
// events give, as the record stood at each date a source of them was
// published: a view at a date (state.At) states and cites only the events
// on the record by then, whether they come from a log or from the public
// record.
func WithContinuity(facts []state.Fact, events []accountancy.Event) []state.Fact {
	return append(slices.Clone(facts), accountancy.KnownFacts(events)...)
}

// Events are the monitoring events of the records.
func (l *Log) Events() []accountancy.Event { return l.events }

// Books are the accountancy records, by material balance area.
func (l *Log) Books() *accountancy.Books { return l.books }

// Err is the first record that could not be read, if any.
func (l *Log) Err() error { return l.err }

// PublicEvents are the embedded public record of continuity of knowledge
// as monitoring events.
func PublicEvents(d *dataset.Dataset) []accountancy.Event {
	var out []accountancy.Event
	for _, e := range d.Knowledge {
		out = append(out, accountancy.Event{Date: e.Date, DatePrecision: e.DatePrecision, Site: e.Site, Stream: e.Stream, Device: e.Device, Kind: e.Event, Detail: e.Detail, Evidence: e.Evidence})
	}
	return out
}

// Public are a series' facts with the continuity of knowledge its public
// record gives (the embedded series has one; a user's series has none).
func Public(d *dataset.Dataset) []state.Fact {
	return WithContinuity(d.Facts(), PublicEvents(d))
}
