// Package server is Accord's JSON API (/api/v1) over the evidence log and
// its index, and the dashboard. It declares the small interfaces it
// consumes; internal/app implements them over the ledger and the store.
package server

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/metrics"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/warning"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's OpenAPI document.
func OpenAPI() []byte { return openAPI }

// Log accepts signed records.
type Log interface {
	// Submit appends a signed record, indexes it, and waits briefly for its
	// receipt (nil when not yet published). A rejection is an *Error.
	Submit(ctx context.Context, entry []byte) (Submitted, error)
	// Receipt returns the receipt of the entry at index against the latest
	// published checkpoint, or nil when no published checkpoint covers the
	// entry yet.
	Receipt(ctx context.Context, index uint64) (json.RawMessage, error)
	// Checkpoint returns the latest published checkpoint.
	Checkpoint(ctx context.Context) ([]byte, error)
	// Check verifies the entry at index for a reader: its author's
	// signature against the key registry, and its inclusion proof against
	// the latest published checkpoint with that checkpoint's signatures.
	Check(ctx context.Context, index uint64) (RecordCheck, error)
}

// RecordCheck is what the dashboard shows of a record's verification.
type RecordCheck struct {
	// SignatureOK: the record's signature verifies under Key, a key of
	// Role in the registry; Signature says why when it does not.
	SignatureOK bool   `json:"signature_ok"`
	Signature   string `json:"signature"`
	Key         string `json:"key"`
	Role        string `json:"role"`
	// InclusionOK: the inclusion proof leads from the entry to the root
	// hash of the checkpoint of TreeSize entries, whose operator signature
	// and witness cosignatures verify; Inclusion says why when it does not.
	InclusionOK bool `json:"inclusion_ok"`
	// EntrySHA256 is the hash of the log's entry, to compare with the
	// index's copy.
	EntrySHA256 string   `json:"entry_sha256"`
	Inclusion   string   `json:"inclusion"`
	ProofHashes int      `json:"proof_hashes"`
	TreeSize    uint64   `json:"tree_size"`
	RootHash    string   `json:"root_hash"`
	Checkpoint  string   `json:"checkpoint"`
	Cosigners   []string `json:"cosigners"`
	Required    int      `json:"witnesses_required"`
}

// Submitted is an accepted record.
type Submitted struct {
	Index   uint64          `json:"index"`
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Author  string          `json:"author"`
	Receipt json.RawMessage `json:"receipt"`
}

// Index reads the log's index.
type Index interface {
	Query(ctx context.Context, f record.Filter) ([]record.Row, error)
	Get(ctx context.Context, index uint64) (record.Row, error)
	Facts(ctx context.Context) ([]state.Fact, error)
	// Books returns the accountancy records, by material balance area.
	Books(ctx context.Context) (*accountancy.Books, error)
	// Events returns the monitoring events, in log order.
	Events(ctx context.Context) ([]accountancy.Event, error)
}

// Config configures a server.
type Config struct {
	Log       Log
	Index     Index
	LogFiles  LogFiles // served read-only under /log/ (tlog-tiles); nil serves none
	Agreement *agreement.Agreement
	Dataset   *dataset.Dataset
	// Rooms keeps the talks rooms; nil serves none.
	Rooms Rooms
	// Uncertainties are the measurement uncertainties of the balance
	// pages (default: the labelled example table).
	Uncertainties *accountancy.Table
	Logger        *slog.Logger
	// Auth and Keys issue and check read tokens.
	Auth Auth
	Keys Keys
	// Confidential publishes the key registry and opens the records
	// sealed to the server; nil: neither.
	Confidential Confidential
	// MaxBodyBytes bounds request bodies (default 70,000: one record).
	MaxBodyBytes int64
	// RatePerSecond and Burst bound each caller's requests (defaults 50
	// and 100): by key with a token, by address without.
	RatePerSecond float64
	Burst         int
	// Demo marks the demonstration: every page says that its keys were
	// made for the demo and which of its data are synthetic.
	Demo bool
	// Replica says whether this server writes its log; nil: it does.
	Replica Replica
	// Metrics count every request by route and status, and are served at
	// /metrics; nil: none.
	Metrics *metrics.Metrics
	// CacheBytes bounds the cache of public pages and answers (0:
	// DefaultCacheBytes; negative: no cache, every answer is computed,
	// though each still carries its tag).
	CacheBytes int64
}

