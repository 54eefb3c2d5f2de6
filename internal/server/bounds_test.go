package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/cputime"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/talks"
)

// zeros is an endless body of '0' bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// unsized hides a body's length, as a chunked upload does.
type unsized struct{ io.Reader }

// send makes a request as role ("" anonymous) with a raw body and returns
// the status and the error's code and field.
func send(s *server.Server, tokens map[string]string, role, method, url string, body io.Reader, mod func(*http.Request)) (int, string, string) {
	req := httptest.NewRequest(method, url, body)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+tokens[role])
	}
	if mod != nil {
		mod(req)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var e struct {
		Error struct{ Code, Field, Message string }
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	return rec.Code, e.Error.Code, e.Error.Field
}

// Every route that takes a body refuses one too large with 413 naming
// the body, before the caller's token is looked at and whether or not
// the length is declared: a 100 MB token request is 413, not 401, and a
// 3 MB scenario is refused, not cut at a limit and answered.
func TestBodiesTooLargeAre413(t *testing.T) {
	s, tokens := setup(t)
	for _, r := range s.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if method != "POST" {
			continue
		}
		url := strings.NewReplacer("{room}", "muscat", "{proposal}", "p1", "{version}", "1").Replace(path)
		for _, role := range []string{"", "mediator"} {
			declared := strings.NewReader(strings.Repeat("0", 3<<20))
			if code, ec, field := send(s, tokens, role, method, url, declared, nil); code != 413 || ec != "too_large" || field != "body" {
				t.Errorf("%s as %q, 3 MB declared: HTTP %d %s %s, want 413 too_large body", r, role, code, ec, field)
			}
		}
	}
	// Bodies of unknown length are cut at the route's limit when read.
	for _, c := range []struct {
		role, url string
	}{
		{"", "/api/v1/auth/token"},
		{"", "/api/v1/auth/challenge"},
		{"", "/api/v1/breakout"},
		{"mediator", "/api/v1/talks/rooms"},
		{"us", "/api/v1/records"},
	} {
		body := unsized{io.LimitReader(zeros{}, 100<<20)}
		if code, ec, field := send(s, tokens, c.role, "POST", c.url, body, nil); code != 413 || ec != "too_large" || field != "body" {
			t.Errorf("POST %s, 100 MB undeclared: HTTP %d %s %s, want 413 too_large body", c.url, code, ec, field)
		}
	}
}

// Trailing data after a JSON body is refused, naming the body, and
// changes nothing.
func TestTrailingDataRefused(t *testing.T) {
	s, tokens := setup(t)
	room, _ := json.Marshal(testRoom())
	for _, tail := range []string{" {}", "garbage", "}", `{"id":"other"}`, "\x00"} {
		code, ec, field := send(s, tokens, "mediator", "POST", "/api/v1/talks/rooms", strings.NewReader(string(room)+tail), nil)
		if code != 400 || ec != "invalid" || field != "body" {
			t.Errorf("a room with %q after it: HTTP %d %s %s, want 400 naming body", tail, code, ec, field)
		}
	}
	if len(lastBackend.rooms) != 0 {
		t.Errorf("a refused room was stored: %v", lastBackend.rooms)
	}
	if code, _, _ := send(s, tokens, "mediator", "POST", "/api/v1/talks/rooms", strings.NewReader(string(room)+" \n\t"), nil); code != 201 {
		t.Errorf("a room followed by white space: HTTP %d", code)
	}
}

// Query parameters out of range are refused naming the parameter: a log
// index is below 2^63 (the most the index databases hold), larger ones
// are refused, not wrapped; dates lie within 1945-2100.
func TestQueryParametersWithinRange(t *testing.T) {
	s, tokens := setup(t)
	for _, c := range []struct{ url, field string }{
		{"/api/v1/records?after=9223372036854775808", "after"},
		{"/api/v1/records?after=18446744073709551615", "after"},
		{"/api/v1/records?after=18446744073709551616", "after"},
		{"/api/v1/records?after=-1", "after"},
		{"/api/v1/records/9223372036854775808", "index"},
		{"/api/v1/status?as_of=0001-01-01", "as_of"},
		{"/api/v1/breakout?as_of=9999-12-31", "as_of"},
		{"/api/v1/clock?at=2101-01-01", "at"},
		{"/api/v1/records?from=1944-12-31", "from"},
	} {
		if code, ec, field := send(s, tokens, "inspectorate", "GET", c.url, nil, nil); code != 400 || ec != "invalid" || field != c.field {
			t.Errorf("%s: HTTP %d %s %s, want 400 naming %s", c.url, code, ec, field, c.field)
		}
	}
	if code, _, _ := send(s, tokens, "inspectorate", "GET", "/api/v1/records?after=9223372036854775807", nil, nil); code != 200 {
		t.Errorf("after=2^63-1: HTTP %d", code)
	}
}

