package server_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// apiBodies are the JSON API's endpoints that read a request body.
var apiBodies = []string{
	"/api/v1/auth/token",
	"/api/v1/records",
	"/api/v1/breakout",
	"/api/v1/talks/rooms",
	"/api/v1/talks/rooms/muscat/red-lines",
	"/api/v1/talks/rooms/muscat/proposals",
	"/api/v1/talks/rooms/muscat/proposals/p1/release",
	"/api/v1/talks/rooms/muscat/notes",
	"/api/v1/talks/rooms/muscat/space",
	"/api/v1/talks/rooms/muscat/exclusions",
	"/api/v1/talks/rooms/muscat/feasibility",
	"/api/v1/talks/rooms/muscat/zone",
	"/api/v1/talks/rooms/muscat/messages",
	"/api/v1/talks/rooms/muscat/messages/release",
	"/api/v1/talks/rooms/muscat/texts",
	"/api/v1/talks/rooms/muscat/texts/1/confirm",
}

// Any body, to any endpoint that reads one, as any role: the answer is
// JSON, never a 500, and a refusal says what was wrong.
func FuzzAPIBodies(f *testing.F) {
	s, tokens := setupRate(f, 1e9)
	if code, _ := call(&testing.T{}, s, tokens, "mediator", "POST", "/api/v1/talks/rooms", testRoom()); code != 201 {
		f.Fatalf("creating the room: HTTP %d", code)
	}
	f.Add(uint8(2), uint8(0), []byte(`{"stock":[{"assay_pct":60,"mass_kg_u":274.8}],"fleet":[{"machine":"IR-6","count":1000}]}`))
	f.Add(uint8(6), uint8(5), []byte(`{"terms":{"enrichment_cap_pct":3.67,"stockpile_cap_kg_u":300}}`))
	f.Add(uint8(4), uint8(2), []byte(`{"room":"muscat","party":"e3","constraints":[{"metric":"breakout_days","op":">=","value":365}],"salt":"00"}`))
	f.Add(uint8(12), uint8(2), []byte(`{"kind":"question","text":"?"}`))
	f.Add(uint8(1), uint8(4), []byte("not a signed note\n\n— x AAAA\n"))
	f.Add(uint8(0), uint8(0), []byte("inspectorate|nonce"))
	f.Add(uint8(14), uint8(5), []byte(`{"clauses":[{"id":"c1","text":"t","state":"agreed"}]}`))
	f.Fuzz(func(t *testing.T, route, role uint8, body []byte) {
		path := apiBodies[int(route)%len(apiBodies)]
		who := roles[int(role)%len(roles)]
		req := httptest.NewRequest("POST", path, strings.NewReader(string(body)))
		if who != "anonymous" {
			req.Header.Set("Authorization", "Bearer "+tokens[who])
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		s.ServeHTTP(rec, req)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("POST %s as %s took %s: %.300q", path, who, d, body)
		}
		if rec.Code >= 500 {
			t.Fatalf("POST %s as %s: HTTP %d %s", path, who, rec.Code, rec.Body)
		}
		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("POST %s as %s: HTTP %d, not JSON: %q", path, who, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			e, _ := answer["error"].(map[string]any)
			if msg, _ := e["message"].(string); msg == "" {
				t.Fatalf("POST %s as %s: HTTP %d without a message: %s", path, who, rec.Code, rec.Body)
			}
		}
	})
}