// Replica says whether this server writes its log or reads a log that
// another server writes. A reader serves every read; what would change the
// log or a talks room goes to the writer (rooms change under the writer's
// lock).
type Replica interface {
	// Writer reports whether this server is the log's writer and, when it
	// is not, the address the writer advertises ("" when unknown).
	Writer() (self bool, writer string)
}

// Server serves the API.
type Server struct {
	cfg       Config
	mux       *http.ServeMux
	limiter   *limiter
	dash      *dashboard
	roomLocks roomLocks
	// config names the configuration the answers show (see tagged).
	config   string
	cache    *pageCache // nil: none
	flight   singleflight.Group
	computed atomic.Int64
	memo     stateMemo
}

// New returns a server; routes are registered once.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 70_000
	}
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond, cfg.Burst = 50, 100
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(),
		limiter: &limiter{perSec: rate.Limit(cfg.RatePerSecond), burst: cfg.Burst, buckets: map[string]*rate.Limiter{}}}
	dash, err := parseDashboard(cfg.Demo)
	if err != nil {
		panic("server: the embedded dashboard templates: " + err.Error())
	}
	s.dash = dash
	s.config = configuration(cfg)
	s.memo.ttl = stateTTL
	switch {
	case cfg.CacheBytes == 0:
		s.cache = newPageCache(DefaultCacheBytes)
	case cfg.CacheBytes > 0:
		s.cache = newPageCache(cfg.CacheBytes)
	}
	for _, r := range s.routes() {
		h := r.handler
		if strictQuery(r.pattern) {
			h = s.checkQuery(r.pattern, h)
		}
		s.mux.HandleFunc(r.pattern, h)
	}
	return s
}

type route struct {
	pattern string
	handler http.HandlerFunc
}

// Routes lists the method-and-path patterns the server answers.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.routes() {
		out = append(out, r.pattern)
	}
	return out
}

