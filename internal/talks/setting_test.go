package talks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/talks"
)

// setting is what NewRoom is given.
type setting struct {
	id, title, mediator string
	parties             []talks.Delegation
	space               talks.Space
	policy              talks.Policy
	budget              int
}

func goodSetting() setting {
	return setting{id: "muscat", title: "Indirect talks", mediator: "oman", parties: delegations("us", "iran"), space: space(), policy: talks.Standard, budget: 5}
}

func (s setting) room() (*talks.Room, error) {
	return talks.NewRoom(s.id, s.title, s.mediator, s.parties, s.space, s.policy, s.budget)
}

// file is the setting as a room file.
func (s setting) file(t *testing.T) []byte {
	t.Helper()
	b, err := yaml.Marshal(talks.Spec{Format: talks.SpecFormat, ID: s.id, Title: s.title, Mediator: s.mediator, Parties: s.parties, Policy: s.policy, Budget: s.budget, Space: s.space})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// snapshot is a stored room with the setting, as a store would hand it
// back: written by a good room, then changed under it.
func (s setting) snapshot(t *testing.T) []byte {
	t.Helper()
	r, err := goodSetting().room()
	if err != nil {
		t.Fatal(err)
	}
	var snap map[string]any
	b, _ := r.MarshalSnapshot()
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	snap["id"], snap["title"], snap["mediator"], snap["parties"], snap["space"], snap["policy"], snap["budget_per_round"] = s.id, s.title, s.mediator, s.parties, s.space, s.policy, s.budget
	b, err = json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A room's setting is checked alike whether the room is opened (the API),
// read from a room file or read back from storage: its id is an id as a
// record's is, one segment of a URL's path; its title and names are some
// words of bounded length; its budget is bounded; a schedule's phases and
// an option term's options are each named once; a term that counts
// machines counts them whole. The error names the field.
func TestRoomSettingRules(t *testing.T) {
	long := strings.Repeat("a", 3000)
	for _, c := range []struct {
		name   string
		change func(*setting)
		field  string // "": accepted
	}{
		{"a good room", func(*setting) {}, ""},
		{"an id of 128 characters", func(s *setting) { s.id = strings.Repeat("r", 128) }, ""},
		{"an id of letters, digits and . _ : -", func(s *setting) { s.id = "muscat-2025_r1.v2:a" }, ""},
		{"a budget of 1,000 a round", func(s *setting) { s.budget = talks.MaxBudget }, ""},
		{"a title of 200 characters", func(s *setting) { s.title = strings.Repeat("é", talks.MaxNameLength) }, ""},

		{"an id climbing out of its path", func(s *setting) { s.id = "../x" }, "id"},
		{"an id with a query", func(s *setting) { s.id = "x?y=1" }, "id"},
		{"an id with a fragment", func(s *setting) { s.id = "x#frag" }, "id"},
		{"an id of two segments", func(s *setting) { s.id = "a/b" }, "id"},
		{"an id of a space", func(s *setting) { s.id = " " }, "id"},
		{"no id", func(s *setting) { s.id = "" }, "id"},
		{"an id of a dot", func(s *setting) { s.id = "." }, "id"},
		{"an id of two dots", func(s *setting) { s.id = ".." }, "id"},
		{"an id of 129 characters", func(s *setting) { s.id = strings.Repeat("r", 129) }, "id"},
		{"an id of 3,000 characters", func(s *setting) { s.id = long }, "id"},
		{"an id with a percent sign", func(s *setting) { s.id = "x%2F" }, "id"},

		{"no title", func(s *setting) { s.title = "" }, "title"},
		{"a title of spaces", func(s *setting) { s.title = "  \t" }, "title"},
		{"a title of 201 characters", func(s *setting) { s.title = strings.Repeat("é", talks.MaxNameLength+1) }, "title"},
		{"no mediator", func(s *setting) { s.mediator = "" }, "mediator"},
		{"a mediator that is no party id", func(s *setting) { s.mediator = "the mediator" }, "mediator"},

		{"a party without an id", func(s *setting) { s.parties[1].Party = "" }, "parties[1].party"},
		{"a party id with a slash", func(s *setting) { s.parties[1].Party = "a/b" }, "parties[1].party"},
		{"the mediator as a party", func(s *setting) { s.parties[1].Party = "oman" }, "parties[1].party"},
		{"a party without a name", func(s *setting) { s.parties[0].Name = "" }, "parties[0].name"},
		{"a party's name of 3,000 characters", func(s *setting) { s.parties[1].Name = long }, "parties[1].name"},
		{"a member without a name", func(s *setting) { s.parties[0].Members[0].Name = " " }, "parties[0].members[0].name"},

		{"no budget", func(s *setting) { s.budget = 0 }, "budget_per_round"},
		{"a budget of 1,001 a round", func(s *setting) { s.budget = talks.MaxBudget + 1 }, "budget_per_round"},
		{"a budget of a trillion", func(s *setting) { s.budget = 1_000_000_000_000 }, "budget_per_round"},

		{"a phase twice", func(s *setting) { s.space.Terms[5].Phases = []string{"x", "x"} }, "terms[5].phases[1]"},
		{"an empty phase", func(s *setting) { s.space.Terms[5].Phases = []string{"x", ""} }, "terms[5].phases[1]"},
		{"an option twice", func(s *setting) {
			s.space.Terms = append(s.space.Terms, talks.Term{ID: "site", Kind: talks.Option, Options: []string{"fordow", "natanz", "fordow"}})
		}, "terms[6].options[2]"},
		{"machines stepped by halves", func(s *setting) { s.space.Terms[2].Step = 0.5 }, "terms[2].step"},
		{"machines from a fraction", func(s *setting) { s.space.Terms[2].Min = 0.5 }, "terms[2].min"},
		{"machines up to a fraction", func(s *setting) { s.space.Terms[2].Max = 9000.5 }, "terms[2].max"},
		{"machines from below zero", func(s *setting) { s.space.Terms[3].Min = -500 }, "terms[3].min"},
	} {
		s := goodSetting()
		s.parties = delegations("us", "iran")
		s.space.Terms = append([]talks.Term(nil), s.space.Terms...)
		c.change(&s)
		check := func(how string, err error) {
			t.Helper()
			if c.field == "" {
				if err != nil {
					t.Errorf("%s, %s: %v", c.name, how, err)
				}
				return
			}
			wantField(t, c.name+", "+how, err, c.field)
			if err != nil && len(err.Error()) > 400 {
				t.Errorf("%s, %s: an error of %d bytes", c.name, how, len(err.Error()))
			}
		}
		_, err := s.room()
		check("opened", err)
		_, _, err = talks.ParseSpec(s.file(t))
		check("from a room file", err)
		_, err = talks.Restore(s.snapshot(t))
		check("read back from storage", err)
	}
}

// The example rooms keep to the rules.
func TestExampleRoomsKeepTheRules(t *testing.T) {
	for _, name := range []string{"muscat-2025", "muscat-2025-no-zone", "muscat-2025-verification"} {
		if _, _, err := talks.ParseSpec(example(t, examples.Rooms, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A proposal's value of a term that counts machines is a whole number,
// whether it is put to the room, read from a room file or fixed for the
// zone explorer; other numeric terms take any value within their bounds,
// on their step or not (the step is the zone explorer's stride: the
// JCPOA's 3.67 % lies between two steps of 0.5).
func TestProposalValuesOfMachinesAreWhole(t *testing.T) {
	base := func() talks.Package {
		return talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), talks.TermStockpileCap: talks.Num(202.8), "centrifuges_IR-1": talks.Num(5060), "centrifuges_IR-6": talks.Num(0)}
	}
	for _, c := range []struct {
		name  string
		term  string
		value float64
		field string
	}{
		{"off the step, in bounds", "centrifuges_IR-1", 5061, ""},
		{"a fraction of a percent", talks.TermEnrichmentCap, 3.675, ""},
		{"half a machine", "centrifuges_IR-1", 3.5, "values.centrifuges_IR-1"},
		{"a machine and a bit", "centrifuges_IR-6", 1.000001, "values.centrifuges_IR-6"},
		{"beyond the bounds", "centrifuges_IR-6", 1001, "values.centrifuges_IR-6"},
	} {
		p := base()
		p[c.term] = talks.Num(c.value)
		r, err := goodSetting().room()
		if err != nil {
			t.Fatal(err)
		}
		for _, party := range []string{"us", "iran"} {
			if _, err := r.SubmitRedLines(party, redLines(party, talks.Limit(talks.TermEnrichmentCap, ">=", 1))); err != nil {
				t.Fatal(err)
			}
		}
		_, err = r.Propose("oman", "oman", p, false)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		wantField(t, c.name+", proposed", err, c.field)
		if len(r.Proposals) != 0 {
			t.Errorf("%s: the refused proposal was kept", c.name)
		}
		_, err = r.Hold("oman", "oman", p, false, "")
		wantField(t, c.name+", held", err, c.field)
		_, err = r.ExploreZone("oman", talks.Package{c.term: talks.Num(c.value)})
		wantField(t, c.name+", fixed for the zone", err, c.field)

		doc := string(goodSetting().file(t)) + "proposals:\n  p:\n    " + c.term + ": " + jsonNumber(c.value) + "\n"
		_, _, err = talks.ParseSpec([]byte(doc))
		wantField(t, c.name+", in a room file", err, "proposals.p."+c.field)
	}
}

func jsonNumber(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
