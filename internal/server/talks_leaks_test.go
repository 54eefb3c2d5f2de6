package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/talks"
)

// talksSetup opens the test room with red lines (the US on the stockpile
// cap, Iran on centrifuges_IR-1), a released proposal p1 that leaves
// centrifuges_IR-1 open, and a held proposal p2.
func talksSetup(t *testing.T) (*server.Server, map[string]string) {
	t.Helper()
	s, tokens := setup(t)
	must := mustCall(t, s, tokens)
	open := roomWithOpenProposal(t, must, rl("us", talks.Limit(talks.TermStockpileCap, "<=", 300)), rl("iran", talks.Limit("centrifuges_IR-1", ">=", 5000)))
	must("mediator", "POST", "/api/v1/talks/rooms/muscat/proposals", map[string]any{"values": open, "hold": true}, 201)
	return s, tokens
}

// mustCall calls s as role (call), and ends the test unless the answer
// has the status want.
func mustCall(t *testing.T, s *server.Server, tokens map[string]string) func(role, method, url string, body any, want int) map[string]any {
	return func(role, method, url string, body any, want int) map[string]any {
		t.Helper()
		code, m := call(t, s, tokens, role, method, url, body)
		if code != want {
			t.Fatalf("%s %s as %s: HTTP %d %v", method, url, role, code, m)
		}
		return m
	}
}

// roomWithOpenProposal opens the test room (muscat) with the US's and
// Iran's red lines, each with its commitment, and releases proposal p1,
// which sets the caps and leaves centrifuges_IR-1 open; it returns p1's
// values.
func roomWithOpenProposal(t *testing.T, must func(role, method, url string, body any, want int) map[string]any, usRL, iranRL talks.RedLines) talks.Package {
	t.Helper()
	const base = "/api/v1/talks/rooms"
	must("mediator", "POST", base, testRoom(), 201)
	must("us", "POST", base+"/muscat/red-lines", map[string]any{"red_lines": usRL, "commitment": commitment(t, "us", "muscat", usRL.Commitment())}, 201)
	must("state", "POST", base+"/muscat/red-lines", map[string]any{"red_lines": iranRL, "commitment": commitment(t, "iran", "muscat", iranRL.Commitment())}, 201)
	open := talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), talks.TermStockpileCap: talks.Num(200)}
	salt := talks.NewSalt()
	must("mediator", "POST", base+"/muscat/proposals", map[string]any{"values": open, "salt": salt,
		"commitment": commitment(t, "oman", "muscat", talks.ReleaseHash("muscat", 1, open, "oman", "oman", salt))}, 201)
	return open
}

