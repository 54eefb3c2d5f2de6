package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/accordverify/accord/internal/record"
)

// Auth stores read-token challenges and tokens (package store implements
// it).
type Auth interface {
	SaveChallenge(ctx context.Context, nonce string, expires time.Time) error
	TakeChallenge(ctx context.Context, nonce string, now time.Time) (bool, error)
	SaveToken(ctx context.Context, t record.ReadToken) error
	LookupToken(ctx context.Context, sha string) (record.ReadToken, error)
}

// Keys resolves signatures against the log's key registry.
type Keys interface {
	// Identify opens a signed note against the registry and returns the
	// signing key (unknown or revoked keys are errors) and the note text.
	Identify(signed []byte) (record.Identity, error)
	// Current reports whether a key is still registered and not revoked.
	Current(name string, hash uint32) bool
}

// Roles that read the agreement's records.
var recordReaders = []string{record.RoleParty, record.RoleState, record.RoleInspectorate, record.RoleOperator}

// caller is who makes a request: anonymous (zero) or a token's key.
type caller struct {
	Party, Role, Key string
}

func (c caller) anonymous() bool { return c.Role == "" }

type callerKey struct{}

func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// tokenTTL is how long a read token lasts; challengeTTL how long a
// challenge waits for its signature.
const (
	tokenTTL      = time.Hour
	challengeTTL  = 5 * time.Minute
	tokenTextHead = "accord-read-token\n"
)

// TokenRequestText is the text a key signs (as a signed note) to obtain a
// read token for a challenge.
func TokenRequestText(challenge string) string { return tokenTextHead + challenge + "\n" }

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenSHA(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func (s *Server) challenge(w http.ResponseWriter, r *http.Request) {
	// The challenge takes no body; one is read within the route's limit
	// and ignored.
	if _, err := readBody(r); err != nil {
		s.fail(w, r, err)
		return
	}
	nonce := randomString()
	expires := time.Now().Add(challengeTTL)
	if err := s.cfg.Auth.SaveChallenge(r.Context(), nonce, expires); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, map[string]any{"challenge": nonce, "expires": expires.UTC(), "sign": "a signed note of the text " + `"accord-read-token\n<challenge>\n"`})
}

func unauthorized(msg string) *Error {
	return &Error{Code: "unauthorized", Message: msg}
}

// token issues a read token for a challenge signed by a registered key.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.cfg.Keys.Identify(body)
	if err != nil {
		s.fail(w, r, unauthorized("the challenge is not signed by a registered, unrevoked key: "+err.Error()))
		return
	}
	nonce, ok := strings.CutPrefix(id.Text, tokenTextHead)
	nonce = strings.TrimSuffix(nonce, "\n")
	if !ok || nonce == "" || strings.Contains(nonce, "\n") {
		s.fail(w, r, badRequest("body", "the signed text must be %q", TokenRequestText("<challenge>")))
		return
	}
	fresh, err := s.cfg.Auth.TakeChallenge(r.Context(), nonce, time.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !fresh {
		s.fail(w, r, unauthorized("unknown, used or expired challenge"))
		return
	}
	tok := randomString()
	t := record.ReadToken{SHA256: tokenSHA(tok), KeyName: id.KeyName, KeyHash: id.KeyHash, Party: id.Party, Role: id.Role, Expires: time.Now().Add(tokenTTL)}
	if err := s.cfg.Auth.SaveToken(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, map[string]any{"token": tok, "expires": t.Expires.UTC(), "party": t.Party, "role": t.Role, "key": t.KeyName})
}

// authenticate resolves the bearer token, if any: a token is valid until it
// expires and while its key is registered and not revoked.
func (s *Server) authenticate(r *http.Request) (caller, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		// The dashboard's cookie, on safe methods only: a cookie the
		// browser sends by itself never authorizes a change.
		ck, err := r.Cookie(tokenCookie)
		if err != nil || ck.Value == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			return caller{}, nil
		}
		c, err := s.tokenCaller(r.Context(), ck.Value)
		if unavailable(err) {
			return caller{}, err
		}
		if err != nil {
			return caller{}, nil // a stale cookie reads as nobody
		}
		return c, nil
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return caller{}, unauthorized("Authorization must be \"Bearer <token>\"")
	}
	return s.tokenCaller(r.Context(), tok)
}

