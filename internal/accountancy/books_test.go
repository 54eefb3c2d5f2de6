package accountancy_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
)

// books files a run's records as a log would hold them, each validated as
// a record of its kind.
func books(t *testing.T, run *accountancy.Run) *accountancy.Books {
	t.Helper()
	drafts, err := run.Records()
	if err != nil {
		t.Fatal(err)
	}
	b := accountancy.NewBooks()
	for i, d := range drafts {
		body, _ := json.Marshal(d.Body)
		doc, _ := json.Marshal(record.Record{Schema: record.Schema, Kind: d.Kind, ID: d.ID, Author: "iran", Created: d.Date.Time().Add(time.Hour), Body: body})
		r, err := record.Parse(doc)
		if err != nil {
			t.Fatalf("%s %s: %v", d.Kind, d.ID, err)
		}
		if err := b.Add(uint64(i+1), r); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// The balances recomputed from the records (inventory changes and
// listings) are the simulation's, and every operator's report agrees.
func TestRecordsRoundTrip(t *testing.T) {
	d := &accountancy.Diversion{Kind: "abrupt", KgU: 60, Month: 3}
	run, err := accountancy.Simulate(accountancy.Simulation{Plant: accountancy.NatanzJCPOA(), Months: 6, Seed: 3, Diversion: d, Table: accountancy.ExampleTable()})
	if err != nil {
		t.Fatal(err)
	}
	want, err := accountancy.Evaluate(run.Periods, accountancy.ExampleTable())
	if err != nil {
		t.Fatal(err)
	}
	b := books(t, run)
	a := b.Areas["FEP-natanz"]
	periods, unbalanced, err := a.Periods()
	if err != nil || unbalanced != 0 {
		t.Fatalf("periods: %v, %d unbalanced", err, unbalanced)
	}
	got, err := accountancy.Evaluate(periods, accountancy.ExampleTable())
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Balances {
		w, g := want.Balances[i], got.Balances[i]
		if math.Abs(w.MUFKgU-g.MUFKgU) > 1e-9 || math.Abs(w.SigmaMUFKgU-g.SigmaMUFKgU) > 1e-9 || !w.From.Equal(g.From) {
			t.Errorf("balance %d: from records %+v, simulated %+v", i, g, w)
		}
	}
	if m := got.Balances[2].MUFKgU; m < 40 || m > 80 {
		t.Errorf("month 3 MUF %.1f kg U, want about the 60 kg U diverted", m)
	}
	for _, c := range a.CheckReports(got) {
		if !c.Agrees {
			t.Errorf("report %s..%s: %s", c.From, c.To, c.Note)
		}
	}
}

// An operator's report of a period the listings do not bound has no
// recomputed MUF to compare with: its difference is not known (nil, not
// 0) and it does not agree.
func TestReportOfAPeriodNotBounded(t *testing.T) {
	run, err := accountancy.Simulate(accountancy.Simulation{Plant: accountancy.NatanzJCPOA(), Months: 2, Seed: 3, Table: accountancy.ExampleTable()})
	if err != nil {
		t.Fatal(err)
	}
	a := books(t, run).Areas["FEP-natanz"]
	a.Reports = append(a.Reports, accountancy.Indexed[record.MaterialBalanceBody]{Index: 99, Body: record.MaterialBalanceBody{MBA: "FEP-natanz", From: "2040-01-01", To: "2040-02-01"}})
	periods, _, err := a.Periods()
	if err != nil {
		t.Fatal(err)
	}
	seq, err := accountancy.Evaluate(periods, accountancy.ExampleTable())
	if err != nil {
		t.Fatal(err)
	}
	checks := a.CheckReports(seq)
	for _, c := range checks[:len(checks)-1] {
		if c.DiffKgU == nil || !c.Agrees {
			t.Errorf("report %s..%s: difference %v, agrees %v", c.From, c.To, c.DiffKgU, c.Agrees)
		}
	}
	if c := checks[len(checks)-1]; c.DiffKgU != nil || c.Agrees || c.Note == "" {
		t.Errorf("report of a period not bounded: difference %v, agrees %v, note %q; want no difference", c.DiffKgU, c.Agrees, c.Note)
	}
}

// An inspectorate measurement of a declared batch gives an
// operator-inspector difference with its combined sigma; a large one is
// significant, and an undeclared batch is named.
func TestOperatorInspectorDifferences(t *testing.T) {
	run, err := accountancy.Simulate(accountancy.Simulation{Plant: accountancy.NatanzJCPOA(), Months: 2, Seed: 3, Table: accountancy.ExampleTable()})
	if err != nil {
		t.Fatal(err)
	}
	b := books(t, run)
	a := b.Areas["FEP-natanz"]
	item := run.Periods[0].End[1] // the product store at the end of month 1
	date := run.Periods[0].To.String()
	add := func(batch string, kg float64) {
		a.Measurements = append(a.Measurements, accountancy.Indexed[record.MeasurementBody]{Index: 99, Body: record.MeasurementBody{
			MBA: "FEP-natanz", KMP: item.KMP, Batch: batch, Date: date, Method: "NDA", MassKgU: kg, RandomRSDPct: 0.5, SystematicRSDPct: 0.2}})
	}
	add(item.ID, item.KgU*1.001)
	add(item.ID, item.KgU*0.9)
	add("nothing-like-it", 10)
	d := a.Differences(accountancy.ExampleTable())
	if len(d) != 3 || d[0].Significant == nil || *d[0].Significant || d[1].Significant == nil || !*d[1].Significant || d[2].Note == "" {
		t.Fatalf("differences %+v", d)
	}
	// An undeclared batch has no declared figure, difference or verdict:
	// none of them is 0 or "not significant".
	if u := d[2]; u.DeclaredKgU != nil || u.DiffKgU != nil || u.SigmaKgU != nil || u.Significant != nil {
		t.Errorf("undeclared batch: declared %v, difference %v ± %v, significant %v; want none", u.DeclaredKgU, u.DiffKgU, u.SigmaKgU, u.Significant)
	}
	want := math.Sqrt(math.Pow(item.KgU, 2)*(0.002*0.002+0.001*0.001) + math.Pow(item.KgU*0.9, 2)*(0.005*0.005+0.002*0.002))
	if math.Abs(*d[1].SigmaKgU-want) > 1e-9 || math.Abs(*d[1].DiffKgU-item.KgU*0.1) > 1e-9 {
		t.Errorf("difference %v ± %v, want %v ± %v", *d[1].DiffKgU, *d[1].SigmaKgU, item.KgU*0.1, want)
	}
}

func TestBooksArea(t *testing.T) {
	one := &accountancy.Area{MBA: "a"}
	books := &accountancy.Books{Areas: map[string]*accountancy.Area{"a": one, "b": {MBA: "b"}}}
	if got, err := books.Area("a"); got != one || err != nil {
		t.Errorf("Area(a) = %v, %v", got, err)
	}
	var ie *input.Error
	if _, err := books.Area(""); !errors.As(err, &ie) || ie.Field != "mba" || !strings.Contains(ie.Rule, "choose one") {
		t.Errorf("two areas, none named: got %v", err)
	}
	if _, err := books.Area("c"); !errors.As(err, &ie) || !strings.Contains(ie.Rule, `no area "c" (the log holds a, b)`) {
		t.Errorf("an unknown area: got %v", err)
	}
	delete(books.Areas, "b")
	if got, err := books.Area(""); got != one || err != nil {
		t.Errorf("the only area: got %v, %v", got, err)
	}
	if _, err := (&accountancy.Books{}).Area(""); !errors.Is(err, accountancy.ErrNoAreas) {
		t.Errorf("no areas: got %v", err)
	}
}