func (s *Server) routes() []route {
	return []route{
		{"GET /healthz", s.healthz},
		{"GET /readyz", s.readyz},
		{"GET /api/v1/openapi.json", s.tagged(fixed, s.openapi)},
		{"GET /metrics", s.metrics},
		{"POST /api/v1/auth/challenge", s.challenge},
		{"POST /api/v1/auth/token", s.token},
		{"POST /api/v1/records", s.writes(s.submit)},
		{"GET /api/v1/records", s.tagged(fromLog, s.records)},
		{"GET /api/v1/records/{index}", s.tagged(fromLog, s.record)},
		{"GET /api/v1/checkpoint", s.tagged(fromCheckpoint, s.checkpoint)},
		{"GET /api/v1/keys", s.keys},
		{"GET /api/v1/status", s.tagged(fromLog, s.status)},
		{"GET /api/v1/timeline", s.tagged(fromLog, s.timeline)},
		{"GET /api/v1/breakout", s.tagged(fromLog, s.breakoutAt)},
		{"GET /api/v1/warning", s.tagged(fromLog, s.warningAt)},
		{"POST /api/v1/breakout", s.breakoutScenario},
		{"GET /api/v1/dataset", s.tagged(fixed, s.dataset)},
		{"GET /api/v1/agreements", s.tagged(fixed, s.agreements)},
		{"GET /api/v1/clock", s.tagged(fromLog, s.clock)},
		{"GET /log/{path...}", s.logFiles},
		{"GET /api/v1/charts/{name}", s.tagged(fromLog, s.chartSVG)},
		// Mediated talks.
		{"GET /api/v1/talks/rooms", s.listRooms},
		{"POST /api/v1/talks/rooms", s.writes(s.createRoom)},
		{"GET /api/v1/talks/rooms/{room}", s.talksRoute(unchanged, s.getRoom)},
		{"POST /api/v1/talks/rooms/{room}/red-lines", s.writes(s.talksRoute(changes, s.submitRedLines))},
		{"GET /api/v1/talks/rooms/{room}/red-lines/{party}", s.talksRoute(unchanged, s.getRedLines)},
		{"POST /api/v1/talks/rooms/{room}/proposals", s.writes(s.talksRoute(changes, s.propose))},
		{"POST /api/v1/talks/rooms/{room}/proposals/{proposal}/release", s.writes(s.talksRoute(changes, s.releaseProposal))},
		{"POST /api/v1/talks/rooms/{room}/notes", s.writes(s.talksRoute(changes, s.addNote))},
		{"POST /api/v1/talks/rooms/{room}/space", s.writes(s.talksRoute(changes, s.reviseSpace))},
		{"POST /api/v1/talks/rooms/{room}/space/freeze", s.writes(s.talksRoute(changes, s.freezeSpace))},
		{"POST /api/v1/talks/rooms/{room}/exclusions", s.writes(s.talksRoute(changes, s.exclude))},
		{"POST /api/v1/talks/rooms/{room}/feasibility", s.writes(s.talksRoute(charges, s.feasibility))},
		{"POST /api/v1/talks/rooms/{room}/zone", s.talksRoute(snapshot, s.zone)},
		{"POST /api/v1/talks/rooms/{room}/rounds", s.writes(s.talksRoute(changes, s.nextRound))},
		{"POST /api/v1/talks/rooms/{room}/messages", s.writes(s.talksRoute(unchanged, s.postMessage))},
		{"POST /api/v1/talks/rooms/{room}/messages/release", s.writes(s.talksRoute(unchanged, s.release))},
		{"GET /api/v1/talks/rooms/{room}/messages", s.talksRoute(unchanged, s.inbox)},
		{"POST /api/v1/talks/rooms/{room}/texts", s.writes(s.talksRoute(changes, s.draftText))},
		{"POST /api/v1/talks/rooms/{room}/texts/{version}/confirm", s.writes(s.talksRoute(changes, s.confirmText))},
		// The dashboard.
		{"GET /{$}", s.tagged(fromLog, s.overviewPage)},
		{"GET /trends", s.tagged(fromLog, s.trendsPage)},
		{"GET /what-if", s.tagged(fromLog, s.whatIfPage)},
		{"GET /records", s.tagged(fromLog, s.recordsPage)},
		{"GET /records/{index}", s.tagged(fromLog, s.recordPage)},
		{"GET /agreement", s.tagged(fromLog, s.agreementPage)},
		{"GET /report", s.tagged(fromLog, s.reportPage)},
		{"GET /sources", s.tagged(fixed, s.sourcesPage)},
		{"GET /balance", s.tagged(fromLog, s.balancePage)},
		{"GET /knowledge", s.tagged(fromLog, s.knowledgePage)},
		{"GET /signin", s.tagged(fixed, s.signinPage)},
		{"POST /signin", sameOrigin(s.signin)},
		{"POST /signout", sameOrigin(s.signout)},
		{"GET /static/{file}", s.tagged(static, s.static)},
		{"GET /talks", s.talksPage},
		{"GET /talks/{room}", s.talksRoomPage(unchanged, nil)},
		{"POST /talks/{room}/feasibility", sameOrigin(s.writes(s.talksRoomPage(charges, talksFeasibility)))},
		{"POST /talks/{room}/zone", sameOrigin(s.talksRoomPage(snapshot, talksZone))},
		{"POST /talks/{room}/proposals", sameOrigin(s.writes(s.talksRoomPage(changes, talksHold)))},
		{"POST /talks/{room}/texts", sameOrigin(s.writes(s.talksRoomPage(changes, talksDraft)))},
		{"POST /talks/{room}/messages", sameOrigin(s.writes(s.talksRoomPage(unchanged, s.talksMessage)))},
		{"POST /talks/{room}/messages/release", sameOrigin(s.writes(s.talksRoomPage(unchanged, s.talksReleaseMessages)))},
		{"POST /talks/{room}/sign", sameOrigin(s.writes(s.talksPrepare))},
		{"POST /talks/{room}/red-lines", sameOrigin(s.writes(s.talksRoomPage(changes, s.talksSignedRedLines)))},
		{"POST /talks/{room}/proposals/{proposal}/release", sameOrigin(s.writes(s.talksRoomPage(changes, s.talksSignedRelease)))},
		{"POST /talks/{room}/texts/{version}/confirm", sameOrigin(s.writes(s.talksRoomPage(changes, s.talksSignedConfirm)))},
	}
}

// csrf refuses cross-origin form posts (Sec-Fetch-Site and Origin
// checks).
var csrf = http.NewCrossOriginProtection()

func sameOrigin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := csrf.Check(r); err != nil {
			jsonError(w, &Error{Code: "cross_origin", Message: "cross-origin form posts are refused"})
			return
		}
		h(w, r)
	}
}

