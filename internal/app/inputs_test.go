package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/talks"
)

// A named input is a file, standard input for "-", or a built-in example
// when no file has that name; anything else names the built-in ones.
func TestReadNamed(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "feb-2025")
	if err := os.WriteFile(file, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	builtIn, _ := examples.Read(examples.Scenarios, "feb-2025")
	for _, c := range []struct{ path, stdin, want string }{
		{file, "", "mine"},
		{"-", "piped", "piped"},
		{"feb-2025", "", string(builtIn)},
	} {
		got, err := app.ReadNamed(strings.NewReader(c.stdin), c.path, examples.Scenarios)
		if err != nil || string(got) != c.want {
			t.Errorf("ReadNamed(%q) = %.20q, %v; want %.20q", c.path, got, err, c.want)
		}
	}
	_, err := app.ReadNamed(nil, "no-such-scenario", examples.Scenarios)
	if err == nil || !strings.Contains(err.Error(), "built in: "+strings.Join(examples.Names(examples.Scenarios), ", ")) {
		t.Errorf("an unknown name: got %v, want an error naming the built-in scenarios", err)
	}
}

// The agreement, the series and a room load from their names; a file that
// does not parse is named in the error, after what it is.
func TestLoadInputs(t *testing.T) {
	for name, want := range map[string]string{"jcpoa": agreement.JCPOA().ID, "hypothetical-2025": "hypothetical-2025"} {
		if a, err := app.LoadAgreement(name); err != nil || a.ID != want {
			t.Errorf("LoadAgreement(%s): %v; want the agreement %s", name, err, want)
		}
	}
	if d, err := app.LoadDataset(""); err != nil || len(d.Reports) != len(dataset.Embedded().Reports) {
		t.Errorf("LoadDataset(\"\"): %v; want the embedded series", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("not,a,series\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := app.LoadDataset(bad); err == nil || !strings.HasPrefix(err.Error(), "series "+bad+": ") {
		t.Errorf("LoadDataset(bad) = %v, want an error starting %q", err, "series "+bad+": ")
	}
	if facts, err := app.PublicFacts(""); err != nil || len(facts) == 0 {
		t.Errorf("PublicFacts(\"\") = %d facts, %v", len(facts), err)
	}
	spec, room, err := app.LoadRoom("muscat-2025")
	if err != nil || spec.ID == "" || room.Mediator == "" {
		t.Fatalf("LoadRoom(muscat-2025) = %v, %v, %v", spec, room, err)
	}
}

// A proposal evaluated offline gets the feasibility answer of the mediator
// first, then of each party.
func TestEvaluateProposal(t *testing.T) {
	spec, room, err := app.LoadRoom("muscat-2025")
	if err != nil {
		t.Fatal(err)
	}
	room.Model = app.PublicModel(calendar.MustParse("2025-02-08"))
	values, ev, reports, err := app.EvaluateProposal(room, spec.Proposals["jcpoa-limits"])
	if err != nil {
		t.Fatal(err)
	}
	if len(values) == 0 || ev.Metrics[talks.MetricBreakoutDays] <= 0 {
		t.Errorf("values %v, metrics %v: want the proposal's terms and a breakout time", values, ev.Metrics)
	}
	want := append([]string{room.Mediator}, talks.PartyIDs(room.Parties)...)
	var got []string
	for _, r := range reports {
		got = append(got, r.Recipient)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("recipients %v, want %v", got, want)
	}
}

// Without a log, the monitoring events are the embedded public record's,
// named as a reader finds them, not by the program's data; a directory
// that holds no log gives an error.
func TestMonitoringEvents(t *testing.T) {
	source, events, err := app.MonitoringEvents(t.Context(), "")
	if err != nil || len(events) == 0 || !strings.Contains(source, "the public record") || strings.Contains(source, dataset.KnowledgeName) {
		t.Errorf("MonitoringEvents(\"\") = %q, %d events, %v", source, len(events), err)
	}
	if _, _, err := app.MonitoringEvents(t.Context(), t.TempDir()); err == nil {
		t.Error("MonitoringEvents(an empty directory): no error")
	}
}

// A scenario loads by name; a receipt file that is not one is named in
// the error.
func TestLoadScenarioAndReceipt(t *testing.T) {
	if s, err := app.LoadScenario(nil, "feb-2025"); err != nil || s.Name == "" {
		t.Errorf("LoadScenario(feb-2025) = %+v, %v", s, err)
	}
	if _, err := app.LoadScenario(strings.NewReader("not: [a scenario"), "-"); err == nil || !strings.HasPrefix(err.Error(), "scenario -: ") {
		t.Errorf("LoadScenario(bad) = %v, want an error naming the scenario", err)
	}
	bad := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(bad, []byte("not a receipt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := app.ReadReceipt(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("ReadReceipt(bad) = %v, want an error naming the file", err)
	}
}
