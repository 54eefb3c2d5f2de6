package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
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

// The API reads the demo's log and the command the public record, the
// same evidence: at a date they give the same warning, citing the same
// documents. The API's evidence points at the log (its kind, its ref the
// log index, its record the record's id); the document is the real one in
// both.
//
// With --log the command reads the same log as the server, and answers
// exactly as the API does.
func TestWarningAPIAndCommandAgree(t *testing.T) {
	dir := t.TempDir()
	_, base := startDemo(t, dir)
	for _, date := range []string{"2017-05-27", "2024-06-01", "2025-02-08"} {
		var api, cli map[string]any
		if code := get(t, base+"/api/v1/warning?as_of="+date, &api); code != 200 {
			t.Fatalf("%s: API status %d", date, code)
		}
		var out, errb bytes.Buffer
		if code := run([]string{"warning", "--as-of", date, "--json"}, nil, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", date, code, errb.String())
		}
		if err := json.Unmarshal(out.Bytes(), &cli); err != nil {
			t.Fatal(err)
		}
		records := 0
		var where func(path string, v any)
		where = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				if ref, ok := v["ref"].(string); ok && v["kind"] == "record" {
					if !strings.HasPrefix(ref, "log index ") || v["record"] == "" || v["record"] == nil {
						t.Errorf("%s: the API's evidence at %s does not point at a record: %v", date, path, v)
					}
					records++
				}
				for k, x := range v {
					where(path+"/"+k, x)
				}
			case []any:
				for i, x := range v {
					where(fmt.Sprintf("%s/%d", path, i), x)
				}
			}
		}
		where("", api)
		if records == 0 {
			t.Errorf("%s: the API cites no record", date)
		}
		for _, d := range diffJSON("", strip(api), strip(cli)) {
			t.Errorf("%s: API and command differ at %s", date, d)
		}
		out.Reset()
		var logged map[string]any
		if code := run([]string{"warning", "--as-of", date, "--log", filepath.Join(dir, "log"), "--json"}, nil, &out, &errb); code != 0 {
			t.Fatalf("%s --log: exit %d: %s", date, code, errb.String())
		}
		if err := json.Unmarshal(out.Bytes(), &logged); err != nil {
			t.Fatal(err)
		}
		for _, d := range diffJSON("", api, logged) {
			t.Errorf("%s: API and command --log differ at %s", date, d)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"warning", "--as-of", "2024-06-01", "--log", filepath.Join(dir, "log"), "--data", "x.csv"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--log and --data") {
		t.Errorf("--log with --data: exit %d, %q; want 2 naming both", code, errb.String())
	}
	if code := run([]string{"warning", "--as-of", "2024-06-01", "--log", t.TempDir()}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not a published log") {
		t.Errorf("--log of no log: exit %d, %q", code, errb.String())
	}
}

// strip removes from evidence what says where it is held (kind, ref,
// entry, record), which differs between a log and the public record.
func strip(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		_, evidence := v["ref"]
		for k, x := range v {
			if evidence && (k == "kind" || k == "ref" || k == "entry" || k == "record") {
				continue
			}
			out[k] = strip(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = strip(x)
		}
		return out
	}
	return v
}

// diffJSON lists where two decoded JSON values differ.
func diffJSON(path string, a, b any) []string {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for k := range a {
			if _, ok := bm[k]; !ok {
				out = append(out, fmt.Sprintf("%s/%s (only in the API: %.200v)", path, k, a[k]))
			}
		}
		for k, x := range bm {
			if _, ok := a[k]; !ok {
				out = append(out, fmt.Sprintf("%s/%s (only in the command: %.200v)", path, k, x))
				continue
			}
			out = append(out, diffJSON(path+"/"+k, a[k], x)...)
		}
		slices.Sort(out)
		return out
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return []string{fmt.Sprintf("%s (lengths %d and %d)", path, len(a), len(bs))}
		}
		var out []string
		for i := range a {
			out = append(out, diffJSON(fmt.Sprintf("%s/%d", path, i), a[i], bs[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{fmt.Sprintf("%s: %.300v vs %.300v", path, a, b)}
	}
	return nil
}
