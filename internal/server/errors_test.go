package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/talks"
)

type outage struct{}

func (outage) Error() string     { return "dial tcp 127.0.0.1:5432: connection refused" }
func (outage) ErrorCode() string { return "unavailable" }

type rejected struct{ err error }

func (r rejected) Error() string     { return r.err.Error() }
func (r rejected) Unwrap() error     { return r.err }
func (r rejected) ErrorCode() string { return "duplicate" }

type late struct{}

func (late) Error() string     { return "in the log at index 7, not yet indexed" }
func (late) ErrorCode() string { return "not_indexed" }
func (late) LogIndex() uint64  { return 7 }

// Every error reaches a client through one table: its code decides the
// status; bad input names its field; an outage's own text stays in the
// log; anything unclassified is internal.
func TestProblemClassifiesOnce(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		err            error
		code, field    string
		status         int
		message, index string
	}{
		{input.Errorf("samples", "must be in [1, 1000000]"), "invalid", "samples", 400, "must be in [1, 1000000]", ""},
		{fmt.Errorf("room x: %w", input.Errorf("values.enrichment_cap_pct", "must be <= 90")), "invalid", "values.enrichment_cap_pct", 400, "must be <= 90", ""},
		{rejected{input.Errorf("id", "already in the log")}, "duplicate", "id", 409, "already in the log", ""},
		{fmt.Errorf("records: %w", outage{}), "unavailable", "", 503, messages["unavailable"], ""},
		{record.ErrNotFound, "not_found", "", 404, "not found", ""},
		{fmt.Errorf("%w: only the mediator relays", talks.ErrForbidden), "forbidden", "", 403, "forbidden: only the mediator relays", ""},
		{late{}, "not_indexed", "", 503, "in the log at index 7, not yet indexed", "7"},
		{errors.New("nil map"), "internal", "", 500, "internal error", ""},
		{&Error{Code: "rate_limited", Message: "slow down"}, "rate_limited", "", 429, "slow down", ""},
	} {
		e := problem(log, "/x", c.err)
		index := ""
		if e.Index != nil {
			index = fmt.Sprint(*e.Index)
		}
		if e.Code != c.code || e.Field != c.field || e.status() != c.status || e.Message != c.message || index != c.index {
			t.Errorf("%v: got %+v (status %d, index %q), want %s %q %d %q %q", c.err, e, e.status(), index, c.code, c.field, c.status, c.message, c.index)
		}
	}
}

// Every code the server writes is in the table (else it would answer
// 500).
func TestEveryCodeHasAStatus(t *testing.T) {
	code := regexp.MustCompile(`Code: "([a-z_]+)"`)
	files, _ := filepath.Glob("*.go")
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range code.FindAllSubmatch(b, -1) {
			seen++
			if _, ok := statuses[string(m[1])]; !ok {
				t.Errorf("%s writes code %q, which has no status", f, m[1])
			}
		}
	}
	if seen < 10 {
		t.Errorf("found %d codes; the pattern no longer matches the code", seen)
	}
}
