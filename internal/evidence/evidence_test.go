package evidence_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
)

func rec(t *testing.T, kind record.Kind, body any) *record.Record {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return &record.Record{Schema: record.Schema, Kind: kind, ID: "r", Author: "iaea", Body: b}
}

// Centrifuge counts are verified when the inspectorate signs them and a
// declaration otherwise; every fact cites its record.
func TestFactsCiteTheRecordAndItsSigner(t *testing.T) {
	r := rec(t, record.CentrifugeInstallation, record.CentrifugeBody{AsOf: "2025-02-08", Site: "Fordow", Machine: "IR-6", Installed: 1044, Enriching: 696})
	for _, c := range []struct {
		role   string
		status state.Status
	}{{record.RoleInspectorate, state.Sourced}, {record.RoleState, state.Unverified}} {
		fs, err := evidence.Facts(12, c.role, r)
		if err != nil || len(fs) != 2 {
			t.Fatalf("%s: %v %v", c.role, fs, err)
		}
		for _, f := range fs {
			if f.Status != c.status || f.Evidence[0].Ref != "log index 12" || f.Evidence[0].Record != "r" || f.Evidence[0].Document != "" {
				t.Errorf("signed by %s: %+v", c.role, f)
			}
		}
	}
	inv := rec(t, record.VerifiedInventory, record.InventoryBody{AsOf: "2025-02-08", TotalKgU: 8294.4,
		Levels: []record.InventoryLevel{{MaxAssayPct: 60, MassKgU: 274.8}}, Source: "GOV/2025/8"})
	fs, err := evidence.Facts(3, record.RoleInspectorate, inv)
	if err != nil || len(fs) != 2 || fs[0].Value != 8294.4 || fs[1].LevelPct != 60 || fs[0].Report != "log index 3" {
		t.Errorf("inventory: %+v %v", fs, err)
	}
	// Facts cite the document they come from, each apart from the
	// record that states them; a fact may cite its own.
	vf := rec(t, record.VerifiedFacts, record.FactsBody{Document: "IAEA GOV/2024/26", Source: "AP", Facts: []record.Fact{
		{Metric: "enriched_uranium_kg_u", Date: "2024-05-11", Value: 6201.3, Status: "sourced"},
		{Metric: "heavy_water_t", Date: "2024-05-11", Value: 1, Status: "sourced", Source: "Reuters"}}})
	fs, err = evidence.Facts(26, record.RoleInspectorate, vf)
	if err != nil || len(fs) != 2 {
		t.Fatalf("verified facts: %+v %v", fs, err)
	}
	if e := fs[0].Evidence[0]; e.Document != "IAEA GOV/2024/26" || e.Source != "AP" || e.Record != "r" || e.Ref != "log index 26" ||
		e.Cited() != "IAEA GOV/2024/26, as reported by AP (record r)" {
		t.Errorf("verified facts cite %+v (%q)", e, e.Cited())
	}
	if e := fs[1].Evidence[0]; e.Document != "" || e.Source != "Reuters" {
		t.Errorf("a fact with its own source cites %+v", e)
	}
	if site, material, asOf := evidence.Subject(inv); site != "" || material != "enriched uranium" || asOf != "2025-02-08" {
		t.Errorf("subject %q %q %q", site, material, asOf)
	}
}

// A log's monitoring events give continuity facts beside its other facts;
// the public record gives the same for the embedded series.
func TestLogGathersFactsEventsAndBooks(t *testing.T) {
	l := evidence.NewLog()
	at := time.Date(2022, 6, 8, 10, 0, 0, 0, time.UTC)
	l.Add(1, record.RoleInspectorate, rec(t, record.MonitoringEvent, record.MonitoringBody{Site: "Natanz", Device: "cam-1", Stream: "enrichment monitoring", Event: "equipment_removed", At: at}))
	l.Add(2, record.RoleInspectorate, rec(t, record.MonitoringEvent, record.MonitoringBody{Site: "Natanz", Device: "cam-2", Event: "heartbeat", At: at})) // no stream: no event
	if n := len(l.Events()); n != 1 || l.Err() != nil {
		t.Fatalf("%d events, err %v", n, l.Err())
	}
	// An event taken from a published source is on the record from the
	// source's publication: before it, the log does not know the loss.
	l.Add(3, record.RoleInspectorate, rec(t, record.MonitoringEvent, record.MonitoringBody{Site: "Natanz", Device: "cam-3", Stream: "heavy water", Event: "equipment_removed", At: at,
		Published: "2022-09-07", Source: "a report", Status: "unverified"}))
	if e := l.Events()[1].Evidence; e.Published != calendar.MustParse("2022-09-07") || e.Source != "a report" || e.Status != state.Unverified || e.Record != "r" {
		t.Errorf("an event from a published source: %+v", e)
	}
	if e := l.Events()[0].Evidence; e.Source != "monitoring event by iaea" || e.Status != state.Sourced {
		t.Errorf("the inspectorate's own event: %+v", e)
	}
	if _, lost := state.At(l.Facts(), calendar.MustParse("2022-07-01")).StreamLoss("heavy water"); lost {
		t.Error("as of 2022-07-01 the log knows a loss whose source was published on 2022-09-07")
	}
	if _, lost := state.At(l.Facts(), calendar.MustParse("2022-09-07")).StreamLoss("heavy water"); !lost {
		t.Error("as of 2022-09-07 the log does not know the loss published that day")
	}
	s := state.At(l.Facts(), calendar.MustParse("2022-07-01"))
	if c, ok := s.StreamLoss("enrichment monitoring"); !ok || c.State != state.Lost || c.Since.String() != "2022-06-08" {
		t.Errorf("continuity from the log: %+v", s.Continuity)
	}
	public := 0
	for _, f := range evidence.Public(dataset.Embedded()) {
		if f.Metric == state.ContinuityOfKnowledge {
			public++
		}
	}
	if public == 0 {
		t.Error("the public record gives no continuity of knowledge")
	}
}

