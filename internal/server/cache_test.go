package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
)

// growing is a log over the public series that a test can grow: before
// grow, its checkpoint covers 10 entries and its index holds the facts
// up to 2024; after, 11 entries and every fact. It can also hold a
// record beyond its checkpoint (indexed, not yet published), and fail.
type growing struct {
	fake
	mu     sync.Mutex
	size   int
	cosigs int // the witnesses' cosignatures on the checkpoint
	beyond []record.Row
	fail   bool
	// gate, when set, holds Facts until it is closed.
	gate  chan struct{}
	reads atomic.Int64
}

func (g *growing) Checkpoint(context.Context) ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	cp := fmt.Appendf(nil, "example.org/log\n%d\nAAAA\n\n— example.org/log sig\n", g.size)
	for i := range g.cosigs {
		cp = fmt.Appendf(cp, "— witness-%d cosig\n", i)
	}
	return cp, nil
}

func (g *growing) Query(_ context.Context, f record.Filter) ([]record.Row, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f.After != nil && *f.After+1 == uint64(g.size) {
		return append([]record.Row{}, g.beyond...), nil
	}
	return []record.Row{}, nil
}

func (g *growing) Facts(context.Context) ([]state.Fact, error) {
	g.reads.Add(1)
	g.mu.Lock()
	gate, fail, size := g.gate, g.fail, g.size
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if fail {
		return nil, errors.New("the index database is on fire")
	}
	all := evidence.Public(dataset.Embedded())
	if size > 10 {
		return all, nil
	}
	var early []state.Fact
	for _, f := range all {
		if f.Date.Before(calendar.Of(2025, 1, 1)) {
			early = append(early, f)
		}
	}
	return early, nil
}

func newGrowing(cacheBytes int64) (*growing, *server.Server) {
	g := &growing{size: 10}
	s := server.New(server.Config{Log: g, Index: g, Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), RatePerSecond: 1e9, Burst: 1e9, CacheBytes: cacheBytes})
	s.SetStateTTL(0)
	return g, s
}

func ifNoneMatch(tag string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("If-None-Match", tag) }
}

// A repeated request with the tag it was given is answered 304, with
// the tag and the caching headers and no body; a list of tags, weak or
// not, and "*" match too; another tag gets the page.
func TestRepeatWithTheTagIsNotModified(t *testing.T) {
	_, s := newGrowing(0)
	for _, path := range []string{"/", "/?as_of=2025-02-08", "/trends?as_of=2025-11-01", "/api/v1/status?as_of=2025-02-08", "/api/v1/status?as_of=2024-06-01&samples=100",
		"/report?as_of=2025-02-08&format=json", "/api/v1/clock", "/static/style.css", "/api/v1/openapi.json"} {
		first := page(s, "GET", path, "", nil)
		tag := first.Header().Get("ETag")
		if first.Code != 200 || tag == "" || first.Header().Get("Cache-Control") == "" || first.Header().Get("Vary") != "Authorization, Cookie" {
			t.Fatalf("%s: HTTP %d, ETag %q, Cache-Control %q, Vary %q", path, first.Code, tag, first.Header().Get("Cache-Control"), first.Header().Get("Vary"))
		}
		for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag, `W/"a,b" ,` + tag, "*"} {
			rec := page(s, "GET", path, "", ifNoneMatch(inm))
			if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != tag ||
				rec.Header().Get("Cache-Control") != first.Header().Get("Cache-Control") || rec.Header().Get("Vary") == "" {
				t.Errorf("%s with If-None-Match %s: HTTP %d, ETag %q, Cache-Control %q, %d bytes", path, inm, rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"), rec.Body.Len())
			}
		}
		for _, inm := range []string{`"other"`, strings.TrimSuffix(tag, `"`) + `x"`, "garbage"} {
			if rec := page(s, "GET", path, "", ifNoneMatch(inm)); rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), first.Body.Bytes()) {
				t.Errorf("%s with If-None-Match %s: HTTP %d, want the page", path, inm, rec.Code)
			}
		}
	}
	// Public answers are for any cache, briefly; the page's own headers
	// stay.
	rec := page(s, "GET", "/?as_of=2025-02-08", "", nil)
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=5, must-revalidate" {
		t.Errorf("overview: Cache-Control %q", cc)
	}
	if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("X-Frame-Options") != "DENY" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("overview from the cache lost its headers: %v", rec.Header())
	}
}