// ServeHTTP logs each request and sets the headers every answer carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	rw := &statusWriter{ResponseWriter: w, status: 200}
	// The request's work stops when its answer could no longer be
	// written, or when the client goes.
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	r, tooLarge := s.limitBody(rw, r.WithContext(ctx))
	c, err := s.authenticate(r)
	who := "key " + c.Key
	if c.anonymous() {
		who = "addr " + remoteHost(r)
	}
	switch {
	case tooLarge != nil:
		// Before the caller's token: a body too large is refused unread,
		// whoever sends it.
		s.fail(rw, r, tooLarge)
	case err != nil:
		s.fail(rw, r, err)
	case !s.limiter.allow(who):
		jsonError(rw, &Error{Code: "rate_limited", Message: "too many requests; slow down"})
	default:
		routed := r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
		s.mux.ServeHTTP(rw, routed)
		r.Pattern = routed.Pattern // the mux names the route it served
	}
	took := time.Since(start)
	if s.cfg.Metrics != nil {
		route := r.Pattern
		if route == "" { // refused before the mux: find the route it would have taken
			_, route = s.mux.Handler(r)
		}
		s.cfg.Metrics.Request(route, r.Method, rw.status, took)
	}
	// Only the method, path and outcome are logged: never bodies or tokens.
	s.cfg.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", rw.status, "caller", c.Role, "duration", took)
}

// statusWriter keeps an answer's status, and gives the answer whose
// handler says nothing of caching the default (storeNothing) as its
// headers are sent.
type statusWriter struct {
	http.ResponseWriter
	status int
	sent   bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.sent {
		w.sent = true
		storeNothing(w.Header())
	}
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.sent {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]string{"status": "ok"})
}

// writable is what /readyz asks of a Log that can say whether a
// submission can succeed now: nil, or why not in words for an operator.
type writable interface {
	Writable(ctx context.Context) error
}

// Readiness is /readyz's answer: ready when writes can succeed now. Each
// check is "ok" or why not.
type Readiness struct {
	Status string            `json:"status"` // "ready" or "not_ready"
	Checks map[string]string `json:"checks"` // index, log, writes
	// Role is "writer", or "reader" when another process writes the log:
	// a reader serves every read and names the Writer for the rest.
	Role   string `json:"role"`
	Writer string `json:"writer,omitempty"`
	Error  *Error `json:"error,omitempty"`
}

// readyz answers 200 when the index answers, the log's checkpoint reads
// and writes can succeed; otherwise 503, code unavailable, with
// Retry-After, saying which check failed and why.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ready := Readiness{Status: "ready", Checks: map[string]string{"index": "ok", "log": "ok", "writes": "ok"}, Role: "writer"}
	self, writer := s.writer()
	if !self {
		ready.Role, ready.Writer = "reader", writer
	}
	var why []string
	fail := func(check, reason string, err error) {
		s.cfg.Logger.Warn("not ready", "check", check, "err", err)
		ready.Checks[check] = reason
		why = append(why, check+": "+reason)
	}
	if _, err := s.cfg.Index.Query(r.Context(), record.Filter{Limit: 1}); err != nil {
		if unavailable(err) {
			fail("index", "unavailable: the index database cannot be reached", err)
		} else {
			fail("index", "failing: the index database answers with errors", err)
		}
	}
	if _, err := s.cfg.Log.Checkpoint(r.Context()); err != nil {
		fail("log", "failing: the log's checkpoint cannot be read", err)
	}
	switch wr, ok := s.cfg.Log.(writable); {
	case len(why) > 0:
		ready.Checks["writes"] = "no: see the other checks"
	case !self:
		ready.Checks["writes"] = "at the writer (" + writer + ")"
	case ok:
		if err := wr.Writable(r.Context()); err != nil {
			fail("writes", "no: "+err.Error(), err)
		}
	}
	if len(why) == 0 {
		writeJSON(w, 200, ready)
		return
	}
	ready.Status = "not_ready"
	ready.Error = &Error{Code: "unavailable", Message: "not ready: " + strings.Join(why, "; ")}
	retryAfter(w, ready.Error.status())
	writeJSON(w, ready.Error.status(), ready)
}

