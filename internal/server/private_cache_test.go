package server_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/talks"
)

// Every route of the server, asked by the members of the talks room and by
// an outsider, with a read token and, on a GET, with the sign-in cookie.
// An answer that differs from the anonymous caller's depends on who asks:
// it says so (Vary: Authorization, Cookie), and no shared cache keeps it
// (no-store, or private with an entity tag to revalidate, as the tagged
// answers and the log's entry bundles are). An answer that carries a
// room's private data (the US red lines' salt, a party's message) is
// no-store: no cache at all keeps it. The routes are read from the
// server's own table, so a route added later is asked too; the read token
// itself is checked where every test obtains one (obtainToken).
func TestNoSharedCacheKeepsACallersAnswer(t *testing.T) {
	s, tokens := talksSetup(t)
	const secret = "the US walks away below 400 days"
	if code, m := call(t, s, tokens, "us", "POST", "/api/v1/talks/rooms/muscat/messages", map[string]any{"kind": "question", "body": secret}); code != 201 {
		t.Fatalf("the US writes to the mediator: HTTP %d %v", code, m)
	}
	salt := rl("us", talks.Constraint{}).Salt // talksSetup's red lines' salt
	private := []string{salt, secret}
	fill := strings.NewReplacer("{room}", "muscat", "{party}", "us", "{proposal}", "p2", "{version}", "1",
		"{index}", "2", "{path...}", "tile/entries/000", "{name}", "stock-by-level.svg", "{file}", "style.css", "{$}", "")
	ask := func(method, url, role string, cookie bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, url, nil)
		switch {
		case role == "":
		case cookie:
			req.AddCookie(&http.Cookie{Name: "accord_token", Value: tokens[role]})
		default:
			req.Header.Set("Authorization", "Bearer "+tokens[role])
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	// The private answers the walk must meet, to be sure it asked.
	seen := map[string]bool{}
	for _, pattern := range s.Routes() {
		method, path, _ := strings.Cut(pattern, " ")
		url := fill.Replace(path)
		anon := ask(method, url, "", false)
		// An answer that changes by itself (the metrics, a challenge)
		// differs from the anonymous one whoever asks.
		again := ask(method, url, "", false)
		byItself := again.Code != anon.Code || !bytes.Equal(again.Body.Bytes(), anon.Body.Bytes())
		for _, role := range []string{"us", "mediator", "state", "inspectorate"} {
			for _, cookie := range []bool{false, true} {
				if cookie && method != "GET" {
					continue // the cookie is read on safe methods only
				}
				rec := ask(method, url, role, cookie)
				if rec.Code == anon.Code && bytes.Equal(rec.Body.Bytes(), anon.Body.Bytes()) {
					continue // the same to everyone
				}
				h := rec.Header()
				cc, vary := h.Get("Cache-Control"), strings.Join(h.Values("Vary"), ", ")
				who := pattern + " (" + url + ") as " + role
				if cookie {
					who += " with the cookie"
				}
				if !byItself && (!strings.Contains(vary, "Authorization") || !strings.Contains(vary, "Cookie")) {
					t.Errorf("%s: HTTP %d, Vary %q: the answer depends on the caller, and does not say so", who, rec.Code, vary)
				}
				if cc != "no-store" && !(strings.HasPrefix(cc, "private") && h.Get("ETag") != "") {
					t.Errorf("%s: HTTP %d, Cache-Control %q, ETag %q: a shared cache may keep the caller's answer", who, rec.Code, cc, h.Get("ETag"))
				}
				for _, p := range private {
					if strings.Contains(rec.Body.String(), p) {
						seen[pattern] = true
						if cc != "no-store" {
							t.Errorf("%s: HTTP %d, Cache-Control %q: the room's private data may be kept by a cache", who, rec.Code, cc)
						}
					}
				}
			}
		}
	}
	for _, p := range []string{"GET /api/v1/talks/rooms/{room}", "GET /api/v1/talks/rooms/{room}/red-lines/{party}",
		"GET /api/v1/talks/rooms/{room}/messages", "GET /talks/{room}"} {
		if !seen[p] {
			t.Errorf("%s answered nobody the room's private data: the walk did not ask it", p)
		}
	}
}
