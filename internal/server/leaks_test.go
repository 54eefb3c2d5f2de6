package server_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/server"
)

// get makes a GET request as role and returns the status and body.
func get(t *testing.T, s *server.Server, tokens map[string]string, role, url string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	if role != "anonymous" && role != "" {
		req.Header.Set("Authorization", "Bearer "+tokens[role])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// Paging through the records, whatever the filter and the position, never
// names the position of a record the caller may not read: next_after is
// always the index of a record of the page. (It used to be the last index
// the index returned, so "after=2&limit=1" showed the US that a talks
// record of Iran's sat at 3.)
func TestRecordsPagingRevealsOnlyReadablePositions(t *testing.T) {
	s, tokens := setup(t)
	readable := map[string][]uint64{ // the backend's rows: 1 a finding, 2 the US's talks record, 3 Iran's
		"us": {1, 2}, "state": {1, 3}, "party": {1}, "inspectorate": {1}, "mediator": {2, 3},
	}
	for role, want := range readable {
		for _, query := range []string{"", "limit=1", "kind=talks_commitment", "kind=inspection_finding", "author=iran", "author=us&limit=1"} {
			var got []uint64
			after := ""
			for range 10 {
				url := "/api/v1/records?" + query + after
				code, body := get(t, s, tokens, role, url)
				var page struct {
					Records []struct{ Index uint64 }
					Next    *uint64 `json:"next_after"`
				}
				if err := json.Unmarshal([]byte(body), &page); code != 200 || err != nil {
					t.Fatalf("%s as %s: HTTP %d %s", url, role, code, body)
				}
				var indexes []uint64
				for _, r := range page.Records {
					indexes = append(indexes, r.Index)
				}
				got = append(got, indexes...)
				if page.Next == nil {
					break
				}
				if len(indexes) == 0 || *page.Next != indexes[len(indexes)-1] {
					t.Errorf("%s as %s: next_after %d names no record of the page %v", url, role, *page.Next, indexes)
					break
				}
				after = fmt.Sprintf("&after=%d", *page.Next)
			}
			for _, i := range got {
				if !contains(want, i) {
					t.Errorf("records?%s as %s lists %d, which it may not read", query, role, i)
				}
			}
		}
	}
	// The attack as reported: the last readable record, then one more.
	if _, body := get(t, s, tokens, "us", "/api/v1/records?after=2&limit=1"); strings.Contains(body, "next_after") || strings.Contains(body, `"index": 3`) {
		t.Errorf("after the US's last readable record: %s", body)
	}
	// The records page's "next" link follows the same rule.
	if _, body := get(t, s, tokens, "us", "/records?after=1"); strings.Contains(body, "after=3") || strings.Contains(body, "/records/3") {
		t.Errorf("the records page shows a position the US may not read")
	}
}

func contains(xs []uint64, x uint64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// A forbidden record says why it is forbidden: the mediator, who reads
// talks content only, is not told that an inspection finding is "private
// talks content".
func TestForbiddenRecordSaysWhy(t *testing.T) {
	s, tokens := setup(t)
	for _, c := range []struct {
		role, url, want, not string
	}{
		{"mediator", "/api/v1/records/1", "the agreement's: its parties, its state and the inspectorate read it", "private talks content"},
		{"us", "/api/v1/records/3", "private talks content", "the agreement's"},
		{"party", "/api/v1/records/2", "private talks content", "the agreement's"},
	} {
		code, body := get(t, s, tokens, c.role, c.url)
		var e struct{ Error server.Error }
		_ = json.Unmarshal([]byte(body), &e)
		if code != 403 || e.Error.Code != "forbidden" || !strings.Contains(e.Error.Message, c.want) || strings.Contains(e.Error.Message, c.not) {
			t.Errorf("%s as %s: HTTP %d %s, want 403 saying %q", c.url, c.role, code, body, c.want)
		}
	}
}