// writer reports whether this server writes its log, and the writer's
// address when it does not.
func (s *Server) writer() (bool, string) {
	if s.cfg.Replica == nil {
		return true, ""
	}
	return s.cfg.Replica.Writer()
}

// writes serves h only on the log's writer; a reader answers 503
// not_writer with the writer's address, changing nothing.
func (s *Server) writes(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if self, writer := s.writer(); !self {
			where := "the writer's address is not known yet"
			if writer != "" {
				where = "the writer is at " + writer
			}
			jsonError(w, &Error{Code: "not_writer", Writer: writer,
				Message: "this server reads the log and another writes it (" + where + "): send this there, or try again shortly; nothing was changed"})
			return
		}
		h(w, r)
	}
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

// metrics serves the server's metrics in Prometheus's text format: counts
// and times, nothing a record says.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Metrics == nil {
		jsonError(w, &Error{Code: "not_found", Message: "this server keeps no metrics"})
		return
	}
	s.cfg.Metrics.Handler().ServeHTTP(w, r)
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sub, err := s.cfg.Log.Submit(r.Context(), body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.forgetState()
	status := http.StatusCreated
	if sub.Receipt == nil {
		status = http.StatusAccepted // stored; the receipt waits for the witnesses
	}
	writeJSON(w, status, sub)
}

func (s *Server) records(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r)
	if err := requireRecordReader(c, true); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	visible, err := s.readableRows(r.Context(), c, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := map[string]any{"records": visible}
	if len(visible) > 0 {
		resp["next_after"] = visible[len(visible)-1].Index
	}
	writeJSON(w, 200, resp)
}

// readableRows returns the records of f that the caller may read: the
// index leaves out the others, so a page ends at a readable record and
// paging names no position of another.
func (s *Server) readableRows(ctx context.Context, c caller, f record.Filter) ([]record.Row, error) {
	visible := []record.Row{}
	f, ok := readable(c, f)
	if !ok {
		return visible, nil
	}
	rows, err := s.cfg.Index.Query(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		if canRead(c, row) {
			visible = append(visible, row)
		}
	}
	return visible, nil
}

// parseFilter reads the filter of GET /api/v1/records and of the records
// page; errors name the parameter.
func parseFilter(q url.Values) (record.Filter, error) {
	f := record.Filter{Kind: q.Get("kind"), Author: q.Get("author"), Site: q.Get("site"), Material: q.Get("material"), From: q.Get("from"), To: q.Get("to")}
	if f.Kind != "" && !slices.Contains(record.KindNames(), f.Kind) {
		return f, badRequest("kind", "unknown kind %q: the kinds are %s", f.Kind, strings.Join(record.KindNames(), ", "))
	}
	var dates [2]calendar.Date
	for i, d := range []struct{ name, v string }{{"from", f.From}, {"to", f.To}} {
		if d.v != "" {
			var err error
			if dates[i], err = calendar.Parse(d.v); err != nil {
				return f, badRequest(d.name, "%v", err)
			}
		}
	}
	if f.From != "" && f.To != "" && dates[1].Before(dates[0]) {
		return f, badRequest("to", "%s is before from (%s): to must be on or after from", f.To, f.From)
	}
	if v := q.Get("after"); v != "" {
		n, err := logIndex(v)
		if err != nil {
			return f, badRequest("after", "must be a log index in [0, %d], got %q", uint64(math.MaxInt64), v)
		}
		f.After = &n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return f, badRequest("limit", "must be in [1, 1000], got %q", v)
		}
		f.Limit = n
	}
	return f, nil
}

// logIndex reads a log index: a whole number below 2^63, the most the
// index databases hold.
func logIndex(v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err == nil && n > math.MaxInt64 {
		err = strconv.ErrRange
	}
	return n, err
}

// readableRecord returns the record at the path's index if the caller may
// read it.
func (s *Server) readableRecord(r *http.Request, c caller) (record.Row, error) {
	idx, err := logIndex(r.PathValue("index"))
	if err != nil {
		return record.Row{}, badRequest("index", "must be a log index in [0, %d], got %q", uint64(math.MaxInt64), r.PathValue("index"))
	}
	row, err := s.cfg.Index.Get(r.Context(), idx)
	if errors.Is(err, record.ErrNotFound) {
		return row, &Error{Code: "not_found", Field: "index", Message: fmt.Sprintf("no record at index %d", idx)}
	}
	if err != nil {
		return row, err
	}
	if err := readError(c, row); err != nil {
		return row, err
	}
	return row, nil
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r)
	if err := requireRecordReader(c, true); err != nil {
		s.fail(w, r, err)
		return
	}
	row, err := s.readableRecord(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	receipt, err := s.cfg.Log.Receipt(r.Context(), row.Index)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if receipt == nil {
		transient(r) // the receipt may be a moment away
	}
	out := map[string]any{"record": row, "receipt": receipt}
	if inner := s.opened(r.Context(), c, row); inner != nil {
		out["opened"] = inner
	}
	writeJSON(w, 200, out)
}

