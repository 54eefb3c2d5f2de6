package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/invopop/jsonschema"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/talks"
	"github.com/accordverify/accord/internal/warning"
)

var updateOpenAPI = flag.Bool("update", false, "rewrite internal/server/openapi.json and docs/api/openapi.json from the route table and the Go types")

// The two copies of the document: the one the server embeds and serves,
// and the one in docs/.
var openAPIFiles = []string{"openapi.json", "../../docs/api/openapi.json"}

// The document is generated: the route table below (apiOperations) says
// what each route takes and answers, the Go types say what the bodies
// are. go test ./internal/server -run TestOpenAPIIsCurrent -update
// rewrites it.
func TestOpenAPIIsCurrent(t *testing.T) {
	want, err := openAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range openAPIFiles {
		if *updateOpenAPI {
			if err := os.WriteFile(f, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not the document the route table and the Go types give: run go test ./internal/server -run TestOpenAPIIsCurrent -update", f)
		}
	}
	if !*updateOpenAPI && !bytes.Equal(openAPI, want) {
		t.Error("the embedded document is not current (rebuild after -update)")
	}
}

// Every route the server registers for the API is documented, and the
// document has no operation the server does not answer.
func TestOpenAPIRoutesAreTheServers(t *testing.T) {
	served := map[string]bool{}
	for _, r := range (&Server{}).routes() {
		if apiPattern(r.pattern) {
			served[r.pattern] = true
		}
	}
	documented := map[string]bool{}
	for _, op := range apiOperations() {
		documented[op.pattern] = true
		if !served[op.pattern] {
			t.Errorf("%s %s (%s) documents %s, which the server does not register", op.method, op.path, op.id, op.pattern)
		}
		if m, p, _ := strings.Cut(op.pattern, " "); m != op.method || !openAPIPathOf(p, op.path) {
			t.Errorf("%s %s (%s) is not a path of %s", op.method, op.path, op.id, op.pattern)
		}
	}
	for p := range served {
		if !documented[p] {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}
}

// apiPattern reports whether a route is the API's (the rest are the
// dashboard's pages, forms and files).
func apiPattern(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/log/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// openAPIPathOf reports whether the OpenAPI path template p is one of the
// paths the ServeMux pattern path matches.
func openAPIPathOf(path, p string) bool {
	if rest, ok := strings.CutSuffix(path, "{path...}"); ok {
		return strings.HasPrefix(p, rest)
	}
	return path == p
}

// Statuses, in the order the document lists them.
var statusOrder = []int{200, 201, 202, 304, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 507}

// errorStatus says what an error status means, whatever the route.
var errorStatus = map[int]string{
	400: "Bad input, naming the field and the rule (code invalid); nothing was changed.",
	401: "No valid read token (code unauthorized): the route needs one, or the Authorization header sent is not a valid, unexpired token of a registered, unrevoked key. A token that is not valid is refused on every route, public ones included.",
	403: "The caller's role may not do this (code forbidden), or a submitted record is signed by a key the registry does not hold for its author and role (code key); nothing was changed.",
	404: "Not found (code not_found).",
	409: "A duplicate (code duplicate): the record, or the room, exists already; nothing was changed.",
	413: "The body is larger than the route accepts (code too_large, field body); it is refused unread, before the token is looked at. A signed record is at most 70,000 bytes (the server's configuration may set another bound), a breakout scenario 131,072, a token request 8,192, any other body 65,536.",
	422: "The record refers to a record the log lacks (code reference), or the log's records do not add up (code unprocessable); nothing was changed.",
	429: "Too many requests from this caller (code rate_limited): by key with a token, by address without. Retry-After says when to try again.",
	500: "An internal error (code internal); the server logged it. Nothing is said of its cause.",
	503: "Not now (Retry-After says when to try again): the index database is unavailable (code unavailable), the request ran out of its 60 s or its client went (code timeout), the record is in the log but not yet indexed (code not_indexed, with its index), or this server reads the log and another writes it (code not_writer, with the writer's address). Nothing was changed.",
	507: "The log's disk is full (code storage_full): nothing was stored; submissions succeed again once the operator frees space.",
}

// queryStatus is the 400 of an API route that takes no other bad input.
const queryStatus = "A query parameter the route does not take, one given more than once, or a query that is not name=value pairs (code invalid, field: the parameter, or query); nothing was changed."

// Universal statuses: every route can answer them (a token that is not
// valid, a body too large, a caller too fast, an internal error, an
// outage of the token store or the request's time running out).
var universalStatuses = []int{401, 413, 429, 500, 503}

type access int

const (
	public      access = iota // no token needed; a valid token is accepted
	tokenNeeded               // a read token (or, on a GET, the dashboard's sign-in cookie)
	bearerOnly                // a read token in the Authorization header
)

type param struct {
	name, in, desc string
	required       bool
	schema         map[string]any
}

type docAnswer struct {
	desc   string
	media  string // "" is application/json
	schema any    // a Go value whose type is reflected, or a map[string]any schema
}

type operation struct {
	pattern      string // the server's route pattern
	method, path string // the OpenAPI path template
	id, tag      string
	summary      string
	desc         string
	access       access
	params       []param
	body         map[string]any // media type -> Go value or schema, the body required; nil: no body
	bodyDesc     string
	ok           map[int]docAnswer
	errors       map[int]string // route-specific error statuses and what they mean here
	cached       bool           // derived from the log: ETag, If-None-Match, 304
}

// Parameter schemas equal to the server's checks.

// datePattern is calendar.Parse's range, 1945-01-01 to 2100-12-31, as a
// pattern: format date alone does not bound the year.
const datePattern = `^(194[5-9]|19[5-9][0-9]|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`

func dateSchema() map[string]any {
	return map[string]any{"type": "string", "format": "date", "pattern": datePattern}
}

func logIndexSchema() map[string]any {
	return map[string]any{"type": "integer", "format": "int64", "minimum": 0, "maximum": math.MaxInt64}
}

var breakoutParams = []param{
	{name: "convention", in: "query", desc: "Breakout assumptions: cascades (the default: the fleet in cascades as an operator would run it) or whole-fleet (every machine on every step, a lower bound).",
		schema: map[string]any{"type": "string", "enum": []string{string(breakout.Cascades), string(breakout.WholeFleet)}}},
	{name: "sq", in: "query", desc: "The significant quantity of the target: wgu25 (the default, 25 kg of 90 % uranium) or iaea (25 kg of U-235).",
		schema: map[string]any{"type": "string", "enum": []string{"wgu25", "iaea"}}},
	{name: "samples", in: "query", desc: fmt.Sprintf("Monte Carlo samples of the band (default %d, at most %d).", breakout.DefaultSamples, maxSamples),
		schema: map[string]any{"type": "integer", "minimum": 1, "maximum": maxSamples}},
	{name: "seed", in: "query", desc: fmt.Sprintf("The random seed of the band (default %d).", breakout.DefaultSeed),
		schema: map[string]any{"type": "integer", "format": "uint64", "minimum": 0, "maximum": uint64(math.MaxUint64)}},
}

var stateParams = append([]param{
	{name: "as_of", in: "query", required: true, desc: "The date, YYYY-MM-DD, from 1945-01-01 to today: a later date is refused, as nothing is known of it yet.", schema: dateSchema()},
	{name: "machines", in: "query", desc: "The centrifuges counted: enriching (the default) or installed.",
		schema: map[string]any{"type": "string", "enum": []string{compliance.Enriching, compliance.Installed}}},
	{name: "surviving_fleet", in: "query", desc: fmt.Sprintf("After a loss of access: the share of the last verified fleet assumed to work (default %g).", compliance.DefaultDamage.FleetFraction),
		schema: map[string]any{"type": "number", "minimum": 0, "maximum": 1}},
	{name: "remaining_stock", in: "query", desc: fmt.Sprintf("After a loss of access: the share of the last verified stock assumed in place (default %g).", compliance.DefaultDamage.StockFraction),
		schema: map[string]any{"type": "number", "minimum": 0, "maximum": 1}},
}, breakoutParams...)

// roomParam is the first parameter of every route of one room.
var roomParam = param{name: "room", in: "path", required: true, desc: "The room's id.", schema: map[string]any{"type": "string", "minLength": 1}}

func jsonBody(v any) map[string]any { return map[string]any{"application/json": v} }

func ok(status int, desc string, v any) map[int]docAnswer {
	return map[int]docAnswer{status: {desc: desc, schema: v}}
}

// Route-specific statuses of the talks routes.
var (
	talksRead  = map[int]string{403: "The caller is not in this room, or its role does not see this (code forbidden).", 404: "No such room, or this server keeps no talks rooms (code not_found, field room)."}
	talksWrite = map[int]string{400: "Bad input naming the field, or a step the room's state does not allow (code invalid); nothing was changed.",
		403: "The caller is not in this room, or its role does not do this (code forbidden).", 404: "No such room, or this server keeps no talks rooms (code not_found, field room)."}
	talksLogged = map[int]string{400: "Bad input naming the field (code invalid), including a commitment that is not the caller's signed talks_commitment record of this room and hash; nothing was changed.",
		403: "The caller is not in this room or its role does not do this (code forbidden), or the commitment is signed by a key the registry does not hold (code key).",
		404: "No such room, or this server keeps no talks rooms (code not_found, field room).",
		409: "The log holds this commitment already (code duplicate); nothing was changed.",
		422: "The commitment refers to a record the log lacks (code reference).",
		507: "The log's disk is full (code storage_full); nothing was changed."}
)

// apiOperations is the route table of the document: one operation per
// method and OpenAPI path.
func apiOperations() []operation {
	ops := []operation{
		{pattern: "GET /healthz", id: "getHealth", tag: "service", summary: "Liveness", desc: "Answers as long as the process serves requests.",
			ok: ok(200, "The process is alive.", healthAnswer{})},
		{pattern: "GET /metrics", id: "getMetrics", tag: "service", summary: "Prometheus metrics",
			desc:   "The server's metrics in Prometheus's text exposition format: requests by route pattern, method and status with their latency, submissions by outcome, appends, rate-limit refusals, requests to the witnesses by status with their latency, the latest checkpoint's size and age, the index's backlog, and the Go runtime's and the process's. Counts and times only, nothing a record says.",
			ok:     map[int]docAnswer{200: {desc: "The metrics.", media: "text/plain", schema: map[string]any{"type": "string"}}},
			errors: map[int]string{404: "This server keeps no metrics (code not_found)."}},
		{pattern: "GET /readyz", id: "getReadiness", tag: "service", summary: "Readiness",
			desc:   "Ready when the index answers, the log's checkpoint reads and, on the writer, writes can succeed now (the log's directory takes a file, no entry waits for the index). role says whether this server writes the log or reads it; a reader names the writer's address.",
			ok:     ok(200, "Ready: status ready, every check ok.", Readiness{}),
			errors: map[int]string{503: "Not ready, with Retry-After: status not_ready, each check ok or why not, and an error of code unavailable. (A request out of time, or an outage of the token store, is an Error instead.)"}},
		{pattern: "GET /api/v1/openapi.json", id: "getOpenAPI", tag: "service", summary: "This document",
			desc: "The OpenAPI document of the API, generated from the server's route table and its Go types.",
			ok: ok(200, "The OpenAPI 3.1 document.", map[string]any{"type": "object", "required": []string{"openapi", "info", "paths"},
				"properties": map[string]any{"openapi": map[string]any{"type": "string"}, "info": map[string]any{"type": "object"}, "paths": map[string]any{"type": "object"}}})},

		{pattern: "POST /api/v1/auth/challenge", id: "createChallenge", tag: "auth", summary: "A challenge to sign for a read token",
			desc: fmt.Sprintf("A one-time challenge, valid %s. Sign the text \"accord-read-token\\n<challenge>\\n\" as a signed note (golang.org/x/mod/sumdb/note) with a registered key and send it to POST /api/v1/auth/token. The route reads no body; one sent is read within the route's bound and ignored.", challengeTTL),
			ok:   ok(200, "The challenge and when it expires.", challengeAnswer{})},
		{pattern: "POST /api/v1/auth/token", id: "createToken", tag: "auth", summary: "A read token for a signed challenge",
			desc:     fmt.Sprintf("A read token, valid %s and bound to the key that signed the challenge: send it as Authorization: Bearer <token>. It stops working when the key is revoked. The signed request is at most %d bytes.", tokenTTL, maxTokenBody),
			body:     map[string]any{"text/plain": map[string]any{"type": "string", "minLength": 1}},
			bodyDesc: "The signed note of the text \"accord-read-token\\n<challenge>\\n\".",
			ok:       ok(200, "The token, when it expires, and the party, role and key it stands for.", tokenAnswer{}),
			errors:   map[int]string{400: "The signed text is not \"accord-read-token\\n<challenge>\\n\" (field body).", 401: "The note is not signed by a registered, unrevoked key, or the challenge is unknown, used or expired."}},

		{pattern: "POST /api/v1/records", id: "submitRecord", tag: "records", summary: "Submit a signed record",
			desc:     "Appends a signed record (the bytes of accord record sign: the record and its author's signature, a signed note) to the log, indexes it and answers with its receipt once a checkpoint the witnesses cosigned covers it. The signature is checked against the key registry kept in the log; kind, units and ranges are validated; duplicates are refused. Only the log's writer accepts records.",
			body:     map[string]any{"text/plain": map[string]any{"type": "string", "minLength": 1}},
			bodyDesc: "The signed record, byte for byte.",
			ok: map[int]docAnswer{
				201: {desc: "Logged and indexed, with its receipt.", schema: Submitted{}},
				202: {desc: "Logged and indexed; no checkpoint covers it yet (the witnesses have not cosigned): receipt is null, and GET /api/v1/records/{index} gives it later.", schema: Submitted{}},
			},
			errors: map[int]string{400: "Bad input, naming the field and the rule (code invalid); nothing was stored.", 403: "Signed by a key the registry does not hold, a revoked key, or a key whose role does not write this kind (code key); nothing was stored.",
				409: "The log holds this record already (code duplicate).", 422: "The record refers to a record the log lacks (code reference); nothing was stored.", 507: errorStatus[507]}},
		{pattern: "GET /api/v1/records", id: "listRecords", tag: "records", summary: "Query records", access: tokenNeeded, cached: true,
			desc: "The records the caller may read, in log order: parties, the state and the inspectorate read the agreement's records; private talks content is read by its author and the mediator (who reads only talks content). next_after is the index of the last record listed, so paging never names the position of a record the caller may not read.",
			params: []param{
				{name: "kind", in: "query", desc: "Only records of this kind; another is 400 listing the kinds.", schema: map[string]any{"type": "string", "enum": record.KindNames()}},
				{name: "author", in: "query", desc: "Only records by this party.", schema: map[string]any{"type": "string"}},
				{name: "site", in: "query", desc: "Only records about this site.", schema: map[string]any{"type": "string"}},
				{name: "material", in: "query", desc: "Only records about this material (UF6, UO2, enriched uranium...).", schema: map[string]any{"type": "string"}},
				{name: "from", in: "query", desc: "Only records about a date from this one (inclusive), YYYY-MM-DD.", schema: dateSchema()},
				{name: "to", in: "query", desc: "Only records about a date up to this one (inclusive), YYYY-MM-DD; not before from.", schema: dateSchema()},
				{name: "after", in: "query", desc: "The log index to page after (the previous page's next_after).", schema: logIndexSchema()},
				{name: "limit", in: "query", desc: "At most this many records (default 100).", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 1000}},
			},
			ok:     ok(200, "The records and next_after (absent when none is listed).", recordsAnswer{}),
			errors: map[int]string{400: errorStatus[400], 403: "The caller's role reads no records (code forbidden)."}},
		{pattern: "GET /api/v1/records/{index}", id: "getRecord", tag: "records", summary: "A record with its receipt", access: tokenNeeded, cached: true,
			desc:   "The record at a log index with its receipt against the latest published checkpoint (null when none covers it yet). For a sealed record, when the caller is one of its recipients and this server is one too, also the record it hides (opened).",
			params: []param{{name: "index", in: "path", required: true, desc: "The record's log index.", schema: logIndexSchema()}},
			ok:     ok(200, "The record and its receipt.", recordAnswer{}),
			errors: map[int]string{400: "The index is not a log index (code invalid, field index).", 403: "The caller may not read this record, saying why: private talks content (its author and the mediator read it) or the agreement's records (its parties, its state and the inspectorate read them).", 404: "No record at this index (code not_found, field index)."}},
		{pattern: "GET /api/v1/checkpoint", id: "getCheckpoint", tag: "log", summary: "The latest published checkpoint", cached: true,
			desc: "The latest published checkpoint, signed by the log's operator and cosigned by the witnesses (C2SP signed-note and tlog-checkpoint formats).",
			ok:   map[int]docAnswer{200: {desc: "The checkpoint, as text.", media: "text/plain", schema: map[string]any{"type": "string"}}}},
		{pattern: "GET /api/v1/keys", id: "getKeys", tag: "records", summary: "The key registry", cached: true,
			desc:   "The log's key registry, replayed from its genesis and key records: each key's party, role, verifier key and encryption key (recipient), whether it is revoked; the kinds the log accepts only sealed; and the party whose encryption key this server holds. A client seals a confidential record to the recipients' current keys listed here.",
			ok:     ok(200, "The registry.", KeysView{}),
			errors: map[int]string{503: "This server does not publish the registry (code unavailable), or another outage of those every route may meet."}},

		{pattern: "GET /api/v1/status", id: "getStatus", tag: "state", summary: "Status at a date", cached: true, params: stateParams,
			desc: "The verified state, the findings against the agreement, the breakout estimate and the clocks at a date, from the indexed records: the same JSON as accord status --json. A figure not known at the date (known false) has a null value and date, never 0 nor an older figure; the figure known before it, if any, is its last.",
			ok:   ok(200, "The status.", compliance.Overview{}), errors: map[int]string{400: errorStatus[400]}},
		{pattern: "GET /api/v1/timeline", id: "getTimeline", tag: "state", summary: "Each commitment's status over time", cached: true,
			desc: "For each of the agreement's commitments, its status from one reported date to the next.",
			ok:   ok(200, "The tracks, one per commitment.", []compliance.Track{})},
		{pattern: "GET /api/v1/breakout", id: "getBreakout", tag: "state", summary: "Breakout at a date", cached: true, params: stateParams,
			desc: "Breakout at a date from what the inspectorate knew: status (estimated, unknown, not-reachable), the estimate with its band, or the last known estimate and the range since a loss of access.",
			ok:   ok(200, "The breakout at the date.", compliance.Breakout{}), errors: map[int]string{400: errorStatus[400]}},
		{pattern: "GET /api/v1/warning", id: "getWarning", tag: "state", summary: "Warning time at a date", cached: true, params: stateParams,
			desc: "Would a breakout be caught before it is done: the breakout at the date, the verification regime in force (each activity in force, escrowed, lost or not in force, with its provision and source), the time to detect and report (p10, p50, p90), the warning time (breakout time minus time to detect) and the probability that the breakout is done first; status estimated, unknown, no-detection or not-reachable. The same JSON as accord warning --json.",
			ok:   ok(200, "The warning estimate at the date.", warning.Estimate{}), errors: map[int]string{400: errorStatus[400]}},
		{pattern: "POST /api/v1/breakout", id: "estimateScenario", tag: "state", summary: "What-if breakout for a scenario", params: breakoutParams,
			desc:     fmt.Sprintf("Estimates breakout for a posted scenario, as YAML or JSON: at most %d bytes, 100 fleet groups, 100 lots, 20 tails overrides and 20 cascade machine types (400 naming the list). The query's convention and sq override the scenario's.", maxScenarioBody),
			body:     map[string]any{"application/json": breakout.Scenario{}, "application/yaml": breakout.Scenario{}},
			bodyDesc: "The scenario: the same document as YAML or as JSON.",
			ok:       ok(200, "The estimate.", scenarioAnswer{}),
			errors:   map[int]string{400: errorStatus[400], 503: "The estimate was stopped: its time ran out or its client went (code timeout); or another outage of those every route may meet."}},
		{pattern: "GET /api/v1/dataset", id: "getDataset", tag: "state", summary: "The public series",
			desc:   "The public IAEA-reported series the server holds: every report, every fact and its evidence.",
			ok:     ok(200, "The series.", datasetAnswer{}),
			errors: map[int]string{404: "This server holds no series (code not_found)."}},
		{pattern: "GET /api/v1/agreements", id: "listAgreements", tag: "state", summary: "The agreements served",
			desc: "The agreements this server verifies, as data: parties, commitments and their limits, procedures and durations.",
			ok:   ok(200, "The agreements.", []*agreement.Agreement{})},
		{pattern: "GET /api/v1/clock", id: "getClock", tag: "state", summary: "Deadlines from procedural events",
			desc: "The deadlines the agreement's procedures (access, dispute resolution, snapback...) set from events, judged at a date.",
			params: []param{
				{name: "event", in: "query", desc: "An event, KIND:YYYY-MM-DD; repeatable (default: the agreement's own events).",
					schema: map[string]any{"type": "array", "items": map[string]any{"type": "string", "pattern": `^[^:]+:(194[5-9]|19[5-9][0-9]|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`}}},
				{name: "at", in: "query", desc: "The date to judge at, YYYY-MM-DD (default today).", schema: dateSchema()},
			},
			ok: ok(200, "The date and the deadlines.", clockAnswer{}), errors: map[int]string{400: "Bad input naming the field: at, or event (malformed, or a kind the agreement's procedures do not know)."}},
		{pattern: "GET /api/v1/charts/{name}", id: "getChart", tag: "state", summary: "A chart of the report", cached: true,
			desc: "A chart of the verification report at a date, as SVG.",
			params: []param{
				{name: "name", in: "path", required: true, desc: "The chart.", schema: map[string]any{"type": "string", "enum": []string{"stock-by-level.svg", "sixty-pct-vs-sq.svg", "breakout-days.svg"}}},
				{name: "as_of", in: "query", desc: "The last date shown, YYYY-MM-DD, not after today (default: the latest reported stock).", schema: dateSchema()},
			},
			ok:     map[int]docAnswer{200: {desc: "The chart.", media: "image/svg+xml", schema: map[string]any{"type": "string"}}},
			errors: map[int]string{400: errorStatus[400], 404: "No such chart (code not_found, field name)."}},

		// Talks.
		{pattern: "GET /api/v1/talks/rooms", id: "listRooms", tag: "talks", summary: "The caller's talks rooms", access: tokenNeeded,
			desc: "The talks rooms the caller's party takes part in, with its role in each.",
			ok:   ok(200, "The rooms.", roomsAnswer{})},
		{pattern: "POST /api/v1/talks/rooms", id: "createRoom", tag: "talks", summary: "Open a talks room", access: bearerOnly,
			desc: "A mediator's key opens a room it mediates: id, title, parties, negotiation space (space), policy (standard or blind) and budget_per_round.",
			body: jsonBody(roomRequest{}),
			ok:   ok(201, "The mediator's view of the room.", talks.View{}),
			errors: map[int]string{400: talksWrite[400], 403: "Only a mediator's key opens a room (code forbidden).", 404: "This server keeps no talks rooms (code not_found).",
				409: "A room of this id exists (code duplicate, field id)."}},
		{pattern: "GET /api/v1/talks/rooms/{room}", id: "getRoom", tag: "talks", summary: "The caller's view of a room", access: tokenNeeded,
			desc: "The room as the caller may see it: space, parties, round, commitments, proposals as attributed (their origin to the mediator only), texts, its own red lines (all of them to the mediator).",
			ok:   ok(200, "The view.", talks.View{}), errors: talksRead},
		{pattern: "POST /api/v1/talks/rooms/{room}/red-lines", id: "submitRedLines", tag: "talks", summary: "Submit red lines", access: bearerOnly,
			desc: "A party submits its red lines with its signed talks_commitment record of their commitment, which goes into the evidence log; nothing is stored if the log refuses it.",
			body: jsonBody(redLinesRequest{}),
			ok:   ok(201, "The commitment and the log's answer.", redLinesAnswer{}), errors: talksLogged},
		{pattern: "GET /api/v1/talks/rooms/{room}/red-lines/{party}", id: "getRedLines", tag: "talks", summary: "A party's red lines", access: tokenNeeded,
			desc:   "A party's red lines: its own to a party, every party's to the mediator.",
			params: []param{{name: "party", in: "path", required: true, desc: "The party.", schema: map[string]any{"type": "string", "minLength": 1}}},
			ok:     ok(200, "The red lines.", talks.RedLines{}), errors: talksRead},
		{pattern: "POST /api/v1/talks/rooms/{room}/proposals", id: "propose", tag: "talks", summary: "A proposal", access: bearerOnly,
			desc: "The mediator puts a proposal (its own, or a party's, attributed to the mediator if asked): held for release later, or released at once with the mediator's signed talks_commitment record of its release hash, which is logged first.",
			body: jsonBody(proposalRequest{}),
			ok:   ok(201, "The proposal and its release hash, with the log's answer when released.", proposalAnswer{}), errors: talksLogged},
		{pattern: "POST /api/v1/talks/rooms/{room}/proposals/{proposal}/release", id: "releaseProposal", tag: "talks", summary: "Release a held proposal", access: bearerOnly,
			desc:   "The mediator releases a held proposal to every party at once, with its signed talks_commitment record of the release hash (logged).",
			params: []param{{name: "proposal", in: "path", required: true, desc: "The proposal's id.", schema: map[string]any{"type": "string", "minLength": 1}}},
			body:   jsonBody(commitmentRequest{}),
			ok:     ok(200, "The released proposal's id and the log's answer.", releasedProposalAnswer{}), errors: talksLogged},
		{pattern: "POST /api/v1/talks/rooms/{room}/notes", id: "addNote", tag: "talks", summary: "A mediator's private note", access: bearerOnly,
			desc: "The mediator records a private note, in the mediator's view only.",
			body: jsonBody(noteRequest{}),
			ok:   ok(201, "How many notes the room holds.", notesAnswer{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/space", id: "reviseSpace", tag: "talks", summary: "Revise the negotiation space", access: bearerOnly,
			desc: "The mediator revises the terms of the negotiation space: in place while the version is open, as a new version once frozen; every red line must still hold.",
			body: jsonBody(spaceRequest{}),
			ok:   ok(200, "The negotiation space.", talks.Space{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/space/freeze", id: "freezeSpace", tag: "talks", summary: "Freeze the negotiation space", access: bearerOnly,
			desc: "The mediator freezes the current version of the negotiation space (its terms). The route reads no body.",
			ok:   ok(200, "The negotiation space.", talks.Space{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/exclusions", id: "exclude", tag: "talks", summary: "Exclude a topic", access: bearerOnly,
			desc: "A party records a topic that is not on the agenda for it.",
			body: jsonBody(exclusionRequest{}),
			ok:   ok(201, "The excluded topics.", talks.Space{}.Excluded), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/feasibility", id: "askFeasibility", tag: "talks", summary: "Does a proposal meet the red lines", access: bearerOnly,
			desc: "A party asks whether a released proposal meets its red lines and how far it is from them; the question counts against its budget of the round, answered or not (the room's policy says how much the answer tells).",
			body: jsonBody(feasibilityRequest{}),
			ok:   ok(200, "The report.", talks.Report{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/zone", id: "exploreZone", tag: "talks", summary: "Explore the zone of agreement", access: bearerOnly,
			desc: "The mediator's zone-of-agreement explorer: the package with the largest smallest margin, or none. The search is sized before it runs: a term not fixed has at most 10,000 values, at most 50,000 packages of the caps and centrifuges are evaluated and red lines checked at most 500,000 times, else 400 naming fixed (or fixed.<term>). The exploration works on a copy of the room: the room answers other requests meanwhile.",
			body: jsonBody(zoneRequest{}),
			ok:   ok(200, "The zone.", talks.Zone{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/rounds", id: "nextRound", tag: "talks", summary: "Open the next round", access: bearerOnly,
			desc: "The mediator opens the next round: budgets start again. The route reads no body.",
			ok:   ok(200, "The round now open.", roundAnswer{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/messages", id: "postMessage", tag: "talks", summary: "Write to the mediator, or relay", access: bearerOnly,
			desc: "A party writes to the mediator (proposal, question, criticism, acceptance); the mediator relays (relay_of, to, attribute_to_mediator). A message body is at most 16,384 bytes; a party sends at most 100 messages a round, the mediator at most 100 relays per party of the room a round. A message naming a proposal the party has not received, held or missing, gets the same 400.",
			body: jsonBody(messageRequest{}),
			ok:   ok(201, "The message.", talks.Message{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/messages/release", id: "releaseMessages", tag: "talks", summary: "Release relays", access: bearerOnly,
			desc: fmt.Sprintf("The mediator releases relays to all their recipients at once (at most %d ids).", maxReleaseIDs),
			body: jsonBody(releaseMessagesRequest{}),
			ok:   ok(200, "The ids released.", releasedMessagesAnswer{}), errors: talksWrite},
		{pattern: "GET /api/v1/talks/rooms/{room}/messages", id: "getInbox", tag: "talks", summary: "The caller's messages", access: tokenNeeded,
			desc: "The caller's messages: a party its own and the released relays to it; the mediator all.",
			ok:   ok(200, "The messages.", inboxAnswer{}), errors: talksRead},
		{pattern: "POST /api/v1/talks/rooms/{room}/texts", id: "draftText", tag: "talks", summary: "A version of the negotiating text", access: bearerOnly,
			desc: "The mediator records a version of the single negotiating text: clauses agreed, bracketed or open, and values.",
			body: jsonBody(textRequest{}),
			ok:   ok(201, "The text and its sha256.", textAnswer{}), errors: talksWrite},
		{pattern: "POST /api/v1/talks/rooms/{room}/texts/{version}/confirm", id: "confirmText", tag: "talks", summary: "Confirm a version of the text", access: bearerOnly,
			desc: "A party confirms a version whose every clause is agreed, with its signed talks_commitment record of the text's sha256, which goes into the evidence log.",
			params: []param{{name: "version", in: "path", required: true, desc: "The text's version, from 1.",
				schema: map[string]any{"type": "integer", "minimum": math.MinInt64, "maximum": math.MaxInt64}}},
			body: jsonBody(commitmentRequest{}),
			ok:   ok(200, "The version, its sha256, the log's answer, and whether the text is final.", confirmAnswer{}), errors: talksLogged},
	}
	for i := range ops {
		ops[i].method, ops[i].path, _ = strings.Cut(ops[i].pattern, " ")
		if strings.HasPrefix(ops[i].path, "/api/v1/talks/rooms/{room}") {
			ops[i].params = append([]param{roomParam}, ops[i].params...)
		}
		if slices.Contains([]string{"POST /api/v1/records", "POST /api/v1/talks/rooms"}, ops[i].pattern) || strings.HasPrefix(ops[i].pattern, "POST /api/v1/talks/rooms/") && !strings.HasSuffix(ops[i].pattern, "/zone") {
			// Only the log's writer changes the log and the rooms.
			if ops[i].errors == nil {
				ops[i].errors = map[int]string{}
			} else {
				ops[i].errors = maps.Clone(ops[i].errors)
			}
			ops[i].errors[503] = "This server reads the log and another writes it (code not_writer, with the writer's address): send the request there; or another outage of those every route may meet. Nothing was changed."
			if ops[i].pattern == "POST /api/v1/records" {
				ops[i].errors[503] = "Nothing acknowledged; Retry-After says when to try again: not_writer (this server reads the log; the error's writer is the writer's address), unavailable (the index database is down; nothing stored), not_indexed (in the log at the error's index, indexed once the database returns) or timeout."
			}
		}
	}
	return append(ops, logFileOperations()...)
}

// maxTileIndexGroups is how many groups of three digits a tile index of
// 64 bits takes (c2sp.org/tlog-tiles: x018/x446/x744/x073/x709/x551/615).
const maxTileIndexGroups = 7

// logFileOperations are the log's files (c2sp.org/tlog-tiles), one path
// per form: the checkpoint, and the hash tiles and entry bundles, full or
// partial, for each number of groups of their index.
func logFileOperations() []operation {
	const logPattern = "GET /log/{path...}"
	ops := []operation{{pattern: logPattern, path: "/log/checkpoint", id: "getLogCheckpoint", tag: "log", summary: "The log's checkpoint", cached: true,
		desc: "The latest published checkpoint (c2sp.org/tlog-checkpoint), as GET /api/v1/checkpoint; not cached by clients (Cache-Control: no-cache).",
		ok:   map[int]docAnswer{200: {desc: "The checkpoint.", media: "text/plain", schema: map[string]any{"type": "string"}}}, errors: map[int]string{404: "This server serves no log files (code not_found)."}}}
	group := map[string]any{"type": "string", "pattern": "^[0-9]{3}$"}
	for _, kind := range []string{"tile", "entries"} {
		for groups := 1; groups <= maxTileIndexGroups; groups++ {
			for _, partial := range []bool{false, true} {
				op := operation{pattern: logPattern, tag: "log", cached: true, access: public}
				path := "/log/tile/{level}"
				op.params = []param{{name: "level", in: "path", required: true, desc: "The tile's level, 0 to 63, without leading zeros.", schema: map[string]any{"type": "string", "pattern": "^(0|[1-9]|[1-5][0-9]|6[0-3])$"}}}
				if kind == "entries" {
					path = "/log/tile/entries"
					op.params = nil
				}
				for g := 1; g < groups; g++ {
					name := "x" + strconv.Itoa(g)
					path += "/x{" + name + "}"
					op.params = append(op.params, param{name: name, in: "path", required: true, desc: fmt.Sprintf("Group %d of the index's three-digit groups, most significant first (after its x).", g), schema: group})
				}
				path += "/{n}"
				op.params = append(op.params, param{name: "n", in: "path", required: true, desc: "The index's last three-digit group.", schema: group})
				if partial {
					path = strings.TrimSuffix(path, "/{n}") + "/{n}.p/{width}"
					op.params = append(op.params, param{name: "width", in: "path", required: true, desc: "The partial tile's width, 1 to 255, without leading zeros.", schema: map[string]any{"type": "string", "pattern": "^([1-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$"}})
				}
				op.path = path
				form := "Full"
				if partial {
					form = "Partial"
				}
				if kind == "tile" {
					op.id = fmt.Sprintf("getHashTile%sIndex%d", form, groups)
					op.summary = fmt.Sprintf("A %s hash tile (index of %d group%s)", strings.ToLower(form), groups, plural(groups))
					op.desc = "A tile of the log's Merkle tree hashes (c2sp.org/tlog-tiles): public, since receipts and audits verify with them. A full tile never changes (Cache-Control: public, max-age=31536000, immutable); a partial one is cached a minute."
					op.ok = map[int]docAnswer{200: {desc: "The tile: the concatenated 32-byte hashes.", media: "application/octet-stream", schema: map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}
					op.errors = map[int]string{404: "No such tile, a path that is not the canonical spelling of one, or this server serves no log files (code not_found)."}
				} else {
					op.id = fmt.Sprintf("getEntryBundle%sIndex%d", form, groups)
					op.summary = fmt.Sprintf("A %s entry bundle (index of %d group%s)", strings.ToLower(form), groups, plural(groups))
					op.desc = "A bundle of the log's entries (c2sp.org/tlog-tiles): the signed records themselves, so a record reader's token is needed, as for GET /api/v1/records (confidential content in them is sealed). Gzip-compressed when the client accepts it. A full bundle never changes (Cache-Control: private, max-age=31536000, immutable); a partial one is cached a minute."
					op.access = tokenNeeded
					op.ok = map[int]docAnswer{200: {desc: "The bundle: each entry as a big-endian 16-bit length and its bytes.", media: "application/octet-stream", schema: map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}
					op.errors = map[int]string{403: "The caller's role does not read the agreement's records (code forbidden).", 404: "No such bundle, a path that is not the canonical spelling of one, or this server serves no log files (code not_found)."}
				}
				ops = append(ops, op)
			}
		}
	}
	for i := range ops {
		ops[i].method = "GET"
	}
	return ops
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// schemas collects the component schemas reflected from Go types.
type schemas struct {
	out        map[string]any
	response   *jsonschema.Reflector
	request    *jsonschema.Reflector
	namesTaken map[string]reflect.Type
	err        error
}

// schemaName names a Go type's component: its package's name and its own
// (TalksReport, DatasetReport), but the server's own types by name alone.
// The JSON form a type's JSONSchemaAlias gives (state's valueJSON) is named
// as the type (StateValue).
func schemaName(t reflect.Type) string {
	pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	name := t.Name()
	if pkg == "" {
		return name
	}
	if base, ok := strings.CutSuffix(name, "JSON"); ok && base != "" && unicode.IsLower([]rune(base)[0]) {
		name = base
	}
	if r := []rune(name); len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
		name = string(r)
	}
	if pkg == "server" {
		return name
	}
	r := []rune(pkg)
	r[0] = unicode.ToUpper(r[0])
	return string(r) + name
}

// componentRules are what a component's Go type cannot say. A state
// value (state.Value's MarshalJSON) has a number, and no last figure,
// exactly when it is known; when it is not, its value and date are null.
var componentRules = map[string]map[string]any{
	"StateValue": {"oneOf": []any{
		map[string]any{
			"properties": map[string]any{"known": map[string]any{"enum": []any{true}}, "value": map[string]any{"type": "number"}},
			"not":        map[string]any{"required": []any{"last"}},
		},
		map[string]any{
			"properties": map[string]any{"known": map[string]any{"enum": []any{false}}, "value": map[string]any{"type": "null"}, "date": map[string]any{"type": "null"}},
		},
	}},
}

// aliasOf is the type whose schema is t's: the JSON form t's
// JSONSchemaAlias method gives (the shape its MarshalJSON writes), or t.
func aliasOf(t reflect.Type) reflect.Type {
	if a, ok := reflect.New(t).Interface().(interface{ JSONSchemaAlias() any }); ok {
		return reflect.TypeOf(a.JSONSchemaAlias())
	}
	return t
}

// mapType gives the schemas of the types that encode themselves.
func mapType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[calendar.Date]():
		// The zero date is null.
		return &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "string", Format: "date", Pattern: datePattern}, {Type: "null"}}, Description: "A civil date, YYYY-MM-DD; null when there is none."}
	case reflect.TypeFor[json.RawMessage]():
		return &jsonschema.Schema{}
	case reflect.TypeFor[time.Duration]():
		return &jsonschema.Schema{Type: "integer", Description: "A duration in nanoseconds."}
	case reflect.TypeFor[breakout.NaturalSupply]():
		return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
			{Type: "string", Enum: []any{"unlimited"}},
			{Type: "number", Minimum: json.Number("0"), Description: "A mass in kg U."},
		}, Description: `The natural uranium available as feed once the stock is used up: "unlimited" or a mass in kg U.`}
	}
	return nil
}

func newSchemas() *schemas {
	s := &schemas{out: map[string]any{}, namesTaken: map[string]reflect.Type{}}
	s.response = &jsonschema.Reflector{Mapper: mapType, Namer: schemaName}
	// A request body's fields are all optional: the handlers decode into
	// zero values and then say which are wrong.
	s.request = &jsonschema.Reflector{Mapper: mapType, RequiredFromJSONSchemaTags: true,
		Namer: func(t reflect.Type) string {
			if t.Name() == "" {
				return ""
			}
			return schemaName(t) + "Input"
		}}
	return s
}

// of returns the schema of v: a map[string]any is a schema already, any
// other value's type is reflected into components.
func (s *schemas) of(v any, request bool) any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	r := s.response
	if request {
		r = s.request
	}
	t := reflect.TypeOf(v)
	sc := r.ReflectFromType(t)
	b, err := json.Marshal(sc)
	if err != nil {
		s.err = err
		return nil
	}
	b = bytes.ReplaceAll(b, []byte(`"#/$defs/`), []byte(`"#/components/schemas/`))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		s.err = err
		return nil
	}
	defs, _ := m["$defs"].(map[string]any)
	for name, d := range defs {
		s.out[name] = d
	}
	delete(m, "$defs")
	delete(m, "$schema")
	delete(m, "$id")
	nullable(s.out, t, r.Namer, map[reflect.Type]bool{})
	return m
}

// nullable lets null be the value of the fields encoding/json writes as
// null: pointers, slices, maps and interfaces without omitempty; and it
// makes optional the fields it leaves out when zero (omitzero), which the
// reflector takes for required.
func nullable(defs map[string]any, t reflect.Type, namer func(reflect.Type) string, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	t = aliasOf(t)
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	def, _ := defs[namer(t)].(map[string]any)
	var props map[string]any
	if def != nil {
		props, _ = def["properties"].(map[string]any)
	}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, ok := input.JSONField(f)
			if !ok {
				continue
			}
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			nullable(defs, ft, namer, seen)
			if strings.Contains(opts, "omitzero") && def != nil {
				// encoding/json leaves the zero value out.
				if req, ok := def["required"].([]any); ok {
					def["required"] = slices.DeleteFunc(req, func(v any) bool { return v == name })
					if len(def["required"].([]any)) == 0 {
						delete(def, "required")
					}
				}
			}
			if mapType(ft) != nil || reflect.PointerTo(ft).Implements(reflect.TypeFor[json.Marshaler]()) && ft.Kind() == reflect.Struct {
				continue
			}
			switch ft.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			default:
				continue
			}
			if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Uint8 {
				continue // []byte is a string
			}
			if strings.Contains(opts, "omitempty") || props == nil {
				continue
			}
			p, ok := props[name].(map[string]any)
			if !ok {
				continue
			}
			props[name] = orNull(p)
		}
	}
	walk(t)
}

// orNull is schema p, or null.
func orNull(p map[string]any) map[string]any {
	switch typ := p["type"].(type) {
	case string:
		p["type"] = []any{typ, "null"}
		return p
	case []any:
		if !slices.Contains(typ, any("null")) {
			p["type"] = append(typ, "null")
		}
		return p
	}
	if _, ok := p["$ref"]; ok {
		out := map[string]any{"anyOf": []any{map[string]any{"$ref": p["$ref"]}, map[string]any{"type": "null"}}}
		for k, v := range p {
			if k != "$ref" {
				out[k] = v
			}
		}
		return out
	}
	return p
}

func errorContent() map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ErrorAnswer"}}}
}

func header(desc string, schema map[string]any) map[string]any {
	return map[string]any{"description": desc, "schema": schema}
}

// openAPIDocument generates the document.
func openAPIDocument() ([]byte, error) {
	s := newSchemas()
	s.of(errorAnswer{}, false)
	paths := map[string]any{}
	for _, op := range apiOperations() {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		o := map[string]any{"operationId": op.id, "tags": []string{op.tag}, "summary": op.summary, "description": op.desc}
		var params []any
		for _, p := range op.params {
			pm := map[string]any{"name": p.name, "in": p.in, "schema": p.schema}
			if p.desc != "" {
				pm["description"] = p.desc
			}
			if p.required {
				pm["required"] = true
			}
			params = append(params, pm)
		}
		if op.cached {
			params = append(params, map[string]any{"name": "If-None-Match", "in": "header",
				"description": "The ETag of a copy the client holds: when the answer would be the same, it is 304 Not Modified, without a body.",
				"schema":      map[string]any{"type": "string"}})
		}
		if params != nil {
			o["parameters"] = params
		}
		switch op.access {
		case public:
			o["security"] = []any{map[string]any{}, map[string]any{"readToken": []string{}}}
		case tokenNeeded:
			o["security"] = []any{map[string]any{"readToken": []string{}}, map[string]any{"signInCookie": []string{}}}
		case bearerOnly:
			o["security"] = []any{map[string]any{"readToken": []string{}}}
		}
		if op.body != nil {
			content := map[string]any{}
			for media, v := range op.body {
				content[media] = map[string]any{"schema": s.of(v, true)}
			}
			rb := map[string]any{"required": true, "content": content}
			if op.bodyDesc != "" {
				rb["description"] = op.bodyDesc
			}
			o["requestBody"] = rb
		}
		responses := map[string]any{}
		for status, a := range op.ok {
			media := a.media
			if media == "" {
				media = "application/json"
			}
			r := map[string]any{"description": a.desc, "content": map[string]any{media: map[string]any{"schema": s.of(a.schema, false)}}}
			if op.cached {
				r["headers"] = map[string]any{
					"ETag":          header("The answer's entity tag, for If-None-Match.", map[string]any{"type": "string"}),
					"Cache-Control": header("How long the answer may be cached, and by whom.", map[string]any{"type": "string"}),
				}
			}
			responses[strconv.Itoa(status)] = r
		}
		if op.cached {
			responses["304"] = map[string]any{"description": "Not Modified: the copy whose ETag the request's If-None-Match names is current. No body.",
				"headers": map[string]any{"ETag": header("The answer's entity tag.", map[string]any{"type": "string"})}}
		}
		errs := map[int]string{}
		for _, st := range universalStatuses {
			errs[st] = errorStatus[st]
		}
		if op.access != public {
			errs[401] = "No read token, or one that is not valid (code unauthorized): this route needs a read token (POST /api/v1/auth/challenge, then POST /api/v1/auth/token)."
		}
		for st, d := range op.errors {
			errs[st] = d
		}
		if _, ok := errs[400]; !ok && strictQuery(op.pattern) {
			errs[400] = queryStatus
		}
		for st, d := range errs {
			r := map[string]any{"description": d, "content": errorContent()}
			if st == 429 || st == 503 {
				r["headers"] = map[string]any{"Retry-After": header("Seconds to wait before trying again.", map[string]any{"type": "integer", "minimum": 0})}
			}
			if op.pattern == "GET /readyz" && st == 503 {
				r["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"anyOf": []any{
					map[string]any{"$ref": "#/components/schemas/Readiness"}, map[string]any{"$ref": "#/components/schemas/ErrorAnswer"}}}}}
			}
			responses[strconv.Itoa(st)] = r
		}
		for st := range responses {
			n, _ := strconv.Atoi(st)
			if !slices.Contains(statusOrder, n) {
				return nil, fmt.Errorf("%s: status %s is not in statusOrder", op.id, st)
			}
		}
		o["responses"] = responses
		item[strings.ToLower(op.method)] = o
	}
	if s.err != nil {
		return nil, s.err
	}
	for name, rule := range componentRules {
		def, ok := s.out[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("a rule for the component %s, which the document lacks", name)
		}
		maps.Copy(def, rule)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"servers": []any{map[string]any{"url": "/", "description": "The server that serves this document."}},
		"info": map[string]any{
			"title":   "Accord API",
			"version": "1",
			"summary": "Signed evidence of a nuclear agreement in a tamper-evident log, the verified state, compliance, breakout and mediated talks.",
			"description": "Accord keeps an agreement's evidence in a tamper-evident log (c2sp.org/tlog-tiles) and derives from it the verified state, compliance with the agreement, breakout estimates and deadlines; it also keeps the rooms of mediated talks.\n\n" +
				"Errors are {\"error\": {\"code\", \"message\", \"field\"}}, the status following from the code. " +
				"Reading records (and the log's entry bundles) and the talks need a read token: POST /api/v1/auth/challenge, sign the text \"accord-read-token\\n<challenge>\\n\" as a signed note with a registered key, POST it to /api/v1/auth/token, then send Authorization: Bearer <token>. Parties, the state and the inspectorate read the agreement's records; private talks content is read by its author and the mediator; everything else is public. A token that is not valid is refused (401) on every route, public ones included.\n\n" +
				"An API route (/api/v1/) takes only the query parameters it lists, each once unless it says it repeats: another, or a second value, is 400 naming the parameter; nothing is done. " +
				"Each caller is rate limited (429, with Retry-After): by key with a token, by address without. Every request is bounded: a body larger than its route accepts is refused with 413 (code too_large, field body) before anything else, including the token. A JSON body is exactly one JSON value: an unknown field, a key given twice in one object, or a value of the wrong type is 400 naming that field; an empty body, or anything but white space after the value, is 400 naming body. A request's work stops after 60 s or when its client goes (503, code timeout); nothing is changed. A server that reads a log another writes answers every read, and 503 not_writer, with the writer's address, to what would change the log or a room.",
			"license": map[string]any{"name": "Apache-2.0", "identifier": "Apache-2.0"},
		},
		"tags": []any{
			map[string]any{"name": "service", "description": "Liveness, readiness and this document."},
			map[string]any{"name": "auth", "description": "Read tokens for registered keys."},
			map[string]any{"name": "records", "description": "Signed records: submission, queries and the key registry."},
			map[string]any{"name": "log", "description": "The log's checkpoint and its files (c2sp.org/tlog-tiles), for audits and offline verification."},
			map[string]any{"name": "state", "description": "The verified state, compliance, breakout and deadlines, derived from the records."},
			map[string]any{"name": "talks", "description": "Mediated negotiation rooms."},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": s.out,
			"securitySchemes": map[string]any{
				"readToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": fmt.Sprintf("A read token from POST /api/v1/auth/token, valid %s and while its key is registered and not revoked.", tokenTTL)},
				"signInCookie": map[string]any{"type": "apiKey", "in": "cookie", "name": tokenCookie,
					"description": "The dashboard's sign-in cookie, holding a read token: it is read on GET requests only, never to authorize a change."},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// The query parameters the API's routes take (apiQuery, which the server
// checks every request against) are the ones the document describes, and
// those the document says may repeat (an array) are the ones that may.
func TestQueryParametersAreTheDocuments(t *testing.T) {
	documented := map[string][]string{}
	for _, op := range apiOperations() {
		if !strictQuery(op.pattern) || !apiRoute(op.pattern) {
			continue
		}
		names := []string{}
		for _, p := range op.params {
			if p.in != "query" {
				continue
			}
			name := p.name
			if p.schema["type"] == "array" {
				name += "..."
			}
			names = append(names, name)
		}
		documented[op.pattern] = names
	}
	for _, r := range (&Server{}).routes() {
		if !strictQuery(r.pattern) || !apiRoute(r.pattern) {
			continue
		}
		takes := slices.Clone(apiQuery[r.pattern])
		doc, ok := documented[r.pattern]
		if !ok {
			t.Errorf("%s is not in the document", r.pattern)
			continue
		}
		slices.Sort(takes)
		slices.Sort(doc)
		if !slices.Equal(takes, doc) {
			t.Errorf("%s takes the query parameters %q; the document describes %q", r.pattern, takes, doc)
		}
	}
	for pattern := range apiQuery {
		if _, ok := documented[pattern]; !ok {
			t.Errorf("apiQuery names %s, which is not a route of the API", pattern)
		}
	}
}
