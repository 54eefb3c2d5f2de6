package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/metrics"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
)

// backend is an in-memory Log, Index, Auth and Keys.
type backend struct {
	rooms    map[string][]byte
	messages []message
	logged   [][]byte
	mu       sync.Mutex
	tokens   map[string]record.ReadToken
	nonces   map[string]time.Time
	keys     map[string]record.Identity // signed body -> identity
}

func (b *backend) Submit(_ context.Context, entry []byte) (server.Submitted, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.logged = append(b.logged, entry)
	return server.Submitted{Index: 9}, nil
}
func (b *backend) SaveRoom(_ context.Context, id string, state []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rooms == nil {
		b.rooms = map[string][]byte{}
	}
	b.rooms[id] = state
	return nil
}
func (b *backend) LoadRoom(_ context.Context, id string) ([]byte, error) {
	return lookup(b, b.rooms, id)
}

// lookup is m[k] under b's lock, or record.ErrNotFound as the store says it.
func lookup[V any](b *backend, m map[string]V, k string) (V, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := m[k]
	if !ok {
		return v, record.ErrNotFound
	}
	return v, nil
}

// message is a stored talks message.
type message struct {
	room, id, sender string
	round            int
	body             []byte
}

func (b *backend) AddMessage(_ context.Context, room, id, sender string, round int, m []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.messages = append(b.messages, message{room, id, sender, round, m})
	return nil
}
func (b *backend) UpdateMessages(_ context.Context, room string, ms map[string][]byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, m := range b.messages {
		if n, ok := ms[m.id]; ok && m.room == room {
			b.messages[i].body = n
		}
	}
	return nil
}
func (b *backend) Messages(_ context.Context, room string, ids []string) ([][]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out [][]byte
	for _, m := range b.messages {
		if m.room == room && (ids == nil || slices.Contains(ids, m.id)) {
			out = append(out, m.body)
		}
	}
	return out, nil
}
func (b *backend) CountMessages(_ context.Context, room, sender string, round int) (total, sent int, _ error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.messages {
		if m.room == room {
			total++
			if m.sender == sender && m.round == round {
				sent++
			}
		}
	}
	return total, sent, nil
}
func (b *backend) RoomIDs(context.Context) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ids []string
	for id := range b.rooms {
		ids = append(ids, id)
	}
	return ids, nil
}
func (b *backend) Receipt(context.Context, uint64) (json.RawMessage, error) {
	return json.RawMessage(`{}`), nil
}
func (b *backend) Checkpoint(context.Context) ([]byte, error) { return []byte("o\n1\nAAAA\n"), nil }
func (b *backend) Check(context.Context, uint64) (server.RecordCheck, error) {
	return server.RecordCheck{SignatureOK: true, Key: "iaea-key", Role: "inspectorate"}, nil
}

var rows = []record.Row{
	{Index: 1, ID: "f-1", Kind: "inspection_finding", Author: "iaea", Record: json.RawMessage(`{}`)},
	{Index: 2, ID: "t-2", Kind: "talks_commitment", Author: "us", Record: json.RawMessage(`{}`)},
	{Index: 3, ID: "t-3", Kind: "talks_commitment", Author: "iran", Record: json.RawMessage(`{}`)},
}

// Query filters as the store does, by kind, author, private kind, position
// and limit.
func (b *backend) Query(_ context.Context, f record.Filter) ([]record.Row, error) {
	out := []record.Row{}
	for _, r := range rows {
		switch {
		case f.Kind != "" && r.Kind != f.Kind, f.Author != "" && r.Author != f.Author,
			f.Private != "" && r.Kind == f.Private && r.Author != f.Reader, f.After != nil && r.Index <= *f.After:
			continue
		}
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
		out = append(out, r)
	}
	return out, nil
}
func (b *backend) Get(_ context.Context, i uint64) (record.Row, error) {
	for _, r := range rows {
		if r.Index == i {
			return r, nil
		}
	}
	return record.Row{}, record.ErrNotFound
}
func (b *backend) Facts(context.Context) ([]state.Fact, error)         { return nil, nil }
func (b *backend) Events(context.Context) ([]accountancy.Event, error) { return nil, nil }