// A checkpoint of the same tree published again with a witness's
// cosignature more changes no answer derived from the log: their tags stay
// and a repeat is 304 (a page computed before and asked for after is not
// sent again); the checkpoint itself changes, and so does its tag.
func TestACosignedCheckpointKeepsThePagesTags(t *testing.T) {
	g, s := newGrowing(1 << 20)
	tags := map[string]string{}
	for _, path := range []string{"/?as_of=2025-02-08", "/api/v1/status?as_of=2025-02-08&samples=100", "/api/v1/checkpoint"} {
		tags[path] = page(s, "GET", path, "", nil).Header().Get("ETag")
	}
	g.mu.Lock()
	g.cosigs++
	g.mu.Unlock()
	for path, tag := range tags {
		rec := page(s, "GET", path, "", ifNoneMatch(tag))
		switch path {
		case "/api/v1/checkpoint":
			if rec.Code != 200 || rec.Header().Get("ETag") == tag || !strings.Contains(rec.Body.String(), "witness-0") {
				t.Errorf("%s after a new cosignature: HTTP %d, ETag %q (was %q)", path, rec.Code, rec.Header().Get("ETag"), tag)
			}
		default:
			if rec.Code != http.StatusNotModified || rec.Header().Get("ETag") != tag {
				t.Errorf("%s after a new cosignature: HTTP %d, ETag %q; want 304 with %q", path, rec.Code, rec.Header().Get("ETag"), tag)
			}
		}
	}
}

// A new checkpoint, or a record indexed beyond the published checkpoint,
// changes the tag; the old tag then gets the new page, and the new one is
// 304.
func TestANewRecordChangesTheTagAndThePage(t *testing.T) {
	g, s := newGrowing(0)
	for _, path := range []string{"/?as_of=2025-06-01", "/api/v1/status?as_of=2025-06-01&samples=100"} {
		g.mu.Lock()
		g.size, g.beyond = 10, nil
		g.mu.Unlock()
		before := page(s, "GET", path, "", nil)
		old := before.Header().Get("ETag")

		// Indexed, not yet in a checkpoint: the tag changes.
		g.mu.Lock()
		g.beyond = []record.Row{{Index: 10}}
		g.mu.Unlock()
		ahead := page(s, "GET", path, "", ifNoneMatch(old))
		if ahead.Code != 200 || ahead.Header().Get("ETag") == old {
			t.Errorf("%s: a record beyond the checkpoint left the tag %s (HTTP %d)", path, old, ahead.Code)
		}

		// Published: the tag changes again, and the page with it.
		g.mu.Lock()
		g.size, g.beyond = 11, nil
		g.mu.Unlock()
		after := page(s, "GET", path, "", ifNoneMatch(old))
		tag := after.Header().Get("ETag")
		if after.Code != 200 || tag == old || tag == ahead.Header().Get("ETag") || !strings.HasPrefix(tag, `"11-`) {
			t.Errorf("%s: after a checkpoint: HTTP %d, tag %s (was %s)", path, after.Code, tag, old)
		}
		if bytes.Equal(after.Body.Bytes(), before.Body.Bytes()) {
			t.Errorf("%s: the page did not change with the new record", path)
		}
		if rec := page(s, "GET", path, "", ifNoneMatch(tag)); rec.Code != http.StatusNotModified {
			t.Errorf("%s: the new tag: HTTP %d", path, rec.Code)
		}
	}
	// The cache keeps only the answers of the current state: the second
	// path's at 11 entries (the loop went back to 10 for it, which set
	// the first path's aside).
	if st := s.CacheStats(); st.Entries != 1 {
		t.Errorf("the cache holds %d answers, want the 1 of the current state", st.Entries)
	}
}

