package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
)

// unwritable is a log whose submissions cannot succeed now.
type unwritable struct{ fake }

func (unwritable) Writable(context.Context) error { return errors.New("the log's disk is full") }

// downIndex is an index whose database is down.
type downIndex struct{ fake }

type outageError struct{}

func (outageError) Error() string     { return "dial tcp 127.0.0.1:5432: connection refused" }
func (outageError) ErrorCode() string { return "unavailable" }

func (downIndex) Query(context.Context, record.Filter) ([]record.Row, error) {
	return nil, outageError{}
}

// /readyz is ready only when writes can succeed; otherwise 503, code
// unavailable, with Retry-After, naming the check that failed and why,
// and never the database's own words.
func TestReadyzSaysWhyNot(t *testing.T) {
	for _, c := range []struct {
		name   string
		log    server.Log
		index  server.Index
		status int
		checks map[string]string
	}{
		{"ready", fake{}, fake{}, 200, map[string]string{"index": "ok", "log": "ok", "writes": "ok"}},
		{"log's disk full", unwritable{}, fake{}, 503, map[string]string{"index": "ok", "log": "ok", "writes": "no: the log's disk is full"}},
		{"index down", unwritable{}, downIndex{}, 503, map[string]string{"index": "unavailable: the index database cannot be reached", "log": "ok", "writes": "no: see the other checks"}},
	} {
		h := server.New(server.Config{Log: c.log, Index: c.index, Agreement: agreement.JCPOA()})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		var got server.Readiness
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v: %s", c.name, err, w.Body)
		}
		wantStatus, wantCode, wantRetry := "ready", "", ""
		if c.status == 503 {
			wantStatus, wantCode, wantRetry = "not_ready", "unavailable", "1"
		}
		code := ""
		if got.Error != nil {
			code = got.Error.Code
		}
		if w.Code != c.status || got.Status != wantStatus || code != wantCode || w.Header().Get("Retry-After") != wantRetry {
			t.Errorf("%s: %d %q code %q Retry-After %q, want %d %q %q %q", c.name, w.Code, got.Status, code, w.Header().Get("Retry-After"), c.status, wantStatus, wantCode, wantRetry)
		}
		for check, want := range c.checks {
			if got.Checks[check] != want {
				t.Errorf("%s: check %s: %q, want %q", c.name, check, got.Checks[check], want)
			}
		}
		if got.Error != nil && (got.Error.Message == "" || containsAny(w.Body.String(), "127.0.0.1", "dial tcp")) {
			t.Errorf("%s: the message %q (body %s)", c.name, got.Error.Message, w.Body)
		}
	}
}

func containsAny(s string, subs ...string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}