// A date that has not come is refused, on the API and on the pages: the
// evidence reaches only to today, and a view of a later date would show
// today's figures as the future's.
func TestDatesAfterTodayAreRefused(t *testing.T) {
	s, tokens := setup(t)
	for _, url := range []string{"/api/v1/status?as_of=2099-01-01", "/api/v1/breakout?as_of=2099-01-01", "/api/v1/warning?as_of=2099-01-01", "/api/v1/charts/breakout?as_of=2099-01-01"} {
		if code, ec, field := send(s, tokens, "inspectorate", "GET", url, nil, nil); code != 400 || ec != "invalid" || field != "as_of" {
			t.Errorf("%s: HTTP %d %s %s, want 400 naming as_of", url, code, ec, field)
		}
	}
	for _, path := range []string{"/?as_of=2099-01-01", "/trends?as_of=2099-01-01", "/report?as_of=2099-01-01", "/knowledge?as_of=2099-01-01"} {
		rec := page(s, "GET", path, "", nil)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "as_of: 2099-01-01 is after today") {
			t.Errorf("%s: HTTP %d, want 400 saying the date is after today:\n%.300s", path, rec.Code, rec.Body.String())
		}
	}
	if code, _, _ := send(s, tokens, "inspectorate", "GET", "/api/v1/status?as_of="+calendar.Today().String(), nil, nil); code != 200 {
		t.Errorf("as_of today: HTTP %d", code)
	}
}

