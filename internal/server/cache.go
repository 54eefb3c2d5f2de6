package server

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/record"
)

// Validators and the page cache.
//
// Every answer derived from the log is a function of the log's state, the
// path and query, the caller's view and the running program. Its entity
// tag names all four, so a tag is known before the answer is computed: a
// matching If-None-Match is answered 304 at the cost of reading the
// state, and a public answer is computed once per state and kept in a
// cache bounded by bytes.
//
// The state is read once, before the answer is computed. It is the latest
// published checkpoint (its bytes: origin, size, root hash and
// signatures) and the number of indexed records beyond it: the index takes
// a record as soon as it is sequenced, before a checkpoint covers it, and
// the pages show what is indexed. Records are only ever added to the
// index, so that count names the set of records the pages read.

// Cache-Control of the answers that carry a tag.
const (
	// publicCache lets any cache keep a public answer for five seconds and
	// then ask again: a crisis that sends thousands of readers to the
	// same page costs one computation per checkpoint, and nobody reads a
	// figure more than five seconds older than the log's.
	publicCache = "public, max-age=5, must-revalidate"
	// privateCache keeps a member's answer in the member's own cache
	// only, asked again before each use (a 304 when nothing changed).
	privateCache = "private, no-cache"
	// staticCache is the stylesheet's and the scripts': they change only
	// with the program.
	staticCache = "public, max-age=300"
	// vary names the request headers the answer depends on: who the
	// caller is.
	vary = "Authorization, Cookie"
)

// storeNothing gives an answer whose handler set no Cache-Control the
// default of every answer: no cache stores it, and it varies by caller.
// Only the answers that say they may be kept are: the tagged ones (public
// to anonymous callers, private to members), the static files and the
// log's files. Everything else (the talks, a read token, the sign-in
// steps, the service routes, every error) is the caller's and of its
// moment, and a route added later is too until it says otherwise.
func storeNothing(h http.Header) {
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	if h.Get("Cache-Control") == "no-store" && h.Get("Vary") == "" {
		h.Set("Vary", vary)
	}
}

// DefaultCacheBytes bounds the page cache when Config.CacheBytes is 0.
const DefaultCacheBytes = 32 << 20

// tagKind says what an answer's tag rests on.
type tagKind int

const (
	// fromLog: the log's state and the date (pages default to today).
	fromLog tagKind = iota
	// fromCheckpoint: fromLog, and the checkpoint's signatures, which a
	// republished checkpoint of the same tree changes (the checkpoint
	// itself); not kept in the page cache.
	fromCheckpoint
	// fixed: the program and its configuration only.
	fixed
	// static: fixed, and kept five minutes by any cache.
	static
)

// logState is the state of the log an answer is computed at.
type logState struct {
	size uint64 // the published checkpoint's size
	// id names the tree (the hash of the checkpoint's body: origin, size
	// and root), the records beyond it and the date: what an answer
	// derived from the log depends on. The witnesses' cosignatures of a
	// republished checkpoint of the same tree do not change it.
	id string
	// signed is the hash of the whole checkpoint, signatures included.
	signed string
}

// maxBeyond is how many indexed records beyond the published checkpoint
// the state counts; with more (the witnesses have not cosigned for long),
// answers carry no tag and are computed every time, as without a cache.
const maxBeyond = 1000

// stateTTL is how long a state read serves the requests that follow it:
// the state costs a read of the checkpoint and a query of the index, as
// much as a page from the cache, and under a crowd one read in 20 ms
// serves them all. A record is seen by the tags at most stateTTL after
// it is indexed (at once when it was submitted through this server).
const stateTTL = 20 * time.Millisecond

// stateMemo is the last state read and when its read began.
type stateMemo struct {
	mu  sync.Mutex
	ttl time.Duration
	st  logState
	at  time.Time
	ok  bool
}

// currentState is the log's state as of at most stateTTL ago, read before
// the request's answer is computed.
func (s *Server) currentState(ctx context.Context) (logState, bool) {
	m := &s.memo
	m.mu.Lock()
	if m.ok && time.Since(m.at) < m.ttl {
		st := m.st
		m.mu.Unlock()
		return st, true
	}
	m.mu.Unlock()
	began := time.Now()
	st, ok := s.state(ctx)
	m.mu.Lock()
	if ok && began.After(m.at) {
		m.st, m.at, m.ok = st, began, true
	}
	m.mu.Unlock()
	return st, ok
}

// forgetState makes the next request read the state afresh (a record was
// just submitted through this server).
func (s *Server) forgetState() {
	s.memo.mu.Lock()
	s.memo.ok = false
	s.memo.mu.Unlock()
}