// A member's answer is private: its own tag, which differs from the
// public one and from another member's, never from the shared cache.
func TestAMembersAnswerIsPrivate(t *testing.T) {
	s, tokens := setup(t)
	as := func(role string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tokens[role]) }
	}
	path := "/?as_of=2025-02-08"
	public := page(s, "GET", path, "", nil)
	entries := s.CacheStats().Entries
	tags := map[string]string{"anonymous": public.Header().Get("ETag")}
	for _, role := range []string{"party", "state", "us"} {
		rec := page(s, "GET", path, "", as(role))
		tag := rec.Header().Get("ETag")
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != "private, no-cache" || rec.Header().Get("Vary") != "Authorization, Cookie" {
			t.Errorf("%s: HTTP %d, Cache-Control %q, Vary %q", role, rec.Code, rec.Header().Get("Cache-Control"), rec.Header().Get("Vary"))
		}
		for other, t2 := range tags {
			if tag == "" || tag == t2 {
				t.Errorf("%s's tag %q is %s's", role, tag, other)
			}
		}
		tags[role] = tag
		// Its own tag is 304 for the member, not for the public.
		if rec := page(s, "GET", path, "", func(r *http.Request) { as(role)(r); r.Header.Set("If-None-Match", tag) }); rec.Code != http.StatusNotModified || rec.Header().Get("Cache-Control") != "private, no-cache" {
			t.Errorf("%s with its tag: HTTP %d, Cache-Control %q", role, rec.Code, rec.Header().Get("Cache-Control"))
		}
		if rec := page(s, "GET", path, "", ifNoneMatch(tag)); rec.Code != 200 || strings.Contains(rec.Body.String(), "signed in") {
			t.Errorf("a member's tag from the public: HTTP %d", rec.Code)
		}
	}
	// Records are a member's only.
	rec := page(s, "GET", "/api/v1/records", "", as("inspectorate"))
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "private, no-cache" || rec.Header().Get("ETag") == "" {
		t.Errorf("records for the inspectorate: HTTP %d, Cache-Control %q, ETag %q", rec.Code, rec.Header().Get("Cache-Control"), rec.Header().Get("ETag"))
	}
	if got := s.CacheStats().Entries; got != entries {
		t.Errorf("members' answers went into the shared cache: %d entries, want %d", got, entries)
	}
}

// The cache answers with the bytes it computed, once.
func TestTheCacheServesIdenticalBytes(t *testing.T) {
	g, s := newGrowing(0)
	path := "/trends?as_of=2025-11-01"
	first := page(s, "GET", path, "", nil)
	second := page(s, "GET", path, "", nil)
	if first.Code != 200 || !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) || first.Header().Get("ETag") != second.Header().Get("ETag") ||
		first.Header().Get("Content-Type") != second.Header().Get("Content-Type") {
		t.Errorf("the second answer differs from the first")
	}
	if n := s.CacheStats().Computed; n != 1 {
		t.Errorf("computed %d times, want 1", n)
	}
	if n := g.reads.Load(); n != 2 { // the trends page reads the facts twice
		t.Errorf("the index was read %d times, want 2 (once for one page)", n)
	}
	// Without the cache each answer is computed, with the same tag.
	g2, nocache := newGrowing(-1)
	a, b := page(nocache, "GET", path, "", nil), page(nocache, "GET", path, "", nil)
	if a.Header().Get("ETag") == "" || a.Header().Get("ETag") != b.Header().Get("ETag") || g2.reads.Load() != 4 || nocache.CacheStats().Entries != 0 {
		t.Errorf("without the cache: tags %q %q, %d reads", a.Header().Get("ETag"), b.Header().Get("ETag"), g2.reads.Load())
	}
}

