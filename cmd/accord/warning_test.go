package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// accord warning gives the three regimes of the public record with the
// JSON fields a user scripts against: months of warning under the JCPOA
// (2017), none or less in mid-2024, and none from verification after the
// loss of access in June 2025; the words name the sources of the regime.
func TestWarningCommand(t *testing.T) {
	type quantiles struct{ P10, P50, P90 *float64 }
	for _, c := range []struct {
		date, status string
		check        func(warning *quantiles, p *float64) bool
	}{
		{"2017-05-27", "estimated", func(w *quantiles, p *float64) bool { return w.P10 != nil && *w.P10 > 90 && *p == 0 }},
		{"2024-06-01", "estimated", func(w *quantiles, p *float64) bool { return w.P50 != nil && *w.P50 <= 0 && *p > 0.5 }},
		{"2026-06-01", "no-detection", func(w *quantiles, p *float64) bool { return w == nil && *p == 1 }},
	} {
		var out, errb bytes.Buffer
		if code := run([]string{"warning", "--as-of", c.date, "--samples", "2000", "--json"}, nil, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.date, code, errb.String())
		}
		var got struct {
			AsOf      string `json:"as_of"`
			Status    string
			Breakout  struct{ Status string }
			Detection *struct {
				quantiles
				Activities []struct{ ID string }
			} `json:"detection_days"`
			Warning     *quantiles `json:"warning_days"`
			P           *float64   `json:"p_complete_before_detection"`
			Assumptions []string
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.AsOf != c.date || got.Status != c.status || got.P == nil || !c.check(got.Warning, got.P) || len(got.Assumptions) == 0 {
			t.Errorf("%s: %s", c.date, out.String()[:min(out.Len(), 600)])
		}
		if c.status == "estimated" && (got.Detection == nil || got.Detection.P50 == nil || len(got.Detection.Activities) == 0) {
			t.Errorf("%s: no time to detect with its activities", c.date)
		}
		out.Reset()
		if code := run([]string{"warning", "--as-of", c.date, "--samples", "2000"}, nil, &out, &errb); code != 0 {
			t.Fatal(errb.String())
		}
		for _, want := range []string{"Warning time as of " + c.date, "JCPOA Annex I para 67.1", "INFCIRC/214", "30 days for unirradiated direct-use material"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: the words lack %q", c.date, want)
			}
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"warning", "--as-of", "2024-13-01"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "as-of") {
		t.Errorf("a bad date: exit %d, %q; want 2 naming --as-of", code, errb.String())
	}
}
