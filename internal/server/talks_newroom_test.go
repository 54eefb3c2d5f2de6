package server_test

import (
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/talks"
)

// A room the mediator opens is refused, naming the field and the rule,
// when its id is no id (it would not stay in its segment of the pages'
// links), a party holds no current key of a party's role in the log's key
// registry, or its setting breaks a rule; and nothing is stored or
// logged.
func TestOpeningARoomChecksItWhole(t *testing.T) {
	s, tokens := setup(t)
	b := lastBackend
	party := func(i int, p string) func(map[string]any) {
		return func(m map[string]any) { m["parties"].([]talks.Delegation)[i].Party = p }
	}
	term := func(i int, change func(*talks.Term)) func(map[string]any) {
		return func(m map[string]any) {
			sp := m["space"].(talks.Space)
			change(&sp.Terms[i])
			m["space"] = sp
		}
	}
	for _, c := range []struct {
		name   string
		change func(map[string]any)
		field  string
	}{
		{"an id climbing out of its path", func(m map[string]any) { m["id"] = "../x" }, "id"},
		{"an id with a query", func(m map[string]any) { m["id"] = "x?y=1" }, "id"},
		{"an id with a fragment", func(m map[string]any) { m["id"] = "x#frag" }, "id"},
		{"an id of two segments", func(m map[string]any) { m["id"] = "a/b" }, "id"},
		{"an id of a space", func(m map[string]any) { m["id"] = " " }, "id"},
		{"an id of 3,000 characters", func(m map[string]any) { m["id"] = strings.Repeat("x", 3000) }, "id"},
		{"a party with no key", party(1, "nobody"), "parties[1].party"},
		{"a party whose key is revoked", party(1, "gone"), "parties[1].party"},
		{"an inspectorate as a party", party(0, "iaea"), "parties[0].party"},
		{"an observer as a party", party(0, "press"), "parties[0].party"},
		{"the mediator as a party", party(0, "oman"), "parties[0].party"},
		{"a budget of a trillion", func(m map[string]any) { m["budget_per_round"] = 1_000_000_000_000 }, "budget_per_round"},
		{"no title", func(m map[string]any) { m["title"] = "" }, "title"},
		{"a party without a name", func(m map[string]any) { m["parties"].([]talks.Delegation)[1].Name = "" }, "parties[1].name"},
		{"a phase twice", func(m map[string]any) {
			sp := m["space"].(talks.Space)
			sp.Terms = append(sp.Terms, talks.Term{ID: "relief", Kind: talks.Schedule, Phases: []string{"x", "x"}})
			m["space"] = sp
		}, "terms[3].phases[1]"},
		{"machines stepped by halves", term(2, func(t *talks.Term) { t.Step = 0.5 }), "terms[2].step"},
	} {
		room := testRoom()
		room["id"] = "refused"
		room["parties"] = []talks.Delegation{{Party: "us", Name: "US"}, {Party: "iran", Name: "Iran"}}
		sp := room["space"].(talks.Space)
		sp.Terms = append([]talks.Term(nil), sp.Terms...)
		room["space"] = sp
		c.change(room)
		code, m := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms", room)
		e, _ := m["error"].(map[string]any)
		if code != 400 || e["code"] != "invalid" || e["field"] != c.field || e["message"] == "" {
			t.Errorf("%s: HTTP %d %v, want 400 naming %s", c.name, code, m, c.field)
		}
		if msg, _ := e["message"].(string); len(msg) > 300 {
			t.Errorf("%s: a message of %d bytes", c.name, len(msg))
		}
		b.mu.Lock()
		stored, logged := len(b.rooms), len(b.logged)
		b.mu.Unlock()
		if stored != 0 || logged != 0 {
			t.Errorf("%s: %d rooms stored, %d records logged", c.name, stored, logged)
		}
	}
	// A state and a party, both with current keys, sit in a room.
	room := testRoom()
	room["parties"] = []talks.Delegation{{Party: "e3", Name: "E3"}, {Party: "iran", Name: "Iran"}}
	if code, m := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms", room); code != 201 {
		t.Errorf("a good room: HTTP %d %v", code, m)
	}
}
