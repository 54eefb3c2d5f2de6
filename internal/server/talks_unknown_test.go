package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/talks"
)

// Through the API: a proposal that leaves centrifuges_IR-1 open has no
// breakout time, and says why; the US's red line on breakout days is not
// checked and not met, for the US and for the mediator, and the room's page
// says the breakout time is unknown. It used to answer 100,000 days, met.
func TestFeasibilityOnAnOpenCentrifugeTerm(t *testing.T) {
	s, tokens := setup(t)
	const base = "/api/v1/talks/rooms"
	must := mustCall(t, s, tokens)
	roomWithOpenProposal(t, must, rl("us", talks.Limit(talks.MetricBreakoutDays, ">=", 365)), rl("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))

	for _, c := range []struct{ role, met string }{{"us", "own_red_lines_met"}, {"mediator", "all_red_lines_met"}} {
		m := must(c.role, "POST", base+"/muscat/feasibility", map[string]any{"proposal": "p1"}, 200)
		metrics, _ := m["metrics"].(map[string]any)
		unknown, _ := m["unknown_metrics"].(map[string]any)
		if _, ok := metrics[talks.MetricBreakoutDays]; ok {
			t.Errorf("%s: breakout_days is %v, want it unknown", c.role, metrics[talks.MetricBreakoutDays])
		}
		if why, _ := unknown[talks.MetricBreakoutDays].(string); !strings.Contains(why, "leaves centrifuges_IR-1 open") {
			t.Errorf("%s: unknown metrics %v", c.role, unknown)
		}
		if m[c.met] != false {
			t.Errorf("%s: %s is %v, want false", c.role, c.met, m[c.met])
		}
		if u := fmt.Sprint(m["unchecked"]); !strings.Contains(u, "breakout_days is not known") || !strings.Contains(u, "centrifuges_IR-1") {
			t.Errorf("%s: unchecked %s", c.role, u)
		}
	}
	rec := page(s, "POST", "/talks/muscat/feasibility", "proposal=p1", func(r *http.Request) {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.AddCookie(&http.Cookie{Name: "accord_token", Value: tokens["us"]})
	})
	if b := rec.Body.String(); rec.Code != 200 || !strings.Contains(b, "breakout time unknown (the proposal leaves centrifuges_IR-1 open") ||
		!strings.Contains(b, "does not meet your red lines") || strings.Contains(b, "breakout 0 days") {
		t.Errorf("the US's page: HTTP %d %s", rec.Code, b)
	}
}