func (b *backend) Books(context.Context) (*accountancy.Books, error) {
	return accountancy.NewBooks(), nil
}
func (b *backend) SaveChallenge(_ context.Context, n string, exp time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nonces[n] = exp
	return nil
}
func (b *backend) TakeChallenge(_ context.Context, n string, now time.Time) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	exp, ok := b.nonces[n]
	delete(b.nonces, n)
	return ok && now.Before(exp), nil
}
func (b *backend) SaveToken(_ context.Context, t record.ReadToken) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens[t.SHA256] = t
	return nil
}
func (b *backend) LookupToken(_ context.Context, sha string) (record.ReadToken, error) {
	return lookup(b, b.tokens, sha)
}
func (b *backend) Identify(signed []byte) (record.Identity, error) {
	role, nonce, _ := strings.Cut(string(signed), "|")
	id, ok := b.keys[role]
	if !ok {
		return id, fmt.Errorf("unknown key")
	}
	id.Text = server.TokenRequestText(nonce)
	return id, nil
}
func (b *backend) Current(name string, _ uint32) bool { return name != "revoked" }

func (b *backend) Registry() *record.Registry { return testRegistry() }

// testRegistry is the test log's key registry: a key of each party of the
// test tokens in its role, and a party "gone" whose only key is revoked.
var testRegistry = sync.OnceValue(func() *record.Registry {
	reg := &record.Registry{}
	var next uint64
	apply := func(entry []byte) {
		s, _, err := reg.Check(entry, next)
		if err == nil {
			err = reg.Apply(s, next)
		}
		if err != nil {
			panic(err)
		}
		next++
	}
	signers := map[string]note.Signer{}
	g := record.GenesisBody{Origin: "accord.test/server"}
	for _, m := range []struct{ party, role string }{{"operator", record.RoleOperator}, {"us", record.RoleParty}, {"e3", record.RoleParty},
		{"iran", record.RoleState}, {"oman", record.RoleMediator}, {"iaea", record.RoleInspectorate}, {"press", record.RoleObserver}, {"gone", record.RoleParty}} {
		skey, vkey, err := note.GenerateKey(rand.Reader, m.party)
		if err != nil {
			panic(err)
		}
		signers[m.party], _ = note.NewSigner(skey)
		g.Members = append(g.Members, record.Member{Party: m.party, Role: m.role, Key: vkey})
	}
	sign := func(author string, kind record.Kind, body any) []byte {
		b, _ := json.Marshal(body)
		signed, err := record.Sign(&record.Record{Schema: record.Schema, Kind: kind, ID: string(kind) + "-" + author, Author: author,
			Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Body: b}, signers[author])
		if err != nil {
			panic(err)
		}
		return signed
	}
	apply(sign("operator", record.Genesis, g))
	for _, m := range g.Members {
		if m.Party == "gone" {
			apply(sign("gone", record.KeyRevocation, record.KeyRevocationBody{Party: "gone", Key: m.Key, Reason: "lost"}))
		}
	}
	return reg
})

func (b *backend) OpenSealed(*record.Record) (*record.Record, error) {
	return nil, record.ErrNotRecipient
}

func (b *backend) ServerParty() string { return "" }

// lastBackend is the backend of the last setup, for tests that look into
// what reached the log.
var lastBackend *backend

var roles = []string{"anonymous", "observer", "party", "state", "inspectorate", "mediator"}

func setup(t *testing.T) (*server.Server, map[string]string) { return setupRate(t, 1000) }