// tokenCaller returns the caller a read token stands for: valid until it
// expires and while its key is registered and not revoked.
func (s *Server) tokenCaller(ctx context.Context, tok string) (caller, error) {
	t, err := s.cfg.Auth.LookupToken(ctx, tokenSHA(tok))
	if unavailable(err) {
		return caller{}, err // the token store is down: not the caller's fault
	}
	if err != nil || time.Now().After(t.Expires) {
		return caller{}, unauthorized("unknown or expired token")
	}
	if !s.cfg.Keys.Current(t.KeyName, t.KeyHash) {
		return caller{}, unauthorized("the token's key has been revoked")
	}
	return caller{Party: t.Party, Role: t.Role, Key: t.KeyName}, nil
}

// limiter is a token bucket per caller: the key for authenticated
// callers, the remote address otherwise.
type limiter struct {
	mu      sync.Mutex
	perSec  rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

func (l *limiter) allow(who string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) > 10000 {
		l.buckets = map[string]*rate.Limiter{} // bounded memory; forgets idle callers
	}
	b, ok := l.buckets[who]
	if !ok {
		b = rate.NewLimiter(l.perSec, l.burst)
		l.buckets[who] = b
	}
	return b.Allow()
}

func remoteHost(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

// requireRecordReader lets through the roles that read the agreement's
// records (and, for talks content, its author and the mediator: see
// canRead).
func requireRecordReader(c caller, mediatorToo bool) error {
	if c.anonymous() {
		return unauthorized("reading records needs a read token (POST /api/v1/auth/challenge, then /api/v1/auth/token)")
	}
	for _, role := range recordReaders {
		if c.Role == role {
			return nil
		}
	}
	if mediatorToo && c.Role == record.RoleMediator {
		return nil
	}
	return &Error{Code: "forbidden", Message: "role " + c.Role + " does not read the agreement's records"}
}

// canRead says whether the caller may read a record: private talks content
// only by its author and the mediator; everything else by the agreement's
// parties, its state and the inspectorate.
//
// A sealed record is ciphertext every member holds in its copy of the log:
// the agreement's readers read it as such, and so do its recipients, who
// alone can open it.
func canRead(c caller, row record.Row) bool { return readError(c, row) == nil }

// readError says why the caller may not read a record (nil when it may).
func readError(c caller, row record.Row) error {
	if row.Kind == string(record.Sealed) && slices.Contains(sealedTo(row), c.Party) {
		return nil
	}
	if row.Kind == string(record.TalksCommitment) { // a log that keeps them in clear
		if c.Party == row.Author || c.Role == record.RoleMediator {
			return nil
		}
		return &Error{Code: "forbidden", Field: "index", Message: "this record is private talks content: its author and the mediator read it"}
	}
	if err := requireRecordReader(c, false); err != nil {
		return &Error{Code: "forbidden", Field: "index", Message: "this record is the agreement's: its parties, its state and the inspectorate read it (" + err.Error() + ")"}
	}
	return nil
}

// readable narrows a filter of the records to those the caller may read,
// so that neither the rows nor the paging position name another record;
// false when the caller reads no record the filter could match.
func readable(c caller, f record.Filter) (record.Filter, bool) {
	if requireRecordReader(c, false) != nil {
		// The mediator reads talks content only, every author's.
		if c.Role != record.RoleMediator || f.Kind != "" && f.Kind != string(record.TalksCommitment) {
			return f, false
		}
		f.Kind = string(record.TalksCommitment)
		return f, true
	}
	f.Private, f.Reader = string(record.TalksCommitment), c.Party
	return f, true
}

// sealedTo is the recipients a sealed row names.
func sealedTo(row record.Row) []string {
	var r record.Record
	if err := json.Unmarshal(row.Record, &r); err != nil {
		return nil
	}
	return record.SealedTo(&r)
}
