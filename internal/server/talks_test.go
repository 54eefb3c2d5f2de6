package server_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/talks"
)

// call makes an API request as role (tokens by role; "" is anonymous) and
// decodes the answer.
func call(t *testing.T, s *server.Server, tokens map[string]string, role, method, url string, body any) (int, map[string]any) {
	t.Helper()
	var rd *strings.Reader
	if body == nil {
		rd = strings.NewReader("")
	} else {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, url, rd)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+tokens[role])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m
}

// commitment signs a talks_commitment record of hash as party (the test
// backend's log does not check signatures; the ledger's tests do).
func commitment(t *testing.T, party, room, hash string) string {
	t.Helper()
	skey, _, _ := note.GenerateKey(rand.Reader, party)
	signer, _ := note.NewSigner(skey)
	body, _ := json.Marshal(record.TalksCommitmentBody{Room: room, SHA256: hash})
	signed, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.TalksCommitment, ID: fmt.Sprintf("c-%s-%s", party, hash[:8]), Author: party,
		Created: time.Date(2025, 4, 12, 0, 0, 0, 0, time.UTC), Body: body}, signer)
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}

func testRoom() map[string]any {
	return map[string]any{"id": "muscat", "title": "Indirect talks (test)", "policy": "standard", "budget_per_round": 2,
		"parties": []talks.Delegation{{Party: "us", Name: "US"}, {Party: "iran", Name: "Iran"}},
		"space": talks.Space{Version: 1, Terms: []talks.Term{
			{ID: talks.TermEnrichmentCap, Kind: talks.Numeric, Unit: "%", Min: 0, Max: 20, Step: 1},
			{ID: talks.TermStockpileCap, Kind: talks.Numeric, Unit: "kg U", Min: 0, Max: 1000, Step: 100},
			{ID: "centrifuges_IR-1", Kind: talks.Numeric, Unit: "machines", Min: 0, Max: 6000, Step: 1000},
		}}}
}

func rl(party string, c talks.Constraint) talks.RedLines {
	return talks.RedLines{Room: "muscat", Party: party, Constraints: []talks.Constraint{c}, Salt: strings.Repeat("ab", 32)}
}

