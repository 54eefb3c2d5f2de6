package server_test

import (
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/talks"
)

// Through the API: a red line without its number, with a number out of
// its subject's range, or with a word where a number goes is refused with
// 400 naming the field, and nothing is stored or logged: the party's
// sound red lines are accepted afterwards.
func TestRedLineValuesRefusedByTheAPI(t *testing.T) {
	s, tokens := setup(t)
	const base = "/api/v1/talks/rooms"
	if code, m := call(t, s, tokens, "mediator", "POST", base, testRoom()); code != 201 {
		t.Fatalf("open: HTTP %d %v", code, m)
	}
	submit := func(cons ...any) (int, map[string]any) {
		body := map[string]any{"room": "muscat", "party": "us", "constraints": cons, "salt": strings.Repeat("ab", 32)}
		return call(t, s, tokens, "us", "POST", base+"/muscat/red-lines", map[string]any{"red_lines": body, "commitment": "unsigned"})
	}
	for _, c := range []struct {
		name  string
		line  map[string]any
		field string
		rule  string
	}{
		{"a word on a numeric term", map[string]any{"subject": "enrichment_cap_pct", "op": ">=", "text": "yes"}, "constraints[0].value", "is required"},
		{"negative breakout days", map[string]any{"subject": "breakout_days", "op": ">=", "value": -5}, "constraints[0].value", "must be in [0, 100000] days"},
		{"breakout days of 1e308", map[string]any{"subject": "breakout_days", "op": "<=", "value": 1e308}, "constraints[0].value", "must be in [0, 100000] days"},
		{"a cap beyond its range", map[string]any{"subject": "enrichment_cap_pct", "op": "<=", "value": 90}, "constraints[0].value", "must be in [0, 20] %"},
	} {
		code, m := submit(c.line)
		e, _ := m["error"].(map[string]any)
		if msg, _ := e["message"].(string); code != 400 || e["field"] != c.field || !strings.Contains(msg, c.rule) {
			t.Errorf("%s: HTTP %d %v; want 400 %s: ...%s...", c.name, code, m, c.field, c.rule)
		}
	}
	good := rl("us", talks.Limit(talks.MetricBreakoutDays, ">=", 365))
	if code, m := call(t, s, tokens, "us", "POST", base+"/muscat/red-lines", map[string]any{"red_lines": good, "commitment": commitment(t, "us", "muscat", good.Commitment())}); code != 201 {
		t.Errorf("the US's sound red lines after the refusals: HTTP %d %v", code, m)
	}
}