// setupRate is setup with a rate limit of perSecond requests per caller.
func setupRate(t testing.TB, perSecond float64) (*server.Server, map[string]string) {
	dir := t.TempDir()
	_ = os.MkdirAll(filepath.Join(dir, "tile", "entries"), 0o755)
	_ = os.MkdirAll(filepath.Join(dir, "tile", "0"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, "tile", "entries", "000"), []byte("x"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "tile", "0", "000"), []byte("x"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "checkpoint"), []byte("x"), 0o644)
	b := &backend{tokens: map[string]record.ReadToken{}, nonces: map[string]time.Time{}, keys: map[string]record.Identity{}}
	party := map[string]string{"observer": "press", "party": "e3", "state": "iran", "inspectorate": "iaea", "mediator": "oman"}
	for role, p := range party {
		b.keys[role] = record.Identity{KeyName: p + "-key", Party: p, Role: role}
	}
	b.keys["revoked"] = record.Identity{KeyName: "revoked", Party: "us", Role: "party"}
	b.keys["us"] = record.Identity{KeyName: "us-key", Party: "us", Role: "party"}
	lastBackend = b
	s := server.New(server.Config{Log: b, Index: b, Auth: b, Keys: b, Rooms: b, Confidential: b, LogFiles: ledger.NewFiles(ledger.FSFetcher{FS: os.DirFS(dir)}), Agreement: agreement.JCPOA(), RatePerSecond: perSecond, Burst: int(perSecond),
		Metrics: metrics.New()})
	tokens := map[string]string{}
	for role := range b.keys {
		tokens[role] = obtainToken(t, s, role)
	}
	return s, tokens
}

// obtainToken runs the challenge and token exchange for a role.
func obtainToken(t testing.TB, s *server.Server, role string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/challenge", nil))
	var ch struct{ Challenge string }
	if err := json.Unmarshal(rec.Body.Bytes(), &ch); err != nil || ch.Challenge == "" {
		t.Fatalf("challenge: %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(role+"|"+ch.Challenge)))
	var tok struct{ Token, Role string }
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.Token == "" {
		t.Fatalf("token for %s: HTTP %d %s", role, rec.Code, rec.Body)
	}
	// A credential: no cache keeps it.
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("token for %s: Cache-Control %q, want no-store", role, cc)
	}
	// The challenge is single use.
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(role+"|"+ch.Challenge)))
	if rec.Code != 401 {
		t.Fatalf("a used challenge gave HTTP %d", rec.Code)
	}
	return tok.Token
}