// The US asks about a proposal that leaves centrifuges_IR-1 open, on which
// Iran has a red line. It used to be told "the proposal leaves
// centrifuges_IR-1 open: a red line on it cannot be checked", uncounted.
// Now, through the API and the room's page alike, it gets an answer about
// its own red lines, counted; Iran is told that its own red line could not
// be checked; failed questions count too, and the count is kept.
func TestFeasibilityLeaksNoOtherRedLine(t *testing.T) {
	s, tokens := talksSetup(t)
	url := "/api/v1/talks/rooms/muscat/feasibility"
	code, us := call(t, s, tokens, "us", "POST", url, map[string]any{"proposal": "p1"})
	// The metrics that depend on the open term are unknown, and say so:
	// the proposal alone tells that, to every recipient alike.
	unknown, _ := us["unknown_metrics"].(map[string]any)
	if why, _ := unknown[talks.MetricBreakoutDays].(string); !strings.Contains(why, "leaves centrifuges_IR-1 open") {
		t.Errorf("the US's answer does not say why breakout days are unknown: %v", us)
	}
	delete(us, "unknown_metrics")
	if b, _ := json.Marshal(us); code != 200 || strings.Contains(string(b), "IR-1") || strings.Contains(string(b), "cannot be checked") ||
		us["own_red_lines_met"] != true || us["queries_remaining"] != 1.0 {
		t.Errorf("the US's question: HTTP %d %s", code, b)
	}
	code, iran := call(t, s, tokens, "state", "POST", url, map[string]any{"proposal": "p1"})
	if b, _ := json.Marshal(iran); code != 200 || iran["own_red_lines_met"] != false || !strings.Contains(string(b), "leaves centrifuges_IR-1 open") {
		t.Errorf("Iran's question: HTTP %d %s", code, b)
	}
	// From the page: the US's second question is answered, about its own
	// red lines only; the third is refused; nothing names Iran's red line.
	form := func(role, proposal string) string {
		rec := page(s, "POST", "/talks/muscat/feasibility", "proposal="+proposal, func(r *http.Request) {
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			r.AddCookie(&http.Cookie{Name: "accord_token", Value: tokens[role]})
		})
		if rec.Code != 200 {
			t.Fatalf("the page's question as %s: HTTP %d", role, rec.Code)
		}
		return rec.Body.String()
	}
	if b := form("us", "p1"); !strings.Contains(b, "meets your red lines") || strings.Contains(b, "cannot be checked") || strings.Contains(b, "5000") {
		t.Error("the US's page answer names another party's red line, or none")
	}
	if b := form("us", "p1"); !strings.Contains(b, "has used its 2 feasibility queries") {
		t.Error("a third question from the page was answered")
	}
	// Failed questions count, and the count survives: in a new round, Iran
	// asks about a held and a missing proposal (one answer for both), then
	// is refused.
	if code, _ := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms/muscat/rounds", nil); code != 200 {
		t.Fatal("next round")
	}
	_, held := call(t, s, tokens, "state", "POST", url, map[string]any{"proposal": "p2"})
	_, missing := call(t, s, tokens, "state", "POST", url, map[string]any{"proposal": "p9"})
	if strings.ReplaceAll(fmt.Sprint(held), "p2", "p9") != fmt.Sprint(missing) {
		t.Errorf("a held and a missing proposal answer differently:\n%v\n%v", held, missing)
	}
	if code, m := call(t, s, tokens, "state", "POST", url, map[string]any{"proposal": "p1"}); code != 400 || !strings.Contains(fmt.Sprint(m), "budget") {
		t.Errorf("Iran's third question of a budget of 2: HTTP %d %v", code, m)
	}
	if b := form("state", "p9"); !strings.Contains(b, "has used its 2 feasibility queries") {
		t.Error("a failed question from the page was not refused once the budget was spent")
	}
	// The mediator sees which red line fails and why.
	if code, m := call(t, s, tokens, "mediator", "POST", url, map[string]any{"proposal": "p1"}); code != 200 || !strings.Contains(fmt.Sprint(m["unchecked"]), "centrifuges_IR-1") {
		t.Errorf("the mediator's answer: HTTP %d %v", code, m)
	}
}