// Through every talks endpoint, for every role: only the mediator opens,
// proposes, relays and explores; a party submits and reads only its own
// red lines, learns only its own feasibility, within its budget; nobody
// outside the room reads anything; red lines and confirmations reach the
// log as the parties' commitments, and nothing is stored when a commitment
// does not match.
func TestTalksAuthorization(t *testing.T) {
	s, tokens := setup(t)
	// The roles of setup: mediator = oman, state = iran, "us" = party us;
	// party (e3), inspectorate (iaea) and observer (press) are not in the room.
	outsiders := []string{"party", "inspectorate", "observer"}
	covered := map[string]bool{}
	expect := func(route, role, method, url string, body any, want int) map[string]any {
		t.Helper()
		covered[method+" "+route] = true
		code, m := call(t, s, tokens, role, method, url, body)
		if code != want {
			t.Errorf("%s %s as %q: HTTP %d %v, want %d", method, url, role, code, m, want)
		}
		return m
	}
	const base = "/api/v1/talks/rooms"
	const R = "/api/v1/talks/rooms/{room}"

	for _, role := range append(outsiders, "state", "us") {
		expect(base, role, "POST", base, testRoom(), 403)
	}
	expect(base, "", "POST", base, testRoom(), 401)
	expect(base, "mediator", "POST", base, testRoom(), 201)
	expect(base, "mediator", "POST", base, testRoom(), 409)
	if m := expect(base, "us", "GET", base, nil, 200); len(m["rooms"].([]any)) != 1 {
		t.Errorf("the US lists %v", m)
	}
	if m := expect(base, "party", "GET", base, nil, 200); len(m["rooms"].([]any)) != 0 {
		t.Errorf("an outsider lists %v", m)
	}

	// Red lines, with their commitments.
	usRL := rl("us", talks.Limit(talks.MetricBreakoutDays, ">=", 400))
	iranRL := rl("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67))
	usC, iranC := usRL.Commitment(), iranRL.Commitment()
	url := base + "/muscat/red-lines"
	expect(R+"/red-lines", "us", "POST", url, map[string]any{"red_lines": usRL, "commitment": commitment(t, "us", "muscat", iranC)}, 400)
	expect(R+"/red-lines", "us", "POST", url, map[string]any{"red_lines": usRL, "commitment": commitment(t, "iran", "muscat", usC)}, 400)
	expect(R+"/red-lines", "state", "POST", url, map[string]any{"red_lines": usRL, "commitment": commitment(t, "iran", "muscat", usC)}, 403)
	for _, role := range outsiders {
		expect(R+"/red-lines", role, "POST", url, map[string]any{"red_lines": usRL, "commitment": commitment(t, "e3", "muscat", usC)}, 403)
	}
	expect(R+"/red-lines", "", "POST", url, map[string]any{"red_lines": usRL}, 401)
	if m := expect(R+"/red-lines", "us", "POST", url, map[string]any{"red_lines": usRL, "commitment": commitment(t, "us", "muscat", usC)}, 201); m["commitment"] != usC {
		t.Errorf("commitment %v, want %s", m["commitment"], usC)
	}
	expect(R+"/red-lines", "state", "POST", url, map[string]any{"red_lines": iranRL, "commitment": commitment(t, "iran", "muscat", iranC)}, 201)
	expect(R+"/red-lines", "us", "POST", url, map[string]any{"red_lines": usRL, "commitment": commitment(t, "us", "muscat", usC)}, 400) // once only

	for role, want := range map[string]int{"us": 200, "mediator": 200, "state": 403, "party": 403, "inspectorate": 403, "observer": 403, "": 401} {
		m := expect(R+"/red-lines/{party}", role, "GET", url+"/us", nil, want)
		if want == 200 && m["salt"] != usRL.Salt {
			t.Errorf("%s reads %v", role, m)
		}
	}

	// Proposals only through the mediator; the origin is the mediator's to know.
	values := talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), talks.TermStockpileCap: talks.Num(200), "centrifuges_IR-1": talks.Num(5000)}
	salt := talks.NewSalt()
	p1Hash := talks.ReleaseHash("muscat", 1, values, "oman", "iran", salt)
	for _, role := range append(outsiders, "state", "us") {
		expect(R+"/proposals", role, "POST", base+"/muscat/proposals", map[string]any{"origin": "iran", "values": values}, 403)
	}
	// Releasing a proposal logs the mediator's commitment to its hash.
	if m := expect(R+"/proposals", "mediator", "POST", base+"/muscat/proposals", map[string]any{"origin": "iran", "values": values, "attribute_to_mediator": true, "salt": salt}, 400); !strings.Contains(fmt.Sprint(m), p1Hash) {
		t.Errorf("the refusal does not give the hash to sign: %v", m)
	}
	expect(R+"/proposals", "mediator", "POST", base+"/muscat/proposals", map[string]any{"origin": "iran", "values": values, "attribute_to_mediator": true, "salt": salt,
		"commitment": commitment(t, "oman", "muscat", talks.ReleaseHash("muscat", 1, values, "oman", "oman", salt))}, 400)
	expect(R+"/proposals", "mediator", "POST", base+"/muscat/proposals", map[string]any{"origin": "iran", "values": values, "attribute_to_mediator": true, "salt": salt,
		"commitment": commitment(t, "oman", "muscat", p1Hash)}, 201)
	us := expect(R, "us", "GET", base+"/muscat", nil, 200)
	med := expect(R, "mediator", "GET", base+"/muscat", nil, 200)
	for _, role := range outsiders {
		expect(R, role, "GET", base+"/muscat", nil, 403)
	}
	expect(R, "", "GET", base+"/muscat", nil, 401)
	if p := us["proposals"].([]any)[0].(map[string]any); p["origin"] != nil || p["attribution"] != "oman" || len(us["red_lines"].(map[string]any)) != 1 {
		t.Errorf("the US view: %v", us)
	}
	if p := med["proposals"].([]any)[0].(map[string]any); p["origin"] != "iran" || len(med["red_lines"].(map[string]any)) != 2 {
		t.Errorf("the mediator's view: %v", med)
	}
	if strings.Contains(fmt.Sprint(us), "3.67") && strings.Contains(fmt.Sprint(us["red_lines"]), "enrichment") {
		t.Error("Iran's red line shows in the US view")
	}

	// A held proposal and the mediator's notes stay the mediator's.
	expect(R+"/proposals", "mediator", "POST", base+"/muscat/proposals", map[string]any{"values": values, "hold": true}, 201)
	for _, role := range append(outsiders, "us", "state") {
		expect(R+"/notes", role, "POST", base+"/muscat/notes", map[string]any{"text": "x"}, 403)
	}
	expect(R+"/notes", "mediator", "POST", base+"/muscat/notes", map[string]any{"text": "Iran may move if relief is phased"}, 201)
	for _, role := range []string{"us", "state"} {
		v := expect(R, role, "GET", base+"/muscat", nil, 200)
		if len(v["proposals"].([]any)) != 1 || v["notes"] != nil || strings.Contains(fmt.Sprint(v), "relief is phased") {
			t.Errorf("%s sees a held proposal or the mediator's notes: %v", role, v)
		}
		expect(R+"/feasibility", role, "POST", base+"/muscat/feasibility", map[string]any{"proposal": "p2"}, 400)
	}
	if v := expect(R, "mediator", "GET", base+"/muscat", nil, 200); len(v["proposals"].([]any)) != 2 || len(v["notes"].([]any)) != 1 {
		t.Errorf("the mediator's view: %v", v)
	}
	// The room's page: each participant's view, nobody else's.
	page := func(role, method, url, form string, sameSite bool) (int, string) {
		req := httptest.NewRequest(method, url, strings.NewReader(form))
		if form != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if role != "" {
			if method == "GET" {
				req.Header.Set("Authorization", "Bearer "+tokens[role])
			} else {
				req.AddCookie(&http.Cookie{Name: "accord_token", Value: tokens[role]})
			}
		}
		if sameSite {
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		} else if method == "POST" {
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		covered[method+" "+strings.NewReplacer("/talks/muscat", "/talks/{room}", "/proposals/p2/", "/proposals/{proposal}/", "/texts/1/", "/texts/{version}/").Replace(url)] = true
		return rec.Code, rec.Body.String()
	}
	usPage := func() string {
		code, body := page("us", "GET", "/talks/muscat", "", false)
		if code != 200 {
			t.Fatalf("the US page: HTTP %d", code)
		}
		return body
	}
	if b := usPage(); !strings.Contains(b, "breakout time (central estimate) at least 400 days") || strings.Contains(b, "enrichment_cap_pct at least 3.67 %") ||
		strings.Contains(b, "relief is phased") || strings.Contains(b, "<td>p2</td>") || strings.Contains(b, "<td>iran</td>") {
		t.Error("the US page shows another party's red line, the mediator's notes, a held proposal or a proposal's origin")
	}
	if code, b := page("mediator", "GET", "/talks/muscat", "", false); code != 200 || !strings.Contains(b, "enrichment_cap_pct at least 3.67 %") || !strings.Contains(b, "breakout time (central estimate) at least 400 days") ||
		!strings.Contains(b, "relief is phased") || !strings.Contains(b, "<td>p2</td>") {
		t.Errorf("the mediator's page: HTTP %d", code)
	}
	for _, role := range outsiders {
		if code, b := page(role, "GET", "/talks/muscat", "", false); code != 403 || strings.Contains(b, "at least") {
			t.Errorf("%s reads the room page: HTTP %d", role, code)
		}
	}
	if code, _ := page("", "GET", "/talks/muscat", "", false); code != 401 {
		t.Errorf("anonymous room page: HTTP %d", code)
	}
	if code, b := page("us", "GET", "/talks", "", false); code != 200 || !strings.Contains(b, `href="/talks/muscat"`) {
		t.Errorf("the US rooms page: HTTP %d", code)
	}
	if code, b := page("party", "GET", "/talks", "", false); code != 200 || strings.Contains(b, `href="/talks/muscat"`) {
		t.Errorf("an outsider's rooms page: HTTP %d", code)
	}
	if code, _ := page("mediator", "POST", "/talks/muscat/zone", "", false); code != 403 {
		t.Errorf("a cross-site zone post: HTTP %d", code)
	}
	if code, b := page("mediator", "POST", "/talks/muscat/zone", "", true); code != 200 || !strings.Contains(b, `id="zone"`) {
		t.Errorf("the mediator's zone: HTTP %d", code)
	}
	if code, _ := page("us", "POST", "/talks/muscat/zone", "", true); code != 403 {
		t.Errorf("the US explored the zone from the page: HTTP %d", code)
	}

	for _, role := range append(outsiders, "us", "state") {
		expect(R+"/proposals/{proposal}/release", role, "POST", base+"/muscat/proposals/p2/release", nil, 403)
	}
	expect(R+"/proposals/{proposal}/release", "mediator", "POST", base+"/muscat/proposals/p2/release", map[string]any{}, 400)
	// The held proposal's release hash has a secret salt the mediator alone
	// sees.
	var p2Salt string
	for _, p := range expect(R, "mediator", "GET", base+"/muscat", nil, 200)["proposals"].([]any) {
		if p := p.(map[string]any); p["id"] == "p2" {
			p2Salt, _ = p["salt"].(string)
		}
	}
	if len(p2Salt) != 64 {
		t.Fatalf("the mediator's view of p2 has salt %q", p2Salt)
	}
	if v := expect(R, "us", "GET", base+"/muscat", nil, 200); strings.Contains(fmt.Sprint(v), p2Salt) || strings.Contains(fmt.Sprint(v), salt) {
		t.Errorf("a party's view shows a release salt: %v", v)
	}
	expect(R+"/proposals/{proposal}/release", "mediator", "POST", base+"/muscat/proposals/p2/release",
		map[string]any{"commitment": commitment(t, "oman", "muscat", talks.ReleaseHash("muscat", 1, values, "oman", "oman", p2Salt))}, 200)
	if v := expect(R, "us", "GET", base+"/muscat", nil, 200); len(v["proposals"].([]any)) != 2 {
		t.Errorf("after the release the US sees %v", v["proposals"])
	}

	// Feasibility: each learns what its role allows, within its budget.
	q := map[string]any{"proposal": "p1"}
	usRep := expect(R+"/feasibility", "us", "POST", base+"/muscat/feasibility", q, 200)
	iranRep := expect(R+"/feasibility", "state", "POST", base+"/muscat/feasibility", q, 200)
	medRep := expect(R+"/feasibility", "mediator", "POST", base+"/muscat/feasibility", q, 200)
	for _, role := range outsiders {
		expect(R+"/feasibility", role, "POST", base+"/muscat/feasibility", q, 403)
	}
	if usRep["own_red_lines_met"] != false || usRep["all_red_lines_met"] != nil || usRep["failing"] != nil ||
		iranRep["own_red_lines_met"] != true || iranRep["failing"] != nil ||
		medRep["all_red_lines_met"] != false || medRep["failing"].(map[string]any)["us"] == nil {
		t.Errorf("reports:\nus %v\niran %v\nmediator %v", usRep, iranRep, medRep)
	}
	// The question about the held proposal counted: the US's budget of 2
	// is spent.
	if m := expect(R+"/feasibility", "us", "POST", base+"/muscat/feasibility", q, 400); m["error"].(map[string]any)["field"] != "budget" {
		t.Errorf("over budget: %v", m)
	}
	for _, role := range append(outsiders, "us", "state") {
		expect(R+"/rounds", role, "POST", base+"/muscat/rounds", nil, 403)
	}
	expect(R+"/rounds", "mediator", "POST", base+"/muscat/rounds", nil, 200)
	expect(R+"/feasibility", "us", "POST", base+"/muscat/feasibility", q, 200) // a new round
	// The page's feasibility form counts like the API: the US's second
	// query of round 2 answers, a third does not.
	if code, b := page("us", "POST", "/talks/muscat/feasibility", "proposal=p1", true); code != 200 || !strings.Contains(b, "does not meet your red lines") || strings.Contains(b, "failing for") {
		t.Errorf("the US's feasibility from the page: HTTP %d", code)
	}
	if code, b := page("us", "POST", "/talks/muscat/feasibility", "proposal=p1", true); code != 200 || !strings.Contains(b, "has used its 2 feasibility queries") {
		t.Errorf("over budget from the page: HTTP %d", code)
	}
	if code, _ := page("us", "POST", "/talks/muscat/feasibility", "proposal=p1", false); code != 403 {
		t.Errorf("a cross-site feasibility post: HTTP %d", code)
	}

	// The zone explorer is the mediator's.
	for _, role := range append(outsiders, "us", "state") {
		expect(R+"/zone", role, "POST", base+"/muscat/zone", map[string]any{"fixed": map[string]any{}}, 403)
	}
	if z := expect(R+"/zone", "mediator", "POST", base+"/muscat/zone", map[string]any{"fixed": map[string]any{}}, 200); z["best"] == nil {
		t.Errorf("zone %v", z)
	}

	// The issue space: the mediator freezes and revises it; a party records
	// what is not on its agenda.
	for _, role := range append(outsiders, "us", "state") {
		expect(R+"/space/freeze", role, "POST", base+"/muscat/space/freeze", nil, 403)
		expect(R+"/space", role, "POST", base+"/muscat/space", map[string]any{"terms": []any{}}, 403)
	}
	for _, role := range append(outsiders, "mediator") {
		expect(R+"/exclusions", role, "POST", base+"/muscat/exclusions", map[string]any{"topic": "missiles"}, 403)
	}
	expect(R+"/exclusions", "state", "POST", base+"/muscat/exclusions", map[string]any{"topic": "missiles"}, 201)
	expect(R+"/space/freeze", "mediator", "POST", base+"/muscat/space/freeze", nil, 200)
	if sp := expect(R+"/space", "mediator", "POST", base+"/muscat/space", map[string]any{"terms": testRoom()["space"].(talks.Space).Terms}, 200); sp["version"] != 2.0 {
		t.Errorf("a revision of the frozen version 1: %v", sp)
	}

	// Messages: parties to the mediator, relays released at once.
	m := expect(R+"/messages", "state", "POST", base+"/muscat/messages", map[string]any{"kind": "question", "body": "verification of the cap?"}, 201)
	for _, role := range outsiders {
		expect(R+"/messages", role, "POST", base+"/muscat/messages", map[string]any{"kind": "question", "body": "x"}, 403)
	}
	relay := expect(R+"/messages", "mediator", "POST", base+"/muscat/messages", map[string]any{"relay_of": m["id"], "to": []string{"us"}, "attribute_to_mediator": true}, 201)
	if in := expect(R+"/messages", "us", "GET", base+"/muscat/messages", nil, 200); len(in["messages"].([]any)) != 0 {
		t.Errorf("the US reads %v before the release", in)
	}
	for _, role := range append(outsiders, "us", "state") {
		expect(R+"/messages/release", role, "POST", base+"/muscat/messages/release", map[string]any{"ids": []any{relay["id"]}}, 403)
	}
	expect(R+"/messages/release", "mediator", "POST", base+"/muscat/messages/release", map[string]any{"ids": []any{relay["id"]}}, 200)
	if in := expect(R+"/messages", "us", "GET", base+"/muscat/messages", nil, 200); len(in["messages"].([]any)) != 1 || in["messages"].([]any)[0].(map[string]any)["from"] != "oman" {
		t.Errorf("the US inbox: %v", in)
	}
	for _, role := range outsiders {
		expect(R+"/messages", role, "GET", base+"/muscat/messages", nil, 403)
	}

	// The final text, confirmed by both parties' commitments in the log.
	clauses := []talks.Clause{{ID: "c1", Text: "Enrichment up to 3.67 %", Status: talks.Agreed}}
	for _, role := range append(outsiders, "us", "state") {
		expect(R+"/texts", role, "POST", base+"/muscat/texts", map[string]any{"clauses": clauses, "values": values}, 403)
	}
	text := expect(R+"/texts", "mediator", "POST", base+"/muscat/texts", map[string]any{"clauses": clauses, "values": values}, 201)
	hash := text["sha256"].(string)
	confirm := base + "/muscat/texts/1/confirm"
	expect(R+"/texts/{version}/confirm", "us", "POST", confirm, map[string]any{"commitment": commitment(t, "us", "muscat", usC)}, 400)
	expect(R+"/texts/{version}/confirm", "mediator", "POST", confirm, map[string]any{"commitment": commitment(t, "oman", "muscat", hash)}, 403)
	for _, role := range outsiders {
		expect(R+"/texts/{version}/confirm", role, "POST", confirm, map[string]any{"commitment": commitment(t, "e3", "muscat", hash)}, 403)
	}
	if r := expect(R+"/texts/{version}/confirm", "us", "POST", confirm, map[string]any{"commitment": commitment(t, "us", "muscat", hash)}, 200); r["final"] != false {
		t.Errorf("final after one confirmation: %v", r)
	}
	if r := expect(R+"/texts/{version}/confirm", "state", "POST", confirm, map[string]any{"commitment": commitment(t, "iran", "muscat", hash)}, 200); r["final"] != true {
		t.Errorf("final after both: %v", r)
	}

	// The log received the two red-line commitments, the mediator's two
	// release commitments and the two confirmations, and nothing from a
	// refused request.
	if n := len(lastBackend.logged); n != 6 {
		t.Errorf("%d entries reached the log, want 6", n)
	}
	for i, party := range []string{"us", "iran", "oman", "oman", "us", "iran"} {
		if !strings.Contains(string(lastBackend.logged[i]), `"author":"`+party+`"`) {
			t.Errorf("log entry %d is not %s's", i, party)
		}
	}

	// The room page's forms: only the mediator holds proposals, relays,
	// releases relays and writes the text; a party writes to the mediator;
	// nobody outside the room does anything; a cross-site post is refused.
	for _, f := range []struct{ path, form string }{
		{"/talks/muscat/proposals", "v.enrichment_cap_pct=3.67&origin=iran&mask=1"},
		{"/talks/muscat/texts", "clauses=Enrichment+up+to+3.67+%25&proposal=p1"},
		{"/talks/muscat/messages/release", "id=m1"},
	} {
		for _, role := range append(outsiders, "us", "state") {
			if code, _ := page(role, "POST", f.path, f.form, true); code != 403 {
				t.Errorf("%s posts %s: HTTP %d", role, f.path, code)
			}
		}
		if code, _ := page("mediator", "POST", f.path, f.form, false); code != 403 {
			t.Errorf("a cross-site post of %s: HTTP %d", f.path, code)
		}
	}
	for _, role := range outsiders {
		if code, _ := page(role, "POST", "/talks/muscat/messages", "kind=question&body=x", true); code != 403 {
			t.Errorf("%s writes in the room: HTTP %d", role, code)
		}
	}
	if code, b := page("mediator", "POST", "/talks/muscat/proposals", "v.enrichment_cap_pct=3.67&origin=iran&mask=1", true); code != 200 || !strings.Contains(b, "is held") {
		t.Errorf("the mediator holds a proposal from the page: HTTP %d", code)
	}
	code, b := page("us", "POST", "/talks/muscat/messages", "kind=question&body=from+the+page", true)
	sent := regexp.MustCompile(`Message (m\d+) sent to the mediator`).FindStringSubmatch(b)
	if code != 200 || sent == nil {
		t.Fatalf("the US writes from the page: HTTP %d", code)
	}
	if code, b := page("state", "GET", "/talks/muscat", "", false); code != 200 || strings.Contains(b, "from the page") {
		t.Errorf("Iran reads the US's message before any relay: HTTP %d", code)
	}
	code, b = page("mediator", "POST", "/talks/muscat/messages", "relay_of="+sent[1]+"&to=iran&mask=1", true)
	if code != 200 || !strings.Contains(b, "is held") {
		t.Errorf("the mediator relays from the page: HTTP %d", code)
	}
	relayID := regexp.MustCompile(`Relay (m\d+) is held`).FindStringSubmatch(b)
	if relayID == nil {
		t.Fatalf("no relay id in the page")
	}
	if code, b := page("mediator", "POST", "/talks/muscat/messages/release", "id="+relayID[1], true); code != 200 || !strings.Contains(b, "Released to their recipients") {
		t.Errorf("the mediator releases from the page: HTTP %d", code)
	}
	if code, b := page("state", "GET", "/talks/muscat", "", false); code != 200 || !strings.Contains(b, "from the page") {
		t.Errorf("Iran does not read the released relay: HTTP %d", code)
	}
	if code, b := page("mediator", "POST", "/talks/muscat/texts", "clauses=Enrichment+up+to+3.67+%25&proposal=p1", true); code != 200 || !strings.Contains(b, "is final") {
		t.Errorf("the mediator's text after the final one: HTTP %d", code)
	}

	// The steps signed in the page: the server prepares the record only
	// for the participant whose step it is, and takes its signed form only
	// from the same site; nothing reaches the log from a refused one.
	logged := len(lastBackend.logged)
	for _, f := range []struct{ path, form string }{
		{"/talks/muscat/sign", "step=release&proposal=p2"},
		{"/talks/muscat/red-lines", "subject=breakout_days&op=%3E%3D&value=400&salt=" + strings.Repeat("ab", 32) + "&commitment=x"},
		{"/talks/muscat/proposals/p2/release", "commitment=x"},
		{"/talks/muscat/texts/1/confirm", "commitment=x"},
	} {
		for _, role := range outsiders {
			if code, _ := page(role, "POST", f.path, f.form, true); code != 403 {
				t.Errorf("%s posts %s: HTTP %d", role, f.path, code)
			}
		}
		if code, _ := page("mediator", "POST", f.path, f.form, false); code != 403 {
			t.Errorf("a cross-site post of %s: HTTP %d", f.path, code)
		}
	}
	for _, role := range []string{"us", "state"} {
		if code, b := page(role, "POST", "/talks/muscat/sign", "step=release&proposal=p2", true); code != 403 || strings.Contains(b, "accord.talks.release") {
			t.Errorf("%s asks to sign a release: HTTP %d %.200s", role, code, b)
		}
		if code, b := page(role, "POST", "/talks/muscat/proposals/p2/release", "commitment=x", true); code != 403 {
			t.Errorf("%s releases from the page: HTTP %d %.200s", role, code, b)
		}
	}
	code, b = page("mediator", "POST", "/talks/muscat/proposals", "v.enrichment_cap_pct=3.67", true)
	held := regexp.MustCompile(`Proposal (p\d+) is held`).FindStringSubmatch(b)
	if code != 200 || held == nil {
		t.Fatalf("the mediator holds a proposal from the page: HTTP %d", code)
	}
	if code, b := page("mediator", "POST", "/talks/muscat/sign", "step=release&proposal="+held[1], true); code != 200 || !strings.Contains(b, `"preimage": "accord.talks.release/v1\n`) || !strings.Contains(b, `"author": "oman"`) {
		t.Errorf("the mediator asks to sign a release: HTTP %d %.300s", code, b)
	}
	if code, b := page("mediator", "POST", "/talks/muscat/sign", "step=confirm&version=1", true); code != 403 {
		t.Errorf("the mediator asks to sign a confirmation: HTTP %d %.300s", code, b)
	}
	if code, b := page("us", "POST", "/talks/muscat/sign", "step=red-lines&subject=breakout_days&op=%3E%3D&value=400&salt="+strings.Repeat("ab", 32), true); code != 400 || !strings.Contains(b, "already") {
		t.Errorf("the US asks to sign red lines again: HTTP %d %.300s", code, b)
	}
	if code, b := page("us", "POST", "/talks/muscat/red-lines", "subject=breakout_days&op=%3E%3D&value=400&salt="+strings.Repeat("ab", 32)+"&commitment=x", true); code != 200 || !strings.Contains(b, "already") {
		t.Errorf("the US submits red lines again from the page: HTTP %d", code)
	}
	// In words, as confirming twice is: the party, not the API's field.
	for _, path := range []string{"/talks/muscat/sign", "/talks/muscat/red-lines"} {
		form := "step=red-lines&subject=breakout_days&op=%3E%3D&value=400&salt=" + strings.Repeat("ab", 32) + "&commitment=x"
		if _, b := page("us", "POST", path, form, true); !strings.Contains(b, "You already submitted your red lines (commitment ") ||
			!strings.Contains(b, "nothing was changed") || strings.Contains(b, "constraints:") {
			t.Errorf("the US submits red lines again at %s: %.300s", path, b)
		}
	}
	if n := len(lastBackend.logged); n != logged {
		t.Errorf("%d entries reached the log from refused page steps", n-logged)
	}

	for _, r := range s.Routes() {
		if (strings.Contains(r, "/api/v1/talks/") || strings.Contains(r, " /talks")) && !covered[r] {
			t.Errorf("talks route %s is not tested", r)
		}
	}
}