// A path under /log/ is parsed, not joined to a directory: encoded slashes
// and dots name no log file (GET /log/tile%2F%2Fentries/000 decodes to
// tile//entries/000, an empty segment), and an entry bundle, however it is
// spelt, is read only with a record reader's token.
func TestLogFilesRefuseEncodedPaths(t *testing.T) {
	s, tokens := setup(t)
	for _, c := range []struct {
		url  string
		want map[string]int // by role; others get the anonymous answer
	}{
		{"/log/tile%2F%2Fentries/000", map[string]int{"anonymous": 404, "party": 404}},
		{"/log/tile/%2Fentries/000", map[string]int{"anonymous": 404, "party": 404}},
		{"/log/tile%2F..%2Fentries/000", map[string]int{"anonymous": 404, "party": 404}},
		{"/log/tile/0%2F..%2F..%2Fcheckpoint", map[string]int{"anonymous": 404, "party": 404}},
		{"/log/tile%2Fentries%2F000", map[string]int{"anonymous": 401, "observer": 403, "party": 200}},
		{"/log/tile/entries/000", map[string]int{"anonymous": 401, "observer": 403, "party": 200}},
	} {
		for _, role := range []string{"anonymous", "observer", "party"} {
			want, ok := c.want[role]
			if !ok {
				want = c.want["anonymous"]
			}
			req := httptest.NewRequest("GET", c.url, nil)
			if role != "anonymous" {
				req.Header.Set("Authorization", "Bearer "+tokens[role])
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != want {
				t.Errorf("GET %s as %s: HTTP %d, want %d (%s)", c.url, role, rec.Code, want, strings.TrimSpace(rec.Body.String()))
			}
		}
	}
}

// Every endpoint for every role.
func TestAuthorizationMatrix(t *testing.T) {
	s, tokens := setup(t)
	const (
		ok     = 200
		unauth = 401
		forbid = 403
	)
	public := map[string]int{"anonymous": ok, "observer": ok, "party": ok, "state": ok, "inspectorate": ok, "mediator": ok}
	readers := map[string]int{"anonymous": unauth, "observer": forbid, "party": ok, "state": ok, "inspectorate": ok, "mediator": forbid}
	talks := map[string]int{"anonymous": unauth, "observer": forbid, "party": forbid, "state": forbid, "inspectorate": forbid, "mediator": ok}
	listing := map[string]int{"anonymous": unauth, "observer": forbid, "party": ok, "state": ok, "inspectorate": ok, "mediator": ok}
	accepted := map[string]int{"anonymous": 202, "observer": 202, "party": 202, "state": 202, "inspectorate": 202, "mediator": 202}
	cases := []struct {
		method, url, body string
		want              map[string]int
	}{
		{"GET", "/healthz", "", public},
		{"GET", "/readyz", "", public},
		{"GET", "/api/v1/openapi.json", "", public},
		{"GET", "/metrics", "", public},
		{"POST", "/api/v1/auth/challenge", "", public},
		{"POST", "/api/v1/records", "signed record", accepted},
		{"GET", "/api/v1/records", "", listing},
		{"GET", "/api/v1/records/1", "", readers},
		{"GET", "/api/v1/records/2", "", talks},
		{"GET", "/api/v1/checkpoint", "", public},
		{"GET", "/api/v1/keys", "", public},
		{"GET", "/api/v1/status?as_of=2025-02-08&samples=10", "", public},
		{"GET", "/api/v1/timeline", "", public},
		{"GET", "/api/v1/breakout?as_of=2025-02-08&samples=10", "", public},
		{"GET", "/api/v1/warning?as_of=2025-02-08&samples=10", "", public},
		{"POST", "/api/v1/breakout?samples=10", `{"fleet":[{"machine":"IR-6","count":696}],"target":{"assay_pct":90,"quantity_sq":1,"convention":"wgu25"}}`, public},
		{"GET", "/api/v1/agreements", "", public},
		{"GET", "/api/v1/clock?event=dispute:2020-01-14&at=2020-02-01", "", public},
		{"GET", "/log/checkpoint", "", public},
		{"GET", "/log/tile/0/000", "", public},
		{"GET", "/log/tile/entries/000", "", readers},
		{"GET", "/api/v1/charts/stock-by-level.svg?as_of=2025-02-08", "", public},
		// The dashboard.
		{"GET", "/", "", public},
		{"GET", "/trends", "", public},
		{"GET", "/what-if", "", public},
		{"GET", "/records", "", listing},
		{"GET", "/records/1", "", readers},
		{"GET", "/records/2", "", talks},
		{"GET", "/agreement", "", public},
		{"GET", "/report", "", public},
		{"GET", "/sources", "", public},
		{"GET", "/knowledge", "", public},
		{"GET", "/balance", "", listing},
		{"GET", "/signin", "", public},
		{"GET", "/static/style.css", "", public},
		{"POST", "/signin", "token=nonsense", map[string]int{"anonymous": unauth, "observer": unauth, "party": unauth, "state": unauth, "inspectorate": unauth, "mediator": unauth}},
		{"POST", "/signout", "", map[string]int{"anonymous": 303, "observer": 303, "party": 303, "state": 303, "inspectorate": 303, "mediator": 303}},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		for _, role := range roles {
			req := httptest.NewRequest(c.method, c.url, strings.NewReader(c.body))
			if role != "anonymous" {
				req.Header.Set("Authorization", "Bearer "+tokens[role])
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != c.want[role] {
				t.Errorf("%s %s as %s: HTTP %d, want %d (%s)", c.method, c.url, role, rec.Code, c.want[role], strings.TrimSpace(rec.Body.String()))
			}
		}
		covered[c.method+" "+strings.SplitN(c.url, "?", 2)[0]] = true
	}
	// The private talks record is readable by its author, and bad
	// parameters name the field.
	for _, c := range []struct {
		url         string
		status      int
		field, code string
	}{
		{"/api/v1/records/2", 200, "", ""},
		{"/api/v1/records?limit=5000", 400, "limit", "invalid"},
		{"/api/v1/records?from=yesterday", 400, "from", "invalid"},
		{"/api/v1/records/abc", 400, "index", "invalid"},
		{"/api/v1/records/7", 404, "index", "not_found"},
	} {
		req := httptest.NewRequest("GET", c.url, nil)
		req.Header.Set("Authorization", "Bearer "+tokens["us"])
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var e struct{ Error server.Error }
		_ = json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != c.status || e.Error.Field != c.field || e.Error.Code != c.code {
			t.Errorf("%s as us: HTTP %d %s", c.url, rec.Code, rec.Body)
		}
	}
	// Every route of the server is in the matrix.
	for _, r := range s.Routes() {
		r = strings.Replace(strings.Replace(r, "{index}", "1", 1), "{path...}", "checkpoint", 1)
		r = strings.NewReplacer("{name}", "stock-by-level.svg", "{file}", "style.css", "{$}", "").Replace(r)
		if r == "GET /api/v1/dataset" {
			continue // no dataset configured here; covered by the demo test
		}
		if strings.Contains(r, "/api/v1/talks/") || strings.Contains(r, " /talks") {
			continue // TestTalksAuthorization covers every talks route and page
		}
		if !covered[r] && !strings.HasPrefix(r, "POST /api/v1/auth/token") {
			t.Errorf("route %s is not in the authorization matrix", r)
		}
	}
}

func TestTokensAreBoundToTheirKeyAndExpire(t *testing.T) {
	s, tokens := setup(t)
	for _, c := range []struct{ name, header string }{
		{"revoked key", "Bearer " + tokens["revoked"]},
		{"unknown token", "Bearer nonsense"},
		{"not a bearer token", "Basic abc"},
	} {
		req := httptest.NewRequest("GET", "/api/v1/records/1", nil)
		req.Header.Set("Authorization", c.header)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 401 {
			t.Errorf("%s: HTTP %d, want 401", c.name, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader("stranger|abc")))
	if rec.Code != 401 {
		t.Errorf("unknown key: HTTP %d", rec.Code)
	}
}

func TestRateLimitPerCaller(t *testing.T) {
	b := &backend{tokens: map[string]record.ReadToken{}, nonces: map[string]time.Time{}, keys: map[string]record.Identity{}}
	s := server.New(server.Config{Log: b, Index: b, Auth: b, Keys: b, Agreement: agreement.JCPOA(), RatePerSecond: 1, Burst: 3})
	codes := []int{}
	for range 5 {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		codes = append(codes, rec.Code)
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" {
		t.Errorf("codes %v, want three allowed then 429", codes)
	}
}

// Every spelling of an entry bundle's path, for every role: whatever the
// encoding (%2F, %2F., //, /./, percent-encoded letters, .., NUL), a role
// that does not read the agreement's records never gets the bundle's
// bytes, and no spelling reaches a file outside the log's tiles.
func TestLogFileSpellingsForEveryRole(t *testing.T) {
	s, tokens := setup(t)
	canonical := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/log/tile/entries/000", nil)
	req.Header.Set("Authorization", "Bearer "+tokens["party"])
	s.ServeHTTP(canonical, req)
	if canonical.Code != 200 || canonical.Body.Len() == 0 {
		t.Fatalf("the canonical bundle as a party: HTTP %d", canonical.Code)
	}
	spellings := []string{
		"/log/tile/entries/000", "/log/tile%2Fentries%2F000", "/log/tile%2F%2Fentries/000", "/log/tile%2F.%2Fentries/000",
		"/log/tile//entries/000", "/log/tile/./entries/000", "/log/%74ile/entries/000", "/log/tile/%65ntries/000",
		"/log/tile/entries/../entries/000", "/log/tile/0/../entries/000", "/log/tile%2F0%2F..%2Fentries%2F000",
		"/log/tile/entries/000%00", "/log/tile/entries/000/", "/log/./tile/entries/000", "/log/tile/entries/%30%30%30",
		"/log/tile/entries/x/../000", "/log/tile%5Centries%5C000", "/log/..%2F..%2Fgo.mod",
	}
	for _, url := range spellings {
		for _, role := range []string{"anonymous", "observer", "party", "state", "inspectorate", "mediator"} {
			req := httptest.NewRequest("GET", url, nil)
			if role != "anonymous" {
				req.Header.Set("Authorization", "Bearer "+tokens[role])
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			reader := role == "party" || role == "state" || role == "inspectorate"
			if rec.Code == 200 && (!reader || !bytes.Equal(rec.Body.Bytes(), canonical.Body.Bytes())) {
				t.Errorf("GET %s as %s: HTTP 200 with %d bytes", url, role, rec.Body.Len())
			}
			if rec.Code >= 500 {
				t.Errorf("GET %s as %s: HTTP %d", url, role, rec.Code)
			}
		}
	}
}