// A party's message naming a held proposal is answered as one naming a
// missing proposal (it was 201 against 400, so held proposals could be
// probed); a message is at most 16 KiB and a party sends at most 100 a
// round, refusals naming the field; a message is stored as one row, the
// room's state untouched, and the inbox reads the rows.
func TestMessagesProbeNothingAndAreBounded(t *testing.T) {
	s, tokens := talksSetup(t)
	url := "/api/v1/talks/rooms/muscat/messages"
	heldCode, held := call(t, s, tokens, "us", "POST", url, map[string]any{"kind": "criticism", "body": "this one?", "proposal": "p2"})
	missingCode, missing := call(t, s, tokens, "us", "POST", url, map[string]any{"kind": "criticism", "body": "this one?", "proposal": "p9"})
	if heldCode != missingCode || strings.ReplaceAll(fmt.Sprint(held), "p2", "p9") != fmt.Sprint(missing) {
		t.Errorf("held: HTTP %d %v\nmissing: HTTP %d %v", heldCode, held, missingCode, missing)
	}
	field := func(m map[string]any) any { e, _ := m["error"].(map[string]any); return e["field"] }
	if code, m := call(t, s, tokens, "us", "POST", url, map[string]any{"kind": "question", "body": strings.Repeat("x", talks.MaxMessageBytes+1)}); code != 400 || field(m) != "body" {
		t.Errorf("a message of 16 KiB + 1: HTTP %d %v", code, m)
	}
	state := string(lastBackend.rooms["muscat"])
	for i := range talks.MaxMessagesPerRound {
		if code, m := call(t, s, tokens, "us", "POST", url, map[string]any{"kind": "question", "body": strings.Repeat("x", talks.MaxMessageBytes)}); code != 201 {
			t.Fatalf("message %d: HTTP %d %v", i+1, code, m)
		}
	}
	if code, m := call(t, s, tokens, "us", "POST", url, map[string]any{"kind": "question", "body": "one more"}); code != 400 || field(m) != "messages" {
		t.Errorf("message 101 of the round: HTTP %d %v", code, m)
	}
	if string(lastBackend.rooms["muscat"]) != state {
		t.Error("posting messages rewrote the room's state")
	}
	if n := len(lastBackend.messages); n != talks.MaxMessagesPerRound {
		t.Errorf("%d message rows, want %d", n, talks.MaxMessagesPerRound)
	}
	if code, m := call(t, s, tokens, "us", "GET", url, nil); code != 200 || len(m["messages"].([]any)) != talks.MaxMessagesPerRound {
		t.Errorf("the US's inbox: HTTP %d", code)
	}
	if code, m := call(t, s, tokens, "state", "GET", url, nil); code != 200 || len(m["messages"].([]any)) != 0 {
		t.Errorf("Iran reads the US's messages: HTTP %d %v", code, m)
	}
	if code, _ := call(t, s, tokens, "mediator", "POST", "/api/v1/talks/rooms/muscat/rounds", nil); code != 200 {
		t.Fatal("next round")
	}
	if code, m := call(t, s, tokens, "us", "POST", url, map[string]any{"kind": "question", "body": "round 2"}); code != 201 {
		t.Errorf("a new round's message: HTTP %d %v", code, m)
	}
}

// The zone explorer works on the request's copy of the room without its
// lock: while a zone request is under way (here, still reading its body),
// no room lock is held and the room answers other requests.
func TestZoneHoldsNoRoomLock(t *testing.T) {
	s, tokens := talksSetup(t)
	for _, c := range []struct{ url, contentType, head, rest string }{
		{"/api/v1/talks/rooms/muscat/zone", "application/json", `{"fixed":`, `{}}`},
		{"/talks/muscat/zone", "application/x-www-form-urlencoded", "a=", "b"},
	} {
		pr, pw := io.Pipe()
		req := httptest.NewRequest("POST", c.url, pr)
		req.Header.Set("Content-Type", c.contentType)
		req.Header.Set("Authorization", "Bearer "+tokens["mediator"])
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: "accord_token", Value: tokens["mediator"]})
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeHTTP(rec, req)
		}()
		if _, err := pw.Write([]byte(c.head)); err != nil { // returns once the handler reads the body
			t.Fatal(err)
		}
		held := s.RoomLocksHeld()
		if held == 0 {
			if code, _ := call(t, s, tokens, "us", "GET", "/api/v1/talks/rooms/muscat", nil); code != 200 {
				t.Errorf("the room during a zone request: HTTP %d", code)
			}
		}
		_, _ = pw.Write([]byte(c.rest))
		pw.Close()
		<-done
		if held != 0 {
			t.Errorf("%s holds %d room locks while under way", c.url, held)
		}
		if rec.Code != 200 {
			t.Errorf("%s: HTTP %d %s", c.url, rec.Code, rec.Body)
		}
	}
}