// The room page says in words what a raw view would show as terms: an
// empty room has no commitment yet (rather than a list with nothing in
// it), and a proposal's values read with the terms' titles and units.
func TestTalksRoomPageInWords(t *testing.T) {
	s, tokens := setup(t)
	room := testRoom()
	room["space"] = talks.Space{Version: 1, Terms: []talks.Term{
		{ID: talks.TermEnrichmentCap, Title: "Enrichment cap", Kind: talks.Numeric, Unit: "%", Min: 0, Max: 20, Step: 1},
		{ID: "additional_protocol", Title: "Apply the Additional Protocol", Kind: talks.YesNo},
		{ID: "relief", Title: "Sanctions relief", Kind: talks.Schedule, Phases: []string{"iaea-verification", "un-relief"}},
	}}
	if code, m := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms", room); code != 201 {
		t.Fatalf("open the room: HTTP %d %v", code, m)
	}
	view := func(role string) string {
		t.Helper()
		req := httptest.NewRequest("GET", "/talks/muscat", nil)
		req.Header.Set("Authorization", "Bearer "+tokens[role])
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s's room page: HTTP %d", role, rec.Code)
		}
		return rec.Body.String()
	}
	if b := view("us"); !strings.Contains(b, "No party has published a commitment to its red lines in the evidence log yet.") || strings.Contains(b, "Commitments published in the evidence log: </p>") {
		t.Errorf("the empty room's commitments: %s", regexp.MustCompile(`<p class="note" id="commitments">[^\n]*`).FindString(b))
	}
	values := talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), "additional_protocol": {Text: "yes"}, "relief": {Order: []string{"iaea-verification", "un-relief"}}}
	if code, m := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms/muscat/proposals", map[string]any{"values": values, "hold": true}); code != 201 {
		t.Fatalf("hold a proposal: HTTP %d %v", code, m)
	}
	b := view("mediator")
	want := "Enrichment cap: 3.67 %; Apply the Additional Protocol: yes; Sanctions relief: iaea-verification, then un-relief"
	if !strings.Contains(b, want) || strings.Contains(b, "enrichment_cap_pct=") {
		t.Errorf("the proposal's values: %s, want %q", regexp.MustCompile(`<td class="values">[^<]*`).FindString(b), want)
	}
}