// A view at a date cites only evidence published by then, and states what
// was known then: in mid-2024 the loss of the enrichment monitors (June
// 2022) rests on the report of their removal, not on the statements of
// June 2025; in April 2021 the heavy-water stream is escrowed on the
// statement of February 2021 that Iran would keep the data of the JCPOA
// monitoring measures, not on the IAEA's report of 31 May 2021, which
// came later and joins the evidence then.
func TestPublicRecordCitesOnlyWhatWasPublishedByTheDate(t *testing.T) {
	d := dataset.Embedded()
	facts := evidence.Public(d)
	events := evidence.PublicEvents(d)
	for date := calendar.MustParse("2016-01-01"); date.Before(calendar.MustParse("2026-07-01")); date = date.AddDays(15) {
		check := func(where string, ev []state.Evidence) {
			for _, e := range ev {
				if e.Published.After(date) {
					t.Errorf("as of %s, %s cites %s (%s), published %s", date, where, e.Ref, e.Source, e.Published)
				}
			}
		}
		for _, c := range state.At(facts, date).Continuity {
			check("the state's "+c.Stream, c.Evidence)
		}
		for _, s := range accountancy.KnowledgeAt(events, date) {
			check("knowledge of "+s.Stream, s.Evidence)
			for _, iv := range s.Intervals {
				check("knowledge of "+s.Stream, iv.Evidence)
			}
		}
	}
	st := state.At(facts, calendar.MustParse("2024-06-01"))
	c, lost := st.StreamLoss("enrichment monitoring")
	if !lost || c.State != state.Lost || c.Since != calendar.MustParse("2022-06-08") || len(c.Evidence) != 1 || !strings.Contains(c.Evidence[0].Source, "NEI Magazine") {
		t.Errorf("enrichment monitoring as of 2024-06-01: %+v", c)
	}
	st = state.At(facts, calendar.MustParse("2021-04-01"))
	if c, _ := st.StreamLoss("heavy water"); c.State != state.Escrowed || c.Since != calendar.MustParse("2021-02-23") ||
		len(c.Evidence) != 1 || !strings.Contains(c.Evidence[0].Source, "Feb 2021") {
		t.Errorf("heavy water as of 2021-04-01, on the statement of February 2021 alone: %+v", c)
	}
	if c, _ := state.At(facts, calendar.MustParse("2021-06-01")).StreamLoss("heavy water"); c.State != state.Escrowed || c.Since != calendar.MustParse("2021-02-23") {
		t.Errorf("heavy water as of 2021-06-01, after the report of 31 May 2021: %+v", c)
	}
}

// How much a date is known travels from the record to the fact and to the
// monitoring event; a record written without it reads as of the day.
func TestRecordsCarryTheirDatesPrecision(t *testing.T) {
	r := rec(t, record.VerifiedFacts, record.FactsBody{Source: "x", Facts: []record.Fact{
		{Metric: "enriched_uranium_kg_u", Date: "2021-09-07", DatePrecision: "no_later_than", Value: 2441.3, Status: "sourced"},
		{Metric: "heavy_water_t", Date: "2019-02-01", DatePrecision: "month", Value: 124.8, Status: "derived"},
		{Metric: "heavy_water_t", Date: "2019-05-20", Value: 125.2, Status: "sourced"},
	}})
	facts, err := evidence.Facts(7, record.RoleInspectorate, r)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []state.DatePrecision{state.NoLaterThan, state.MonthOnly, state.Day} {
		if facts[i].DatePrecision != want {
			t.Errorf("fact %d: precision %q, want %q", i, facts[i].DatePrecision, want)
		}
	}
	m := rec(t, record.MonitoringEvent, record.MonitoringBody{Site: "Karaj", Device: "camera", Stream: "centrifuge components", Event: "equipment_damaged",
		At: time.Date(2021, 9, 8, 0, 0, 0, 0, time.UTC), DatePrecision: "no_later_than"})
	e, ok := evidence.Event(8, m)
	if !ok || e.DatePrecision != state.NoLaterThan {
		t.Errorf("event %+v (%v)", e, ok)
	}
}