// Concurrent requests for an answer that is not in the cache compute it
// once, and all get it.
func TestConcurrentMissesComputeOnce(t *testing.T) {
	g, s := newGrowing(0)
	g.gate = make(chan struct{})
	path := "/api/v1/status?as_of=2025-02-08&samples=100"
	const n = 20
	var wg sync.WaitGroup
	bodies := make([][]byte, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := page(s, "GET", path, "", nil)
			if rec.Code == 200 {
				bodies[i] = rec.Body.Bytes()
			}
		}()
	}
	// Let every request reach the cache, then let the one computation
	// through.
	deadline := time.Now().Add(5 * time.Second)
	for g.reads.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	close(g.gate)
	wg.Wait()
	if c := s.CacheStats().Computed; c != 1 || g.reads.Load() != 1 {
		t.Errorf("%d concurrent misses computed %d times, %d reads of the index", n, c, g.reads.Load())
	}
	for i := range bodies {
		if bodies[i] == nil || !bytes.Equal(bodies[i], bodies[0]) {
			t.Fatalf("request %d got another answer", i)
		}
	}
}

// Errors carry no tag, no cache keeps them, and none is answered 304.
func TestErrorsAreNotCached(t *testing.T) {
	g, s := newGrowing(0)
	for _, path := range []string{"/api/v1/status?as_of=2025-13-01", "/?as_of=nonsense", "/records", "/api/v1/charts/none?as_of=2025-02-08"} {
		for range 2 {
			rec := page(s, "GET", path, "", ifNoneMatch("*"))
			if rec.Code < 400 || rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s: HTTP %d, ETag %q, Cache-Control %q", path, rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
			}
		}
	}
	if st := s.CacheStats(); st.Entries != 0 || st.Computed != 8 {
		t.Errorf("after errors the cache holds %d answers and computed %d, want 0 and 8 (each error computed again)", st.Entries, st.Computed)
	}
	// An outage of the index is not kept: once it is back, the page is.
	path := "/api/v1/status?as_of=2025-02-08&samples=100"
	g.mu.Lock()
	g.fail = true
	g.mu.Unlock()
	if rec := page(s, "GET", path, "", nil); rec.Code != 500 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("failing index: HTTP %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	g.mu.Lock()
	g.fail = false
	g.mu.Unlock()
	if rec := page(s, "GET", path, "", nil); rec.Code != 200 || rec.Header().Get("ETag") == "" {
		t.Errorf("index back: HTTP %d", rec.Code)
	}
}

// A read of the state serves the requests of the next moments only: a
// record indexed since is in the tags shortly after.
func TestTheStateIsReadAgainSoon(t *testing.T) {
	g, s := newGrowing(0)
	s.SetStateTTL(20 * time.Millisecond)
	path := "/api/v1/status?as_of=2025-06-01&samples=100"
	old := page(s, "GET", path, "", nil).Header().Get("ETag")
	g.mu.Lock()
	g.size = 11
	g.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	if rec := page(s, "GET", path, "", ifNoneMatch(old)); rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("ETag"), `"11-`) {
		t.Errorf("50 ms after a checkpoint: HTTP %d, ETag %s", rec.Code, rec.Header().Get("ETag"))
	}
}

// An answer computed while a checkpoint arrives carries the tag of the
// state read before it, and is not kept: its body may show the new record.
func TestAnAnswerComputedAcrossACheckpointIsNotKept(t *testing.T) {
	g, s := newGrowing(0)
	g.gate = make(chan struct{})
	done := make(chan *http.Response, 1)
	go func() {
		done <- page(s, "GET", "/api/v1/status?as_of=2025-06-01&samples=100", "", nil).Result()
	}()
	for g.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	g.mu.Lock()
	g.size = 11
	g.mu.Unlock()
	close(g.gate)
	resp := <-done
	if tag := resp.Header.Get("ETag"); resp.StatusCode != 200 || !strings.HasPrefix(tag, `"10-`) {
		t.Errorf("HTTP %d, ETag %s, want the tag of 10 entries", resp.StatusCode, tag)
	}
	if n := s.CacheStats().Entries; n != 0 {
		t.Errorf("the cache kept %d answers computed across a checkpoint", n)
	}
}