func (s *Server) checkpoint(w http.ResponseWriter, r *http.Request) {
	cp, err := s.cfg.Log.Checkpoint(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(cp)
}

// asOf reads the required as_of parameter.
func asOf(r *http.Request) (calendar.Date, error) {
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return calendar.Date{}, badRequest("as_of", "is required (YYYY-MM-DD)")
	}
	return parseAsOf(v)
}

// parseAsOf reads an as_of: a date, and not after today.
func parseAsOf(v string) (calendar.Date, error) {
	d, err := calendar.Parse(v)
	if err == nil {
		err = calendar.NotAfterToday(d)
	}
	if err != nil {
		return d, badRequest("as_of", "%v", err)
	}
	return d, nil
}

// options reads the breakout parameters shared by status and breakout.
func options(r *http.Request) (compliance.BreakoutOptions, error) {
	return breakoutOptions(r.URL.Query(), breakout.DefaultSamples)
}

// breakoutOptions reads the breakout parameters of the API and the pages:
// convention, sq, machines, surviving_fleet, remaining_stock, samples and
// seed; samples is the default band size.
func breakoutOptions(q url.Values, samples int) (compliance.BreakoutOptions, error) {
	opt := compliance.BreakoutOptions{SQ: enrich.WGU25, Convention: breakout.DefaultConvention, Machines: compliance.Enriching,
		Samples: samples, Seed: breakout.DefaultSeed}
	if v := q.Get("convention"); v != "" {
		if _, err := enrich.ParseConvention(v); err == nil {
			return opt, badRequest("convention", "%s is a significant quantity: give sq=%s; the conventions are cascades and whole-fleet", v, v)
		}
		opt.Convention = breakout.Convention(v)
	}
	if v := q.Get("sq"); v != "" {
		opt.SQ = enrich.Convention(v)
	}
	if v := q.Get("machines"); v != "" {
		opt.Machines = v
	}
	damage := compliance.DefaultDamage
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"surviving_fleet", &damage.FleetFraction}, {"remaining_stock", &damage.StockFraction}} {
		if v := q.Get(f.name); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return opt, badRequest(f.name, "must be a fraction in [0, 1], got %q", v)
			}
			*f.dst = x
		}
	}
	opt.Damage = &damage
	if v := q.Get("samples"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSamples {
			return opt, badRequest("samples", "must be in [1, %d], got %q", maxSamples, v)
		}
		opt.Samples = n
	}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return opt, badRequest("seed", "must be a whole number, got %q", v)
		}
		opt.Seed = n
	}
	opt, err := opt.Normalize()
	if err != nil {
		return opt, err
	}
	return opt, nil
}

func (s *Server) facts(ctx context.Context) ([]state.Fact, error) { return s.cfg.Index.Facts(ctx) }

func (s *Server) events(ctx context.Context) ([]accountancy.Event, error) {
	return s.cfg.Index.Events(ctx)
}

// atDate reads what status and breakout at a date share: the date, the
// breakout options, and the facts of the index.
func (s *Server) atDate(r *http.Request) (calendar.Date, compliance.BreakoutOptions, []state.Fact, error) {
	date, err := asOf(r)
	if err != nil {
		return date, compliance.BreakoutOptions{}, nil, err
	}
	opt, err := options(r)
	if err != nil {
		return date, opt, nil, err
	}
	facts, err := s.facts(r.Context())
	return date, opt, facts, err
}

// status answers the same JSON as accord status --json, from the
// indexed records.
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	date, opt, facts, err := s.atDate(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := compliance.OverviewAt(s.cfg.Agreement, facts, date, opt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, o)
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	facts, err := s.facts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, compliance.TimelineTo(s.cfg.Agreement, facts, calendar.Today()))
}

