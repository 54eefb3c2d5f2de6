package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
)

type fake struct{}

func (fake) Submit(context.Context, []byte) (server.Submitted, error) {
	return server.Submitted{}, &server.Error{Code: "key", Message: "key mallory: signed by no key the registry trusts"}
}
func (fake) Receipt(context.Context, uint64) (json.RawMessage, error) { return nil, nil }
func (fake) Checkpoint(context.Context) ([]byte, error)               { return []byte("origin\n0\nAAAA\n"), nil }
func (fake) Check(context.Context, uint64) (server.RecordCheck, error) {
	return server.RecordCheck{}, record.ErrNotFound
}
func (fake) Query(context.Context, record.Filter) ([]record.Row, error) {
	return []record.Row{}, nil
}
func (fake) Get(context.Context, uint64) (record.Row, error)     { return record.Row{}, record.ErrNotFound }
func (fake) Facts(context.Context) ([]state.Fact, error)         { return nil, nil }
func (fake) Books(context.Context) (*accountancy.Books, error)   { return accountancy.NewBooks(), nil }
func (fake) Events(context.Context) ([]accountancy.Event, error) { return nil, nil }
func newServer() *server.Server {
	return server.New(server.Config{Log: fake{}, Index: fake{}, Agreement: agreement.JCPOA()})
}

func TestErrorsNameTheFieldAndLeakNothing(t *testing.T) {
	h := newServer()
	cases := []struct {
		method, url, body string
		status            int
		code, field       string
	}{
		{"GET", "/api/v1/status", "", 400, "invalid", "as_of"},
		{"GET", "/api/v1/status?as_of=2025-13-01", "", 400, "invalid", "as_of"},
		{"GET", "/api/v1/status?as_of=2025-02-08&convention=nato", "", 400, "invalid", "convention"},
		{"POST", "/api/v1/records", "x", 403, "key", ""},
		{"POST", "/api/v1/records", strings.Repeat("x", 80_000), 413, "too_large", "body"},
		{"POST", "/api/v1/breakout", "fleet: [{machine: IR-6, count: 696, efficiency: 1.5}]\ntarget: {assay_pct: 90, quantity_sq: 1, convention: wgu25}", 400, "invalid", "fleet[0].efficiency"},
		{"GET", "/api/v1/clock?event=coup:2025-01-01", "", 400, "invalid", "event"},
		{"GET", "/log/keys/operator.key", "", 404, "not_found", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.url, strings.NewReader(c.body)))
		var e struct {
			Error server.Error `json:"error"`
		}
		if rec.Code != c.status || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code != c.code || e.Error.Field != c.field || e.Error.Message == "" {
			t.Errorf("%s %s: HTTP %d %s, want %d code %s field %s", c.method, c.url, rec.Code, rec.Body, c.status, c.code, c.field)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security header missing", c.url)
		}
	}
}

func TestWhatIfBreakout(t *testing.T) {
	rec := httptest.NewRecorder()
	body := `{"inventory":[{"mass_kg_u":274.8,"assay_pct":60}],"fleet":[{"machine":"IR-6","count":696,"swu_per_year":3.5}],"target":{"assay_pct":90,"quantity_sq":1,"sq":"wgu25"},"tails_pct":{"60":20},"setup_days":0}`
	newServer().ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/breakout", strings.NewReader(body)))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"first_sq_days": 8.39`) || !strings.Contains(rec.Body.String(), `"convention": "cascades"`) {
		t.Errorf("HTTP %d %s", rec.Code, rec.Body)
	}
	// The query's convention overrides the scenario's.
	rec = httptest.NewRecorder()
	newServer().ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/breakout?convention=whole-fleet", strings.NewReader(body)))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"convention": "whole-fleet"`) {
		t.Errorf("HTTP %d %s", rec.Code, rec.Body)
	}
	// The significant quantity is sq; convention=wgu25 is refused with the hint.
	rec = httptest.NewRecorder()
	newServer().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/breakout?as_of=2025-05-17&convention=wgu25", nil))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "sq=wgu25") {
		t.Errorf("convention=wgu25: HTTP %d %s", rec.Code, rec.Body)
	}
}

// embeddedServer is a server of the embedded public record and the JCPOA
// with no records in its log, which no rate limit slows.
func embeddedServer() *server.Server {
	return server.New(server.Config{Log: fake{}, Index: facts{}, Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), RatePerSecond: 1e9, Burst: 1e9})
}