// An event kind that no procedure has is refused naming the field once.
func TestClockNamesAnUnknownEventKind(t *testing.T) {
	s, _ := setup(t)
	rec := page(s, "GET", "/api/v1/clock?event=coup:2025-01-01", "", nil)
	var body struct {
		Error struct{ Code, Field, Message string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("HTTP %d: %v: %s", rec.Code, err, rec.Body)
	}
	if e := body.Error; rec.Code != 400 || e.Code != "invalid" || e.Field != "event" || !strings.HasPrefix(e.Message, `kind "coup": the agreement jcpoa has no procedure`) {
		t.Errorf("HTTP %d %+v, want 400 naming event, the rule once", rec.Code, e)
	}
}

// scenarioJSON is a scenario of lots lots and groups fleet groups.
func scenarioJSON(lots, groups int) string {
	s := breakout.Scenario{Target: breakout.Target{AssayPct: 90, QuantitySQ: 1, SQ: enrich.WGU25}}
	for i := range lots {
		s.Inventory = append(s.Inventory, breakout.Lot{MassKgU: 10, AssayPct: 1 + float64(i)*0.5})
	}
	for range groups {
		s.Fleet = append(s.Fleet, breakout.Group{Machine: "IR-6", Count: 174})
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// POST /api/v1/breakout bounds its samples, its fleet groups and its
// lots, naming the field.
func TestBreakoutBounds(t *testing.T) {
	s, tokens := setup(t)
	for _, c := range []struct {
		url, body string
		status    int
		field     string
	}{
		{"/api/v1/breakout?samples=20001", scenarioJSON(1, 1), 400, "samples"},
		{"/api/v1/breakout?samples=100000", scenarioJSON(1, 1), 400, "samples"},
		{"/api/v1/breakout?samples=0", scenarioJSON(1, 1), 400, "samples"},
		{"/api/v1/breakout?samples=20000", scenarioJSON(1, 1), 200, ""},
		{"/api/v1/breakout?samples=100", scenarioJSON(1, breakout.MaxFleetGroups+1), 400, "fleet"},
		{"/api/v1/breakout?samples=100", scenarioJSON(breakout.MaxLots+1, 1), 400, "inventory"},
		{"/api/v1/breakout?samples=100", scenarioJSON(breakout.MaxLots, breakout.MaxFleetGroups), 200, ""},
		{"/api/v1/breakout", scenarioJSON(1, 1) + " {}", 400, "body"},
		{"/api/v1/status?as_of=2025-02-08&samples=20001", "", 400, "samples"},
		{"/api/v1/breakout?as_of=2025-02-08&samples=20001", "", 400, "samples"},
	} {
		method := "POST"
		if c.body == "" {
			method = "GET"
		}
		code, _, field := send(s, tokens, "", method, c.url, strings.NewReader(c.body), nil)
		if code != c.status || field != c.field {
			t.Errorf("%s %s (%d bytes): HTTP %d naming %q, want %d naming %q", method, c.url, len(c.body), code, field, c.status, c.field)
		}
	}
}

// The estimate stops when the request's context is done (its client went,
// or its time ran out), answering that it stopped.
func TestBreakoutStopsWithTheRequest(t *testing.T) {
	s, tokens := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, ec, _ := send(s, tokens, "", "POST", "/api/v1/breakout?samples=20000", strings.NewReader(worstScenarioJSON()), func(r *http.Request) {
		*r = *r.WithContext(ctx)
	})
	if code != 503 || ec != "timeout" {
		t.Errorf("a cancelled estimate: HTTP %d %s, want 503 timeout", code, ec)
	}
}

// The zone explorer's bounds reach the API as 400s naming the field, and a
// room whose term cannot be stepped through is not opened.
func TestZoneBoundsThroughTheAPI(t *testing.T) {
	s, tokens := setup(t)
	room := testRoom()
	room["space"] = talks.Space{Version: 1, Terms: []talks.Term{{ID: talks.TermEnrichmentCap, Kind: talks.Numeric, Unit: "%", Min: 0, Max: 20, Step: 1e-308}}}
	if code, m := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms", room); code != 400 || !strings.HasSuffix(fmt.Sprint(m["error"].(map[string]any)["field"]), "terms[0].step") {
		t.Errorf("a step of 1e-308: HTTP %d %v", code, m)
	}
	room = testRoom()
	room["space"] = talks.Space{Version: 1, Terms: []talks.Term{
		{ID: talks.TermEnrichmentCap, Kind: talks.Numeric, Unit: "%", Min: 0, Max: 20, Step: 0.01},
		{ID: talks.TermStockpileCap, Kind: talks.Numeric, Unit: "kg U", Min: 0, Max: 1000, Step: 10},
	}}
	if code, m := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms", room); code != 201 {
		t.Fatalf("room: HTTP %d %v", code, m)
	}
	for party, role := range map[string]string{"us": "us", "iran": "state"} {
		red := rl(party, talks.Limit(talks.MetricBreakoutDays, ">=", 1))
		if code, m := call(t, s, tokens, role, "POST", "/api/v1/talks/rooms/muscat/red-lines", map[string]any{"red_lines": red, "commitment": commitment(t, party, "muscat", red.Commitment())}); code != 201 {
			t.Fatalf("red lines of %s: HTTP %d %v", party, code, m)
		}
	}
	// 2,001 x 101 = 202,101 packages searched jointly.
	code, m := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms/muscat/zone", map[string]any{"fixed": map[string]any{}})
	if e, _ := m["error"].(map[string]any); code != 400 || e["field"] != "fixed" {
		t.Errorf("a search of 202,101 packages: HTTP %d %v", code, m)
	}
}

// worstScenarioJSON is the most expensive scenario the bounds accept:
// MaxLots lots, each at its own assay with a mass range, and
// MaxFleetGroups groups of machine types of their own, each with a
// capacity range and an efficiency range, so that every input is drawn in
// every sample; the cascades convention with a range of cascades. It is
// indented, as a person would write it, and within the body limit.
func worstScenarioJSON() string {
	s := breakout.Scenario{Convention: breakout.Cascades, Target: breakout.Target{AssayPct: 90, QuantitySQ: 5, SQ: enrich.WGU25}}
	for i := range breakout.MaxLots {
		m := 10 + float64(i)
		s.Inventory = append(s.Inventory, breakout.Lot{Label: fmt.Sprintf("lot %d", i), MassKgU: m, AssayPct: 1 + 0.85*float64(i), MassRangeKgU: []float64{m - 5, m + 5}})
	}
	for i := range breakout.MaxFleetGroups {
		swu := 1 + float64(i)/10
		s.Fleet = append(s.Fleet, breakout.Group{Machine: fmt.Sprintf("M-%d", i), Site: "site", Count: 1000, SWUPerYear: &swu,
			SWURange: []float64{swu * 0.8, swu * 1.2}, EfficiencyRange: []float64{0.6, 0.9}})
	}
	m := 20
	s.Cascades = breakout.CascadePlan{Max: &m, MaxRange: []float64{10, 40}}
	b, _ := json.MarshalIndent(s, "", "  ")
	return string(b)
}

// The worst scenario is accepted with the most samples.
func TestWorstBreakoutRequestIsAccepted(t *testing.T) {
	s, tokens := setup(t)
	body := worstScenarioJSON()
	if code, ec, field := send(s, tokens, "", "POST", "/api/v1/breakout?samples=20000", strings.NewReader(body), nil); code != 200 {
		t.Errorf("the worst accepted request (%d bytes): HTTP %d %s %s", len(body), code, ec, field)
	}
}

// BenchmarkWorstBreakoutRequest is the cost of the worst request POST
// /api/v1/breakout accepts, through the server: the body read and parsed,
// the estimate, its band of 20,000 samples, the answer written. cpu-ns/op
// is the processor time of the whole process per request (the target:
// under one second).
func BenchmarkWorstBreakoutRequest(b *testing.B) {
	s, tokens := setupRate(b, 1e9)
	body := worstScenarioJSON()
	start := cputime.Used()
	for b.Loop() {
		if code, ec, _ := send(s, tokens, "", "POST", "/api/v1/breakout?samples=20000", strings.NewReader(body), nil); code != 200 {
			b.Fatalf("HTTP %d %s", code, ec)
		}
	}
	b.ReportMetric(float64(cputime.Used()-start)/float64(b.N), "cpu-ns/op")
}
