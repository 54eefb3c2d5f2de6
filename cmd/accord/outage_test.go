package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/server"
)

// indexFree are the GET routes whose answer needs nothing from the index:
// they answer as usual while it is down (to a caller without a token,
// since a token is looked up in the index).
var indexFree = map[string]bool{
	"GET /healthz":             true,
	"GET /api/v1/openapi.json": true,
	"GET /api/v1/checkpoint":   true, // the log's
	"GET /api/v1/keys":         true, // the log's key registry
	"GET /api/v1/dataset":      true,
	"GET /api/v1/agreements":   true,
	"GET /api/v1/clock":        true,
	"GET /log/{path...}":       true,
	"GET /metrics":             true, // counts and times; what the index would say is left out
	"GET /static/{file}":       true,
	"GET /sources":             true,
	"GET /signin":              true,
}

// getURL is a URL that route answers (outside an outage), its
// placeholders filled with what the demo holds.
func getURL(route string) string {
	path := strings.TrimPrefix(route, "GET ")
	path = strings.TrimSuffix(path, "{$}")
	for placeholder, value := range map[string]string{
		"{index}": "1", "{room}": "muscat-2025", "{party}": "us", "{name}": "stock-by-level.svg",
		"{path...}": "checkpoint", "{file}": "style.css",
	} {
		path = strings.ReplaceAll(path, placeholder, value)
	}
	switch route {
	case "GET /api/v1/status", "GET /api/v1/breakout", "GET /api/v1/warning", "GET /api/v1/charts/{name}":
		path += "?as_of=2025-02-08"
	}
	return path
}

// While the index database is down, every GET route of the API and the
// dashboard answers either as usual (the few that need nothing from the
// index) or 503, code unavailable, with Retry-After; never a 500. With a
// read token every route needs the index (the token is looked up in it).
// /readyz says not ready and why. Once the database is back, every route
// answers as before.
func TestEveryRouteAnswersUnavailableWhileTheIndexIsDown(t *testing.T) {
	px, proxied := proxiedPostgres(t)
	dir := t.TempDir()
	d := launchDemo(t, app.DemoConfig{Dir: dir, DB: proxied, Rate: 1e6})
	defer d.Close()
	base, _, token := iaeaSession(t, d, dir)

	type answer struct {
		status     int
		code       string
		retryAfter string
		body       string
	}
	get := func(path, token string) answer {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		a := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: string(b)}
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil {
			a.code = e.Error.Code
		} else if strings.Contains(a.body, `data-code="`) {
			a.code, _, _ = strings.Cut(strings.SplitN(a.body, `data-code="`, 2)[1], `"`)
		}
		return a
	}
	var routes []string
	for _, r := range server.New(server.Config{Agreement: agreement.JCPOA()}).Routes() {
		if strings.HasPrefix(r, "GET ") {
			routes = append(routes, r)
		}
	}
	// What each route answers outside an outage, with the IAEA's token
	// (which is in no talks room) and without a token.
	before, beforeToken := map[string]int{}, map[string]int{}
	for _, r := range routes {
		if r == "GET /readyz" {
			continue
		}
		a := get(getURL(r), token)
		if a.status != 200 && !(a.status == 403 && strings.Contains(r, "{room}")) {
			t.Fatalf("%s before the outage: %d %s", r, a.status, a.body)
		}
		beforeToken[r], before[r] = a.status, get(getURL(r), "").status
	}
	if a := get("/readyz", ""); a.status != 200 {
		t.Fatalf("/readyz before the outage: %d %s", a.status, a.body)
	}

	px.down()
	unavailable := func(a answer) bool { return a.status == 503 && a.code == "unavailable" && a.retryAfter != "" }
	for _, r := range routes {
		path := getURL(r)
		if r == "GET /readyz" {
			a := get(path, "")
			var ready struct {
				Status string            `json:"status"`
				Checks map[string]string `json:"checks"`
			}
			_ = json.Unmarshal([]byte(a.body), &ready)
			if !unavailable(a) || ready.Status != "not_ready" || !strings.HasPrefix(ready.Checks["index"], "unavailable") || ready.Checks["log"] != "ok" || ready.Checks["writes"] == "ok" {
				t.Errorf("%s with the index down: %d %q Retry-After %q %s, want 503 unavailable, not_ready, saying the index is unavailable, the log ok and writes not",
					r, a.status, a.code, a.retryAfter, a.body)
			}
			continue
		}
		if a := get(path, token); !unavailable(a) {
			t.Errorf("%s with a token, the index down: %d %q Retry-After %q, want 503 unavailable with Retry-After", r, a.status, a.code, a.retryAfter)
		}
		a := get(path, "")
		switch {
		case indexFree[r] && a.status != before[r]:
			t.Errorf("%s without a token, the index down: %d, want %d as before: it needs nothing from the index", r, a.status, before[r])
		case !indexFree[r] && before[r] == 200 && !unavailable(a):
			t.Errorf("%s without a token, the index down: %d %q Retry-After %q, want 503 unavailable with Retry-After", r, a.status, a.code, a.retryAfter)
		case !indexFree[r] && before[r] != 200 && a.status != before[r] && !unavailable(a):
			t.Errorf("%s without a token, the index down: %d %q, want %d as before or 503 unavailable", r, a.status, a.code, before[r])
		}
	}
	// The metrics say nothing of the index's backlog while it cannot be
	// read, rather than 0.
	if a := get("/metrics", ""); a.status != 200 || strings.Contains(a.body, "\naccord_index_backlog_entries ") || !strings.Contains(a.body, "\naccord_checkpoint_size ") {
		t.Errorf("/metrics with the index down: %d, backlog or checkpoint wrong:\n%s", a.status, a.body)
	}

	if err := px.up(); err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		if a := get(getURL(r), token); r != "GET /readyz" && a.status != beforeToken[r] {
			t.Errorf("%s once the index is back: %d %s, want %d as before", r, a.status, a.body, beforeToken[r])
		}
	}
	if a := get("/readyz", ""); a.status != 200 {
		t.Errorf("/readyz once the index is back: %d %s", a.status, a.body)
	}
}
