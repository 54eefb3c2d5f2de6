package server_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// A figure not known at the date is never a number in an answer: before
// any report (1950) and after the inspectorate lost access (2026), every
// object that says "known": false has a null "value" and "date", and the
// figure last known before, when there was one, is under "last" with its
// own date.
func TestUnknownFiguresAreNull(t *testing.T) {
	s := embeddedServer()
	for _, c := range []struct {
		date string
		// last is whether some unknown figure was known before.
		last bool
	}{{"1950-01-01", false}, {"2026-06-01", true}} {
		for _, path := range []string{"/api/v1/status?samples=20&as_of=", "/report?format=json&as_of="} {
			target := path + c.date
			rec := page(s, "GET", target, "", nil)
			var body any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != 200 || err != nil {
				t.Fatalf("%s: HTTP %d: %v", target, rec.Code, err)
			}
			var unknown, withLast int
			walkJSON(body, "", func(at string, o map[string]any) {
				known, ok := o["known"].(bool)
				if !ok {
					return
				}
				if known {
					if _, ok := o["value"].(float64); !ok {
						t.Errorf("%s: %s is known, with the value %v", target, at, o["value"])
					}
					if _, ok := o["last"]; ok {
						t.Errorf("%s: %s is known, with a last figure %v", target, at, o["last"])
					}
					return
				}
				unknown++
				for _, k := range []string{"value", "date"} {
					if v, ok := o[k]; !ok || v != nil {
						t.Errorf("%s: %s is not known, with the %s %v", target, at, k, v)
					}
				}
				if o["last"] == nil {
					return
				}
				withLast++
				last, _ := o["last"].(map[string]any)
				if _, ok := last["value"].(float64); !ok || last["date"] == nil {
					t.Errorf("%s: %s's last figure %v has no value or no date", target, at, o["last"])
				}
			})
			if path == "/api/v1/status?samples=20&as_of=" && (unknown == 0 || c.last != (withLast > 0)) {
				t.Errorf("%s: %d unknown figures, %d with a last figure", target, unknown, withLast)
			}
		}
	}
}

// walkJSON calls f on every object of a decoded JSON value, with its path.
func walkJSON(v any, at string, f func(at string, o map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(at, v)
		for k, e := range v {
			walkJSON(e, at+"."+k, f)
		}
	case []any:
		for i, e := range v {
			walkJSON(e, fmt.Sprintf("%s[%d]", at, i), f)
		}
	}
}