// state reads the log's state; ok is false when it cannot be read, and
// answers then carry no tag.
func (s *Server) state(ctx context.Context) (logState, bool) {
	if s.cfg.Log == nil || s.cfg.Index == nil {
		return logState{}, false
	}
	cp, err := s.cfg.Log.Checkpoint(ctx)
	if err != nil {
		return logState{}, false
	}
	lines := strings.SplitN(string(cp), "\n", 3)
	if len(lines) < 3 {
		return logState{}, false
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return logState{}, false
	}
	f := record.Filter{Limit: maxBeyond}
	if size > 0 {
		last := size - 1
		f.After = &last
	}
	beyond, err := s.cfg.Index.Query(ctx, f)
	if err != nil || len(beyond) >= maxBeyond {
		return logState{}, false
	}
	body, _, _ := strings.Cut(string(cp), "\n\n")
	h, whole := sha256.Sum256([]byte(body)), sha256.Sum256(cp)
	return logState{size: size, id: fmt.Sprintf("%x+%d@%s", h[:12], len(beyond), calendar.Today()), signed: fmt.Sprintf("%x", whole[:12])}, true
}

// program names the running program: its build (module versions and
// source revision) when the build says which revision it is, or this
// process otherwise (a build from a modified tree, or a test), so that a
// new program never answers with an old program's tag.
var program = sync.OnceValue(func() string {
	h := sha256.New()
	info, ok := debug.ReadBuildInfo()
	identified := false
	if ok {
		h.Write([]byte(info.String()))
		rev, modified := "", ""
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		identified = rev != "" && modified == "false"
	}
	if !identified {
		fmt.Fprintf(h, "process %d", time.Now().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
})

// configuration names what of the server's configuration the answers show
// besides the log: the demonstration's notices, the agreement and the
// dataset.
func configuration(cfg Config) string {
	h := sha256.New()
	fmt.Fprintf(h, "demo %t\n", cfg.Demo)
	if cfg.Agreement != nil {
		b, _ := json.Marshal(cfg.Agreement)
		h.Write(b)
	}
	if cfg.Dataset != nil {
		_ = cfg.Dataset.WriteJSON(h)
	}
	if cfg.Uncertainties != nil {
		b, _ := json.Marshal(cfg.Uncertainties)
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// view is who an answer is for: "public" for anonymous callers, or the
// member's party, role and key (the pages name the key).
func viewOf(c caller) string {
	if c.anonymous() {
		return "public"
	}
	return "member " + c.Party + "/" + c.Role + "/" + c.Key
}

// answerKey is what an answer depends on, and so its tag and its place in
// the cache.
func (s *Server) answerKey(state string, c caller, r *http.Request) string {
	// Query parameters sorted by name, each keeping its values' order
	// (the order of repeated values can matter), in one encoding.
	q := r.URL.Query().Encode()
	return strings.Join([]string{program(), s.config, state, viewOf(c), r.URL.Path, q}, "\x00")
}

// etag is the entity tag of an answer's key: the checkpoint size it was
// computed at, for people, and a hash of the whole key.
func etag(size uint64, key string) string {
	h := sha256.Sum256([]byte(key))
	return `"` + strconv.FormatUint(size, 10) + "-" + hex.EncodeToString(h[:12]) + `"`
}

// noneMatch reports whether an If-None-Match field value matches tag, by
// weak comparison (RFC 9110, 13.1.2): "*", or a list of tags one of which
// has tag's opaque part.
func noneMatch(field, tag string) bool {
	want := strings.TrimPrefix(tag, "W/")
	for {
		field = strings.TrimLeft(field, " \t,")
		if field == "" {
			return false
		}
		if field[0] == '*' {
			return true
		}
		t, rest, ok := scanTag(field)
		if !ok {
			return false // not a list of tags: ignore it
		}
		if strings.TrimPrefix(t, "W/") == want {
			return true
		}
		field = rest
	}
}

// scanTag reads one entity tag (W/"..." or "...") from the start of s.
func scanTag(s string) (tag, rest string, ok bool) {
	start := s
	s = strings.TrimPrefix(s, "W/")
	if len(s) < 2 || s[0] != '"' {
		return "", "", false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return start[:len(start)-len(s)+i+1], s[i+1:], true
		case c == 0x21 || c >= 0x23 && c != 0x7f:
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// answer is a computed answer: its status, headers and body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a *answer) size() int64 {
	n := int64(len(a.body)) + 200
	for k, vs := range a.header {
		n += int64(len(k))
		for _, v := range vs {
			n += int64(len(v))
		}
	}
	return n
}

// recorder keeps what a handler writes.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }
func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// transientKey marks a request whose answer says something that may read
// differently a moment later at the same state (a check that timed out).
type transientKey struct{}

// transient marks r's answer as one to compute again: it carries no tag
// and is not kept.
func transient(r *http.Request) {
	if p, ok := r.Context().Value(transientKey{}).(*atomic.Bool); ok {
		p.Store(true)
	}
}

// compute runs h for r and returns its answer; keep is false when the
// answer must not be kept or tagged (an error, or transient).
func compute(h http.HandlerFunc, r *http.Request) (a *answer, keep bool) {
	var marked atomic.Bool
	rec := &recorder{header: http.Header{}}
	h(rec, r.WithContext(context.WithValue(r.Context(), transientKey{}, &marked)))
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	a = &answer{status: rec.status, header: rec.header, body: rec.body.Bytes()}
	return a, a.status == http.StatusOK && !marked.Load()
}

// tagged serves h with validators: the answer's tag, 304 to a matching
// If-None-Match, its Cache-Control, and, for anonymous callers, the answer
// from the cache, computed once per key however many ask at once.
func (s *Server) tagged(kind tagKind, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r)
		st := logState{id: "fixed"}
		if kind == fromLog || kind == fromCheckpoint {
			var ok bool
			if st, ok = s.currentState(r.Context()); !ok {
				// Without a state there is no tag: computed every time,
				// and no cache keeps it.
				w.Header().Set("Cache-Control", "no-store")
				h(w, r)
				return
			}
		}
		state := st.id
		if kind == fromCheckpoint {
			state += "/" + st.signed
		}
		key := s.answerKey(state, c, r)
		tag := etag(st.size, key)
		policy := publicCache
		switch {
		case !c.anonymous():
			policy = privateCache
		case kind == static:
			policy = staticCache
		}
		hdr := w.Header()
		hdr.Set("Vary", vary)
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm != "*" && noneMatch(inm, tag) {
			hdr.Set("ETag", tag)
			hdr.Set("Cache-Control", policy)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var a *answer
		var keep bool
		switch {
		case c.anonymous() && s.cache != nil && kind != fromCheckpoint:
			if a = s.cache.get(key); a != nil {
				keep = true
				break
			}
			a, keep = s.fill(kind, st, key, h, r)
			if a == nil {
				s.fail(w, r, r.Context().Err())
				return
			}
		default:
			a, keep = compute(h, r)
		}
		if keep && r.Header.Get("If-None-Match") == "*" {
			// Any current answer matches "*".
			hdr.Set("ETag", tag)
			hdr.Set("Cache-Control", policy)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		for k, vs := range a.header {
			hdr[k] = vs
		}
		if keep {
			hdr.Set("ETag", tag)
			hdr.Set("Cache-Control", policy)
		} else {
			hdr.Del("ETag")
			hdr.Set("Cache-Control", "no-store")
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}
}

// fill computes a public answer once for every caller that asks for key
// at the same time, and keeps it if the state did not change while it was
// computed. The computation is not stopped by the caller that started it
// going away; a caller that goes away stops waiting (nil answer).
func (s *Server) fill(kind tagKind, st logState, key string, h http.HandlerFunc, r *http.Request) (*answer, bool) {
	type result struct {
		a    *answer
		keep bool
	}
	ch := s.flight.DoChan(key, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), requestTimeout)
		defer cancel()
		s.computed.Add(1)
		a, keep := compute(h, r.WithContext(ctx))
		// Kept only if the log did not change while it was computed: the
		// answer may show the change, under the tag of the state before
		// it. It is still sent with that tag: by the time it is asked for
		// again the state, and so the tag, has moved on.
		store := keep
		if store && kind == fromLog {
			now, ok := s.state(ctx)
			store = ok && now.id == st.id
		}
		if store {
			s.cache.add(key, st.id, a)
		}
		return result{a, keep}, nil
	})
	select {
	case res := <-ch:
		v := res.Val.(result)
		return v.a, v.keep
	case <-r.Context().Done():
		return nil, false
	}
}

// pageCache keeps public answers, least recently used first out, within
// a bound on their bytes. Its entries are of one state of the log: an
// entry of another state empties it (the old ones could no longer be
// asked for).
type pageCache struct {
	mu    sync.Mutex
	max   int64
	bytes int64
	state string
	order *list.List // of *cached, most recently used first
	byKey map[string]*list.Element
}

type cached struct {
	key   string
	state string
	a     *answer
	size  int64
}

func newPageCache(max int64) *pageCache {
	return &pageCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *pageCache) get(key string) *answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).a
}

// add keeps a at key; an answer larger than an eighth of the bound is not
// kept (it would push out too many others).
func (c *pageCache) add(key, state string, a *answer) {
	n := a.size() + int64(len(key))
	if n > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if state != c.state {
		if state != "fixed" {
			// A new state of the log: only the fixed answers stay.
			for e := c.order.Front(); e != nil; {
				next := e.Next()
				if ce := e.Value.(*cached); ce.state != "fixed" {
					c.remove(e)
				}
				e = next
			}
			c.state = state
		}
	}
	if e, ok := c.byKey[key]; ok {
		c.remove(e)
	}
	c.byKey[key] = c.order.PushFront(&cached{key: key, state: state, a: a, size: n})
	c.bytes += n
	for c.bytes > c.max {
		c.remove(c.order.Back())
	}
}

func (c *pageCache) remove(e *list.Element) {
	ce := e.Value.(*cached)
	c.order.Remove(e)
	delete(c.byKey, ce.key)
	c.bytes -= ce.size
}

// CacheStats is what the page cache holds.
type CacheStats struct {
	Entries int
	Bytes   int64
	// Computed counts the public answers computed to fill the cache.
	Computed int64
}

// CacheStats says what the page cache holds now.
func (s *Server) CacheStats() CacheStats {
	st := CacheStats{Computed: s.computed.Load()}
	if s.cache != nil {
		s.cache.mu.Lock()
		st.Entries, st.Bytes = len(s.cache.byKey), s.cache.bytes
		s.cache.mu.Unlock()
	}
	return st
}