func (s *Server) breakoutAt(w http.ResponseWriter, r *http.Request) {
	date, opt, facts, err := s.atDate(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := compliance.BreakoutAt(facts, date, opt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, b)
}

// warningAt answers the same JSON as accord warning --json: the dated
// breakout, the regime in force, the time to detect and the warning time.
func (s *Server) warningAt(w http.ResponseWriter, r *http.Request) {
	date, opt, facts, err := s.atDate(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := warning.At(r.Context(), facts, date, warning.Options{Breakout: opt, Samples: opt.Samples, Seed: opt.Seed, Regime: s.cfg.Agreement.Verification})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, e)
}

// breakoutScenario estimates a posted what-if scenario (YAML or JSON).
func (s *Server) breakoutScenario(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	opt, err := options(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc, err := breakout.ParseScenario(body)
	if err != nil {
		var in *input.Error
		if !errors.As(err, &in) {
			err = badRequest("body", "%v", err) // not YAML or JSON at all
		}
		s.fail(w, r, err)
		return
	}
	s.estimate(w, r, sc, opt)
}

func (s *Server) estimate(w http.ResponseWriter, r *http.Request, sc breakout.Scenario, opt compliance.BreakoutOptions) {
	if r.URL.Query().Has("convention") {
		sc.Convention = opt.Convention
	}
	if r.URL.Query().Has("sq") {
		sc.Target.SQ = opt.SQ
	}
	res, err := breakout.RunContext(r.Context(), sc, opt.Samples, opt.Seed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, map[string]any{"breakout": res})
}

func (s *Server) dataset(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Dataset == nil {
		s.fail(w, r, &Error{Code: "not_found", Message: "no dataset configured"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := s.cfg.Dataset.WriteJSON(w); err != nil {
		s.cfg.Logger.Error("dataset", "err", err)
	}
}

func (s *Server) agreements(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, []*agreement.Agreement{s.cfg.Agreement})
}

func (s *Server) clock(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	at := calendar.Today()
	if v := q.Get("at"); v != "" {
		d, err := calendar.Parse(v)
		if err != nil {
			s.fail(w, r, badRequest("at", "%v", err))
			return
		}
		at = d
	}
	var evs []agreement.ClockEvent
	for _, v := range q["event"] {
		e, err := agreement.ParseClockEvent(v)
		if err != nil {
			s.fail(w, r, badRequest("event", "%v", err))
			return
		}
		evs = append(evs, e)
	}
	if len(evs) == 0 {
		evs = s.cfg.Agreement.EventClocks()
	}
	ds, err := s.cfg.Agreement.Clocks(evs, at)
	if err != nil {
		s.fail(w, r, err) // an event kind no procedure has: invalid, naming event
		return
	}
	writeJSON(w, 200, map[string]any{"at": at, "deadlines": ds})
}

// LogFiles serves the log's tlog-tiles files.
type LogFiles interface {
	// ServeLogFile answers a GET of the file at path ("checkpoint",
	// "tile/..."), with its caching headers. Before an entry bundle, which
	// holds the records themselves, it calls mayReadRecords and returns its
	// error, having answered nothing. It returns an error wrapping
	// fs.ErrNotExist, having answered nothing, when path names no log file.
	ServeLogFile(w http.ResponseWriter, r *http.Request, path string, mayReadRecords func() error) error
}

// logFiles serves the log's tlog-tiles files (checkpoint, tile/...), and
// nothing else.
func (s *Server) logFiles(w http.ResponseWriter, r *http.Request) {
	notFound := &Error{Code: "not_found", Message: "no such log file"}
	if s.cfg.LogFiles == nil {
		s.fail(w, r, notFound)
		return
	}
	// Hash tiles and the checkpoint are public (receipts verify with
	// them); entry bundles hold the records themselves.
	err := s.cfg.LogFiles.ServeLogFile(w, r, r.PathValue("path"), func() error {
		// An entry bundle is answered to record readers only: the answer
		// depends on who asks.
		w.Header().Add("Vary", vary)
		return requireRecordReader(callerOf(r), false)
	})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.fail(w, r, notFound)
	case err != nil:
		s.fail(w, r, err)
	}
}

// Run serves on ln until ctx is done, then shuts down gracefully:
// requests in flight finish (bounded by 10 s).
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: requestTimeout}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
