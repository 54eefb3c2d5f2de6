package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/transparency-dev/tessera/api/layout"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/talks"
)

func init() {
	openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.FileBodyDecoder)
}

// loadOpenAPI loads the served document and checks it against the OpenAPI
// specification.
func loadOpenAPI(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(server.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

func TestOpenAPIDocumentIsValid(t *testing.T) { loadOpenAPI(t) }

// requestOK says what the document must say of a request: that it is
// valid, that it is not (the server refuses it for the reason the
// document gives), or nothing (the document cannot tell: a body's size,
// a rule on values the schema does not carry).
type requestOK int

const (
	valid requestOK = iota
	invalid
	either
)

type liveCase struct {
	name        string
	h           http.Handler // nil: the demo's server
	method, url string
	body        string
	contentType string
	as          string // the role's key whose token is sent; "" none
	header      map[string]string
	status      int
	request     requestOK
	after       func(t *testing.T, body []byte) // reads the answer
	cookie      bool
}

// liveDemo is the demo's server and what the cases need of it.
type liveDemo struct {
	d       *app.Demo
	s       *server.Server
	signers map[string]note.Signer
	tokens  map[string]string
}

func startLiveDemo(t *testing.T) *liveDemo {
	t.Helper()
	dir := t.TempDir()
	d, err := app.StartDemo(context.Background(), app.DemoConfig{Dir: dir, Addr: "127.0.0.1:0", Rate: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	l := &liveDemo{d: d, s: d.App.Server(app.ServerOptions{RatePerSecond: 1e6, Burst: 1e6}), signers: map[string]note.Signer{}, tokens: map[string]string{}}
	for _, key := range []string{"iaea", "iran", "us", "e3", "oman"} {
		s, _, _, err := keyfile.Ensure(filepath.Join(dir, "keys"), key)
		if err != nil {
			t.Fatal(err)
		}
		l.signers[key] = s
	}
	return l
}

// signed is a record signed by key: sealed to its recipients when the log
// keeps its kind confidential.
func (l *liveDemo) signed(t *testing.T, key string, kind record.Kind, id string, body any, to ...string) string {
	t.Helper()
	b, _ := json.Marshal(body)
	rec := &record.Record{Schema: record.Schema, Kind: kind, ID: id, Author: key, Created: time.Now().UTC().Truncate(time.Second), Body: b}
	if l.d.App.Log().Genesis().IsConfidential(kind) {
		to = append([]string{key}, to...)
		to = append(to, l.d.App.ServerParty())
		slices.Sort(to)
		to = slices.Compact(to)
		rcpts, err := l.d.App.Registry().Recipients(to)
		if err != nil {
			t.Fatal(err)
		}
		if rec, err = record.Seal(rec, to, rcpts); err != nil {
			t.Fatal(err)
		}
	}
	s, err := record.Sign(rec, l.signers[key])
	if err != nil {
		t.Fatal(err)
	}
	return string(s)
}

// commitment is key's signed talks_commitment record of a room and hash.
func (l *liveDemo) commitment(t *testing.T, key, room, hash string) string {
	return l.signed(t, key, record.TalksCommitment, talks.CommitmentID(key, hash), record.TalksCommitmentBody{Room: room, SHA256: hash}, "oman")
}

// token obtains a read token for key through the API.
func (l *liveDemo) token(t *testing.T, key string) string {
	t.Helper()
	if tok, ok := l.tokens[key]; ok {
		return tok
	}
	rec := httptest.NewRecorder()
	l.s.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/challenge", nil))
	var ch struct{ Challenge string }
	if err := json.Unmarshal(rec.Body.Bytes(), &ch); err != nil {
		t.Fatal(err)
	}
	signed, err := note.Sign(&note.Note{Text: server.TokenRequestText(ch.Challenge)}, l.signers[key])
	if err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	l.s.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/token", bytes.NewReader(signed)))
	var tok struct{ Token string }
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.Token == "" {
		t.Fatalf("token for %s: HTTP %d %s", key, rec.Code, rec.Body)
	}
	l.tokens[key] = tok.Token
	return tok.Token
}

// readerOnly is a Replica of a server that reads a log another writes.
type readerOnly struct{}

func (readerOnly) Writer() (bool, string) { return false, "http://writer.example:8080" }

// noCheckpoint is a log whose checkpoint does not read.
type noCheckpoint struct{ server.Log }

func (noCheckpoint) Checkpoint(context.Context) ([]byte, error) {
	return nil, errors.New("the checkpoint cannot be read")
}

// Every route of a demo server, for its successes and each error status it
// can be brought to cheaply: each request is checked against the document
// (valid when the server accepts it; invalid when the server refuses it
// for a reason the document states), and each answer's status, headers and
// body too.
func TestOpenAPILive(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo")
	}
	doc, router := loadOpenAPI(t)
	l := startLiveDemo(t)
	a := l.d.App
	cfg := func(c server.Config) *server.Server { return server.New(c) }
	base := server.Config{Log: a, Index: a, Auth: a, Keys: a, Rooms: a, Confidential: a, LogFiles: a.LogFiles(),
		Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), RatePerSecond: 1e6, Burst: 1e6}
	reader, slow, bare, unready := base, base, base, base
	reader.Replica = readerOnly{}
	slow.RatePerSecond, slow.Burst = 1, 1
	bare.Confidential, bare.LogFiles, bare.Dataset, bare.Rooms = nil, nil, nil, nil
	unready.Log = noCheckpoint{a}
	readerSrv, slowSrv, bareSrv, unreadySrv := cfg(reader), cfg(slow), cfg(bare), cfg(unready)

	// The log's files of the demo's tree.
	cp := getAs(t, l.s, "/log/checkpoint", "")
	lines := strings.Split(string(cp), "\n")
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || size == 0 {
		t.Fatalf("checkpoint %q", cp)
	}
	lastTile := layout.TilePath(0, (size-1)/layout.TileWidth, layout.PartialTileSize(0, (size-1)/layout.TileWidth, size))
	lastBundle := layout.EntriesPath((size-1)/layout.EntryBundleWidth, layout.PartialTileSize(0, (size-1)/layout.EntryBundleWidth, size))
	// The full tile and bundle that would hold the next entry: never
	// there, however many records the demo loads (its facts grow with
	// the dataset; from 256 entries the first bundle is full).
	unfullTile := layout.TilePath(0, size/layout.TileWidth, 0)
	unfullBundle := layout.EntriesPath(size/layout.EntryBundleWidth, 0)

	// Records: one of the agreement's, and a record's signed bytes.
	var page struct {
		Records []record.Row `json:"records"`
	}
	if err := json.Unmarshal(getAs(t, l.s, "/api/v1/records?kind=verified_facts&limit=1", l.token(t, "iaea")), &page); err != nil || len(page.Records) == 0 {
		t.Fatalf("no verified_facts record: %v", err)
	}
	factIndex := strconv.FormatUint(page.Records[0].Index, 10)
	var one struct {
		Receipt struct {
			Record string `json:"record"`
		} `json:"receipt"`
	}
	if err := json.Unmarshal(getAs(t, l.s, "/api/v1/records/"+factIndex, l.token(t, "iaea")), &one); err != nil || one.Receipt.Record == "" {
		t.Fatalf("no receipt for record %s: %v", factIndex, err)
	}
	loggedRecord := one.Receipt.Record
	// The same record, its signature spoilt.
	forged := loggedRecord[:strings.LastIndex(loggedRecord, " ")+1] + "AAAA" + loggedRecord[strings.LastIndex(loggedRecord, " ")+5:]

	// Talks: a room of the test's own, with the live room's space.
	spec, _, err := talks.ParseSpec(mustRead(t, "talks/muscat-2025.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	roomBody, _ := json.Marshal(map[string]any{"id": "openapi-room", "title": "OpenAPI test room", "parties": spec.Parties, "space": spec.Space, "policy": spec.Policy, "budget_per_round": spec.Budget})
	local, err := talks.NewRoom("openapi-room", spec.Title, spec.Mediator, spec.Parties, spec.Space, spec.Policy, spec.Budget)
	if err != nil {
		t.Fatal(err)
	}
	// redLines is a party's red lines of the example, and its request.
	redLines := func(party string, withCommitment bool) string {
		for _, rl := range spec.RedLines {
			if rl.Party != party {
				continue
			}
			rl.Room, rl.Salt = "openapi-room", talks.NewSalt()
			hash, err := local.SubmitRedLines(party, rl)
			if err != nil {
				t.Fatal(err)
			}
			c := ""
			if withCommitment {
				c = l.commitment(t, party, "openapi-room", hash)
			}
			return mustJSON(map[string]any{"red_lines": rl, "commitment": c})
		}
		t.Fatalf("no red lines of %s", party)
		return ""
	}
	usRedLines := redLines("us", true)
	// The zone explorer with the room's schedule terms at their listed
	// order, as the dashboard asks.
	fixed := talks.Package{}
	for _, term := range spec.Space.Terms {
		if term.Kind == talks.Schedule {
			fixed[term.ID] = talks.Value{Order: term.Phases}
		}
	}
	zoneBody := mustJSON(map[string]any{"fixed": fixed})
	var proposalValues talks.Package
	for _, p := range spec.Proposals {
		proposalValues = p
		break
	}
	proposalBody, _ := json.Marshal(map[string]any{"values": proposalValues, "hold": true})
	var proposalID, releaseHash, messageID string

	newRecord := l.signed(t, "us", record.TalksCommitment, "openapi-commitment", record.TalksCommitmentBody{Room: "elsewhere", SHA256: strings.Repeat("ab", 32)}, "oman")
	huge := strings.Repeat("x", 9000)
	scenario := "fleet: [{machine: IR-6, count: 696}]\ntarget: {assay_pct: 90, quantity_sq: 1, sq: wgu25}\n"
	const room = "/api/v1/talks/rooms/openapi-room"

	cases := []liveCase{
		{name: "health", method: "GET", url: "/healthz", status: 200},
		{name: "metrics", method: "GET", url: "/metrics", status: 200},
		{name: "health, a bad token", method: "GET", url: "/healthz", header: map[string]string{"Authorization": "Bearer nonsense"}, status: 401},
		{name: "health, too large", method: "GET", url: "/healthz", body: strings.Repeat("x", 70_000), contentType: "text/plain", status: 413, request: either},
		{name: "health, too fast 1", h: slowSrv, method: "GET", url: "/healthz", status: 200},
		{name: "health, too fast 2", h: slowSrv, method: "GET", url: "/healthz", status: 429},
		{name: "ready", method: "GET", url: "/readyz", status: 200},
		{name: "ready, a reader", h: readerSrv, method: "GET", url: "/readyz", status: 200},
		{name: "not ready", h: unreadySrv, method: "GET", url: "/readyz", status: 503},
		{name: "document", method: "GET", url: "/api/v1/openapi.json", status: 200},

		{name: "challenge", method: "POST", url: "/api/v1/auth/challenge", status: 200},
		{name: "challenge, too large", method: "POST", url: "/api/v1/auth/challenge", body: strings.Repeat("x", 70_000), contentType: "text/plain", status: 413, request: either},
		{name: "token, not signed", method: "POST", url: "/api/v1/auth/token", body: "accord-read-token\nabc\n", contentType: "text/plain", status: 401},
		{name: "token, too large", method: "POST", url: "/api/v1/auth/token", body: huge, contentType: "text/plain", status: 413, request: either},

		{name: "submit", method: "POST", url: "/api/v1/records", body: newRecord, contentType: "text/plain", status: 201},
		{name: "submit, duplicate", method: "POST", url: "/api/v1/records", body: loggedRecord, contentType: "text/plain", status: 409},
		{name: "submit, forged", method: "POST", url: "/api/v1/records", body: forged, contentType: "text/plain", status: 403},
		{name: "submit, not a record", method: "POST", url: "/api/v1/records", body: "x", contentType: "text/plain", status: 400},
		{name: "submit, to a reader", h: readerSrv, method: "POST", url: "/api/v1/records", body: loggedRecord, contentType: "text/plain", status: 503},
		{name: "submit, too large", method: "POST", url: "/api/v1/records", body: strings.Repeat("x", 70_001), contentType: "text/plain", status: 413, request: either},
		{name: "records", method: "GET", url: "/api/v1/records?limit=5", as: "iaea", status: 200},
		{name: "records, the mediator's", method: "GET", url: "/api/v1/records?limit=5", as: "oman", status: 200},
		{name: "records by cookie", method: "GET", url: "/api/v1/records?kind=verified_facts&limit=2&from=2020-01-01&to=2025-12-31", as: "iran", cookie: true, status: 200},
		{name: "records, no token", method: "GET", url: "/api/v1/records", status: 401, request: invalid},
		{name: "records, limit", method: "GET", url: "/api/v1/records?limit=5000", as: "iaea", status: 400, request: invalid},
		{name: "records, from", method: "GET", url: "/api/v1/records?from=2025-13-01", as: "iaea", status: 400, request: invalid},
		{name: "records, after", method: "GET", url: "/api/v1/records?after=-1", as: "iaea", status: 400, request: invalid},
		{name: "record", method: "GET", url: "/api/v1/records/" + factIndex, as: "us", status: 200},
		{name: "record, the mediator", method: "GET", url: "/api/v1/records/" + factIndex, as: "oman", status: 403},
		{name: "record, none", method: "GET", url: "/api/v1/records/99999999", as: "us", status: 404},
		{name: "record, not an index", method: "GET", url: "/api/v1/records/abc", as: "us", status: 400, request: invalid},
		{name: "record, no token", method: "GET", url: "/api/v1/records/" + factIndex, status: 401, request: invalid},
		{name: "checkpoint", method: "GET", url: "/api/v1/checkpoint", status: 200},
		{name: "keys", method: "GET", url: "/api/v1/keys", status: 200},
		{name: "keys, not published", h: bareSrv, method: "GET", url: "/api/v1/keys", status: 503},

		{name: "status", method: "GET", url: "/api/v1/status?as_of=2025-05-17&samples=20&seed=3&machines=installed&surviving_fleet=0.5&remaining_stock=1&sq=iaea&convention=whole-fleet", status: 200},
		{name: "status, before any report", method: "GET", url: "/api/v1/status?as_of=1950-01-01&samples=20", status: 200},
		{name: "status, no access", method: "GET", url: "/api/v1/status?as_of=2026-06-01&samples=20", status: 200},
		{name: "status, no date", method: "GET", url: "/api/v1/status", status: 400, request: invalid},
		{name: "status, convention", method: "GET", url: "/api/v1/status?as_of=2025-05-17&convention=nato", status: 400, request: invalid},
		{name: "status, samples", method: "GET", url: "/api/v1/status?as_of=2025-05-17&samples=20001", status: 400, request: invalid},
		{name: "status, year", method: "GET", url: "/api/v1/status?as_of=1900-01-01", status: 400, request: invalid},
		{name: "status, fraction", method: "GET", url: "/api/v1/status?as_of=2025-05-17&surviving_fleet=2", status: 400, request: invalid},
		{name: "timeline", method: "GET", url: "/api/v1/timeline", status: 200},
		{name: "breakout", method: "GET", url: "/api/v1/breakout?as_of=2025-05-17&samples=20", status: 200},
		{name: "breakout, before", method: "GET", url: "/api/v1/breakout?as_of=2014-01-01&samples=20", status: 200},
		{name: "breakout, machines", method: "GET", url: "/api/v1/breakout?as_of=2025-05-17&machines=all", status: 400, request: invalid},
		{name: "warning", method: "GET", url: "/api/v1/warning?as_of=2024-06-01&samples=50", status: 200},
		{name: "warning, no access", method: "GET", url: "/api/v1/warning?as_of=2026-06-01&samples=50", status: 200},
		{name: "warning, samples", method: "GET", url: "/api/v1/warning?as_of=2024-06-01&samples=0", status: 400, request: invalid},
		{name: "scenario, YAML", method: "POST", url: "/api/v1/breakout?samples=20", body: scenario, contentType: "application/yaml", status: 200},
		{name: "scenario, JSON", method: "POST", url: "/api/v1/breakout?samples=20&convention=whole-fleet", body: `{"inventory":[{"mass_kg_u":274.8,"assay_pct":60}],"fleet":[{"machine":"IR-6","count":696,"swu_per_year":3.5}],"target":{"assay_pct":90,"quantity_sq":1,"sq":"wgu25"},"tails_pct":{"60":20},"setup_days":0,"natural_uranium":"unlimited"}`, contentType: "application/json", status: 200},
		{name: "scenario, a field", method: "POST", url: "/api/v1/breakout", body: `{"fleet":[],"colour":"red"}`, contentType: "application/json", status: 400, request: invalid},
		{name: "scenario, a rule", method: "POST", url: "/api/v1/breakout?samples=20", body: "fleet: [{machine: IR-6, count: 696, efficiency: 1.5}]\ntarget: {assay_pct: 90, quantity_sq: 1, sq: wgu25}\n", contentType: "application/yaml", status: 400, request: either},
		{name: "scenario, too large", method: "POST", url: "/api/v1/breakout", body: strings.Repeat("#", 140_000), contentType: "application/yaml", status: 413, request: either},
		{name: "dataset", method: "GET", url: "/api/v1/dataset", status: 200},
		{name: "dataset, none", h: bareSrv, method: "GET", url: "/api/v1/dataset", status: 404},
		{name: "agreements", method: "GET", url: "/api/v1/agreements", status: 200},
		{name: "clock", method: "GET", url: "/api/v1/clock?event=dispute:2020-01-14&event=access-request:2020-01-20&at=2020-02-01", status: 200},
		{name: "clock, default", method: "GET", url: "/api/v1/clock", status: 200},
		{name: "clock, event", method: "GET", url: "/api/v1/clock?event=coup:2025-01-01", status: 400, request: either},
		{name: "clock, malformed", method: "GET", url: "/api/v1/clock?event=coup", status: 400, request: invalid},
		{name: "chart", method: "GET", url: "/api/v1/charts/stock-by-level.svg?as_of=2025-05-17", status: 200},
		{name: "chart, none", method: "GET", url: "/api/v1/charts/pie.svg", status: 404, request: invalid},
		{name: "chart, date", method: "GET", url: "/api/v1/charts/breakout-days.svg?as_of=someday", status: 400, request: invalid},

		{name: "log checkpoint", method: "GET", url: "/log/checkpoint", status: 200},
		{name: "log checkpoint, none", h: bareSrv, method: "GET", url: "/log/checkpoint", status: 404},
		{name: "hash tile, not full yet", method: "GET", url: "/log/" + unfullTile, status: 404},
		{name: "hash tile, last", method: "GET", url: "/log/" + lastTile, status: 200},
		{name: "hash tile, index of 2 groups", method: "GET", url: "/log/tile/0/x001/234", status: 404},
		{name: "hash tile, index of 3 groups, partial", method: "GET", url: "/log/tile/1/x001/x234/067.p/8", status: 404},
		{name: "hash tile, level", method: "GET", url: "/log/tile/64/000", status: 404, request: invalid},
		{name: "entry bundle, not full yet", method: "GET", url: "/log/" + unfullBundle, as: "iran", status: 404},
		{name: "entry bundle, last", method: "GET", url: "/log/" + lastBundle, as: "iran", header: map[string]string{"Accept-Encoding": "gzip"}, status: 200},
		{name: "entry bundle, no token", method: "GET", url: "/log/tile/entries/000", status: 401, request: invalid},
		{name: "entry bundle, the mediator", method: "GET", url: "/log/tile/entries/000", as: "oman", status: 403},
		{name: "entry bundle, index of 7 groups", method: "GET", url: "/log/tile/entries/x001/x002/x003/x004/x005/x006/007", as: "iran", status: 404},
		{name: "not a log file", method: "GET", url: "/log/keys/operator.key", status: 404, request: invalid},

		{name: "rooms", method: "GET", url: "/api/v1/talks/rooms", as: "oman", status: 200},
		{name: "rooms, no token", method: "GET", url: "/api/v1/talks/rooms", status: 401, request: invalid},
		{name: "open a room, a party", method: "POST", url: "/api/v1/talks/rooms", body: string(roomBody), contentType: "application/json", as: "us", status: 403},
		{name: "open a room", method: "POST", url: "/api/v1/talks/rooms", body: string(roomBody), contentType: "application/json", as: "oman", status: 201},
		{name: "open a room again", method: "POST", url: "/api/v1/talks/rooms", body: string(roomBody), contentType: "application/json", as: "oman", status: 409},
		{name: "open a room, a field", method: "POST", url: "/api/v1/talks/rooms", body: `{"id":"x","colour":"red"}`, contentType: "application/json", as: "oman", status: 400, request: invalid},
		{name: "open a room, no rooms", h: bareSrv, method: "POST", url: "/api/v1/talks/rooms", body: string(roomBody), contentType: "application/json", as: "oman", status: 404},
		{name: "open a room, a reader", h: readerSrv, method: "POST", url: "/api/v1/talks/rooms", body: string(roomBody), contentType: "application/json", as: "oman", status: 503},
		{name: "room", method: "GET", url: room, as: "us", status: 200},
		{name: "room, not in it", method: "GET", url: room, as: "iaea", status: 403},
		{name: "room, none", method: "GET", url: "/api/v1/talks/rooms/nowhere", as: "us", status: 404},
		{name: "red lines", method: "POST", url: room + "/red-lines", body: usRedLines, contentType: "application/json", as: "us", status: 201},
		{name: "red lines, Iran's", method: "POST", url: room + "/red-lines", body: redLines("iran", true), contentType: "application/json", as: "iran", status: 201},
		{name: "red lines again", method: "POST", url: room + "/red-lines", body: usRedLines, contentType: "application/json", as: "us", status: 400, request: either},
		{name: "red lines, not its own", method: "POST", url: room + "/red-lines", body: `{"red_lines":{}}`, contentType: "application/json", as: "iran", status: 403},
		{name: "own red lines", method: "GET", url: room + "/red-lines/us", as: "us", status: 200},
		{name: "another's red lines", method: "GET", url: room + "/red-lines/us", as: "iran", status: 403},
		{name: "exclusion", method: "POST", url: room + "/exclusions", body: `{"topic":"missiles"}`, contentType: "application/json", as: "iran", status: 201},
		{name: "proposal, held", method: "POST", url: room + "/proposals", body: string(proposalBody), contentType: "application/json", as: "oman", status: 201,
			after: func(t *testing.T, b []byte) {
				var v struct {
					Proposal struct {
						ID string `json:"id"`
					} `json:"proposal"`
					Release string `json:"release_sha256"`
				}
				_ = json.Unmarshal(b, &v)
				proposalID, releaseHash = v.Proposal.ID, v.Release
			}},
		{name: "proposal, a party", method: "POST", url: room + "/proposals", body: string(proposalBody), contentType: "application/json", as: "us", status: 403},
		{name: "note", method: "POST", url: room + "/notes", body: `{"text":"a note"}`, contentType: "application/json", as: "oman", status: 201},
		{name: "note, a party", method: "POST", url: room + "/notes", body: `{"text":"a note"}`, contentType: "application/json", as: "us", status: 403},
		{name: "message", method: "POST", url: room + "/messages", body: `{"kind":"question","body":"When?"}`, contentType: "application/json", as: "us", status: 201,
			after: func(t *testing.T, b []byte) {
				var m struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal(b, &m)
				messageID = m.ID
			}},
		{name: "message, kind", method: "POST", url: room + "/messages", body: `{"kind":"shout","body":"now"}`, contentType: "application/json", as: "us", status: 400, request: either},
		{name: "inbox", method: "GET", url: room + "/messages", as: "oman", status: 200},
		{name: "zone", method: "POST", url: room + "/zone", body: zoneBody, contentType: "application/json", as: "oman", status: 200},
		{name: "zone, a party", method: "POST", url: room + "/zone", body: zoneBody, contentType: "application/json", as: "us", status: 403},
		{name: "freeze", method: "POST", url: room + "/space/freeze", as: "oman", status: 200},
		{name: "space", method: "POST", url: room + "/space", body: "", contentType: "application/json", as: "oman", status: 400, request: invalid},
		{name: "rounds", method: "POST", url: room + "/rounds", as: "oman", status: 200},
		{name: "rounds, a party", method: "POST", url: room + "/rounds", as: "us", status: 403},
		{name: "text", method: "POST", url: room + "/texts", body: `{"clauses":[{"id":"c1","text":"The parties agree.","status":"agreed"}],"values":{}}`, contentType: "application/json", as: "oman", status: 201, request: either},
		{name: "confirm, no version", method: "POST", url: room + "/texts/9/confirm", body: `{"commitment":""}`, contentType: "application/json", as: "us", status: 400},
		{name: "confirm, not a number", method: "POST", url: room + "/texts/one/confirm", body: `{"commitment":""}`, contentType: "application/json", as: "us", status: 400, request: invalid},
		{name: "feasibility, none", method: "POST", url: room + "/feasibility", body: `{"proposal":"p-none"}`, contentType: "application/json", as: "us", status: 400, request: either},
		{name: "feasibility, a reader", h: readerSrv, method: "POST", url: room + "/feasibility", body: `{"proposal":"p-none"}`, contentType: "application/json", as: "us", status: 503},
	}
	// Cases that need the answers of the ones before.
	late := func() []liveCase {
		return []liveCase{
			{name: "release a proposal", method: "POST", url: room + "/proposals/" + proposalID + "/release", body: mustJSON(map[string]string{"commitment": l.commitment(t, "oman", "openapi-room", releaseHash)}), contentType: "application/json", as: "oman", status: 200},
			{name: "release a proposal, none", method: "POST", url: room + "/proposals/p-none/release", body: `{"commitment":""}`, contentType: "application/json", as: "oman", status: 400, request: either},
			{name: "feasibility", method: "POST", url: room + "/feasibility", body: mustJSON(map[string]string{"proposal": proposalID}), contentType: "application/json", as: "us", status: 200},
			{name: "relay", method: "POST", url: room + "/messages", body: mustJSON(map[string]any{"relay_of": messageID, "body": "Soon.", "to": []string{"iran"}}), contentType: "application/json", as: "oman", status: 201},
			{name: "release relays", method: "POST", url: room + "/messages/release", body: `{"ids":[]}`, contentType: "application/json", as: "oman", status: 200, request: either},
			// A partial tile never changes (the checkpoint may, as the
			// witnesses cosign).
			{name: "hash tile, unchanged", method: "GET", url: "/log/" + lastTile, header: map[string]string{"If-None-Match": headerOf(t, l.s, "/log/"+lastTile, "ETag")}, status: 304},
			{name: "inbox, a party", method: "GET", url: room + "/messages", as: "us", status: 200},
			{name: "space, revised", method: "POST", url: room + "/space", body: mustJSON(map[string]any{"terms": spec.Space.Terms}), contentType: "application/json", as: "oman", status: 200, request: either},
		}
	}

	reached := map[string]map[int]bool{}
	samples := map[string]liveCase{} // a request each operation served
	run := func(c liveCase) {
		t.Helper()
		h := c.h
		if h == nil {
			h = l.s
		}
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		req := httptest.NewRequest(c.method, c.url, body)
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		if c.as != "" {
			if c.cookie {
				req.AddCookie(&http.Cookie{Name: "accord_token", Value: l.token(t, c.as)})
			} else {
				req.Header.Set("Authorization", "Bearer "+l.token(t, c.as))
			}
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			if c.request == valid {
				t.Errorf("%s: %s %s is not in the document: %v", c.name, c.method, c.url, err)
			}
			// The document has no operation for the path: the server's
			// answer is checked to be the refusal it states, and no more.
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Errorf("%s: HTTP %d, want %d (%s)", c.name, rec.Code, c.status, rec.Body)
			}
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: presentCredentials}}
		var sent []byte
		if req.Body != nil {
			sent, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(sent))
		}
		rerr := openapi3filter.ValidateRequest(context.Background(), in)
		switch {
		case c.request == valid && rerr != nil:
			t.Errorf("%s: the document refuses the request the server serves: %v", c.name, rerr)
		case c.request == invalid && rerr == nil:
			t.Errorf("%s: the document accepts the request the server refuses with %d", c.name, c.status)
		}
		req.Body = io.NopCloser(bytes.NewReader(sent))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s: %s %s: HTTP %d, want %d (%s)", c.name, c.method, c.url, rec.Code, c.status, truncate(rec.Body.String()))
			return
		}
		res := rec.Result()
		got, _ := io.ReadAll(res.Body)
		if res.Header.Get("Content-Encoding") == "gzip" {
			// The document describes the bundle, not its transfer coding.
			res.Header.Del("Content-Encoding")
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(got)
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s: %s %s: the answer (HTTP %d) is not the document's: %v", c.name, c.method, c.url, rec.Code, truncate(err.Error()))
		}
		if reached[route.Operation.OperationID] == nil {
			reached[route.Operation.OperationID] = map[int]bool{}
		}
		reached[route.Operation.OperationID][rec.Code] = true
		if _, ok := samples[route.Operation.OperationID]; !ok && rec.Code < 300 {
			samples[route.Operation.OperationID] = c
		}
		if c.after != nil {
			c.after(t, got)
		}
	}
	for _, c := range cases {
		run(c)
	}
	for _, c := range late() {
		run(c)
	}
	// What every route answers alike: a token that is not valid (401), a
	// body larger than any route takes (413), a caller too fast (429, from
	// a server that allows one request).
	slow.RatePerSecond, slow.Burst = 0.001, 1
	slowest := cfg(slow)
	run(liveCase{name: "the first request", h: slowest, method: "GET", url: "/healthz", status: 200})
	ids := make([]string, 0, len(samples))
	for id := range samples {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := samples[id]
		c.after, c.request, c.h = nil, either, nil
		bad := c
		bad.name, bad.as, bad.status = c.name+", a token not valid", "", 401
		bad.header = map[string]string{"Authorization": "Bearer not-a-token"}
		run(bad)
		large := c
		large.name, large.body, large.status = c.name+", too large", strings.Repeat("x", 140_000), 413
		if large.contentType == "" {
			large.contentType = "text/plain"
		}
		run(large)
		fast := c
		fast.name, fast.as, fast.cookie, fast.h, fast.status = c.name+", too fast", "", false, slowest, 429
		run(fast)
	}

	// What was reached, and what was not.
	var missing []string
	pairs, operations := 0, 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			operations++
			for st := range op.Responses.Map() {
				n, _ := strconv.Atoi(st)
				if reached[op.OperationID][n] {
					pairs++
				} else {
					missing = append(missing, fmt.Sprintf("%s %s %s (%s)", st, method, path, op.OperationID))
				}
			}
			if _, ok := reached[op.OperationID]; !ok && !strings.HasPrefix(path, "/log/tile/") {
				t.Errorf("%s %s (%s): no request reached it", method, path, op.OperationID)
			}
		}
	}
	sort.Strings(missing)
	t.Logf("validated live: %d operations of %d, %d of their declared statuses; not reached: %d", len(reached), operations, pairs, len(missing))
	if testing.Verbose() {
		for _, m := range missing {
			t.Log("not reached:", m)
		}
	}
}

// presentCredentials passes a security requirement when the request
// carries the credential it names (the server checks the credential
// itself).
func presentCredentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch in.SecuritySchemeName {
	case "readToken":
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return nil
		}
	case "signInCookie":
		if _, err := r.Cookie("accord_token"); err == nil {
			return nil
		}
	}
	return fmt.Errorf("no %s", in.SecuritySchemeName)
}

func getAs(t *testing.T, h http.Handler, url, token string) []byte {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET %s: HTTP %d %s", url, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func headerOf(t *testing.T, h http.Handler, url, name string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	return rec.Header().Get(name)
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := examples.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func truncate(s string) string {
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}
