package server_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/server"
)

// The API answers the question asked or says why it cannot: a parameter
// it does not take (a typo), one given twice, a kind it does not know or
// a range that ends before it starts is 400 naming the parameter and the
// rule, and nothing is done. (The dashboard's pages follow the same rule:
// TestPagesRefuseParametersTheyDoNotTake.)
func TestQueryParametersAreChecked(t *testing.T) {
	s, tokens := setup(t)
	cases := []struct {
		method, url, body string
		field             string
		says              []string // in the message
	}{
		{"GET", "/api/v1/records?knd=sealed", "", "knd", []string{"is not a parameter of GET /api/v1/records", "kind, author, site"}},
		{"GET", "/api/v1/records?kind=bogus", "", "kind", []string{`unknown kind "bogus"`, "inspection_finding", "sealed", "verified_facts"}},
		{"GET", "/api/v1/records?from=2026-01-01&to=2025-01-01", "", "to", []string{"2025-01-01 is before from (2026-01-01)"}},
		{"GET", "/api/v1/records?limit=5&limit=1000", "", "limit", []string{"given 2 times"}},
		{"GET", "/api/v1/records?kind=%zz", "", "query", []string{"percent-encoded"}},
		{"GET", "/api/v1/breakout?as_of=2025-05-17&covention=whole-fleet", "", "covention", []string{"is not a parameter of GET /api/v1/breakout", "convention"}},
		{"GET", "/api/v1/breakout?as_of=2025-05-17&as_of=2020-01-01", "", "as_of", []string{"given 2 times"}},
		{"GET", "/api/v1/status?as_of=2025-05-17&convention=cascades&convention=whole-fleet", "", "convention", []string{"given 2 times"}},
		{"GET", "/api/v1/warning?as_of=2025-05-17&=x", "", "query", []string{"without a parameter name"}},
		{"POST", "/api/v1/breakout?machines=installed", `{"fleet":[{"machine":"IR-6","count":696}],"target":{"assay_pct":90,"quantity_sq":1}}`, "machines", []string{"convention, sq, samples and seed"}},
		{"GET", "/api/v1/clock?at=2020-02-01&at=2020-03-01", "", "at", []string{"given 2 times"}},
		{"GET", "/api/v1/talks/rooms?party=us", "", "party", []string{"it takes no query parameters"}},
		{"GET", "/api/v1/keys?utm_source=x", "", "utm_source", []string{"it takes no query parameters"}},
		{"POST", "/api/v1/records?dry_run=1", "signed record", "dry_run", []string{"it takes no query parameters"}},
	}
	logged := len(lastBackend.logged)
	for _, c := range cases {
		req := httptest.NewRequest(c.method, c.url, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+tokens["inspectorate"])
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var e struct{ Error server.Error }
		_ = json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != 400 || e.Error.Code != "invalid" || e.Error.Field != c.field {
			t.Errorf("%s %s: HTTP %d %s, want 400 naming %s", c.method, c.url, rec.Code, rec.Body, c.field)
			continue
		}
		for _, w := range c.says {
			if !strings.Contains(e.Error.Message, w) {
				t.Errorf("%s %s: %q does not say %q", c.method, c.url, e.Error.Message, w)
			}
		}
	}
	if n := len(lastBackend.logged); n != logged {
		t.Errorf("%d records reached the log from refused requests", n-logged)
	}
	// What the routes take is still answered; a repeatable parameter
	// repeats.
	for _, url := range []string{
		"/api/v1/records?kind=sealed&author=us&from=2025-01-01&to=2025-01-01&limit=5&after=0",
		"/api/v1/records?kind=&from=&to=",
		"/api/v1/breakout?as_of=2025-05-17&convention=whole-fleet&sq=iaea&samples=10&seed=1&machines=installed&surviving_fleet=0.5&remaining_stock=1",
		"/api/v1/clock?event=dispute:2020-01-14&event=snapback-notification:2025-08-28&at=2026-02-01",
		"/api/v1/charts/stock-by-level.svg?as_of=2025-02-08",
		"/?as_of=2025-02-08&convention=whole-fleet&sq=iaea",
		"/records?kind=sealed&site=&material=",
	} {
		req := httptest.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+tokens["inspectorate"])
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("GET %s: HTTP %d %.300s", url, rec.Code, rec.Body)
		}
	}
}
