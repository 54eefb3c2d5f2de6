package app

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"filippo.io/age"
	f_note "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/metrics"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/talks"
)

// The demo's origin, and its members: party id, role, key name; the first
// is the log operator's key. The operator is a party of its own, as accord
// log init makes it: the neutral host of the log and of the talks' server,
// to which every talks commitment is sealed besides its author and the
// mediator. Were it the IAEA's party (as in directories made before), the
// IAEA's inspectorate key would open every commitment.
const demoOrigin = "accord.demo/jcpoa"

var demoMembers = []struct{ party, role, key string }{
	{OperatorParty, record.RoleOperator, demoOrigin},
	{"iaea", record.RoleInspectorate, "iaea"},
	{"iran", record.RoleState, "iran"},
	{"us", record.RoleParty, "us"},
	{"e3", record.RoleParty, "e3"},
	{"oman", record.RoleMediator, "oman"},
}

// The witnesses: one for each side of the agreement.
var demoWitnesses = []struct{ party, key string }{{"us", "witness-us"}, {"iran", "witness-iran"}}

// DemoConfig sets up the demo.
type DemoConfig struct {
	// Dir holds its keys, log, index and witness state; DB overrides the
	// index (a postgres:// URL; "" is SQLite in Dir).
	Dir, DB string
	// Addr is where it serves (HOST:PORT; port 0 picks one).
	Addr string
	// Rate is the requests per second allowed each caller (0: the
	// server's default); twice that in a burst.
	Rate float64
	Log  *slog.Logger
	// Witness, when set, wraps each in-process witness's handler (the
	// fault tests use it to take a witness down and bring it back).
	Witness func(key string, h http.Handler) http.Handler
}

// Demo is a running demo: witnesses, the log, the index and the server.
type Demo struct {
	// Addr is where the server listens.
	Addr string
	// Reader is the IAEA's demo key, which reads every record in clear
	// (not the sealed ones: those open only to their recipients).
	Reader note.Signer
	App    *App
	// SealWarning is App.SealWarning: set when the directory's log was
	// made by an earlier version whose log operator was the IAEA's party.
	SealWarning string
	// Loaded and Skipped count the demo records added now and found
	// already in the log; Outdated are those of the skipped whose id the
	// log holds with other content (an earlier version's record, which
	// the log keeps and the pages show).
	Loaded, Skipped, Outdated int
	// Earlier is set when the log holds an earlier version's records of
	// the public series, under other ids: this version's are not loaded
	// beside them.
	Earlier  bool
	shutdown []func()
}

// Close stops the server, the log and the witnesses.
func (d *Demo) Close() {
	for i := len(d.shutdown) - 1; i >= 0; i-- {
		d.shutdown[i]()
	}
}

// StartDemo creates (or reuses) the demo's directory: keys for the log
// operator (a party of its own, the neutral host of the log and the talks'
// server), the IAEA (inspectorate), Iran (state), the United States and
// the E3 (parties) and Oman (mediator); runs the two parties' witnesses in
// process; opens the log over its index; loads the public IAEA series, the
// JCPOA's events, the public record of monitoring and a synthetic plant's
// accountancy as signed records through the submission path; opens the
// illustrative talks rooms; and serves. Restarting adds nothing twice.
func StartDemo(ctx context.Context, cfg DemoConfig) (d *Demo, err error) {
	d = &Demo{}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	started := d
	defer func() {
		if err != nil {
			started.Close()
		}
	}()
	keysDir := filepath.Join(cfg.Dir, "keys")
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return nil, err
	}
	signers := map[string]note.Signer{}
	vkeys := map[string]string{}
	identities := map[string]*age.X25519Identity{}
	for _, m := range demoMembers {
		s, _, v, err := keyfile.Ensure(keysDir, m.key)
		if err != nil {
			return nil, err
		}
		id, err := keyfile.EnsureIdentity(keysDir, m.key)
		if err != nil {
			return nil, err
		}
		signers[m.key], vkeys[m.key], identities[m.key] = s, v, id
	}
	operator := signers[demoOrigin]
	d.Reader = signers["iaea"]
	opVerifier, _ := note.NewVerifier(vkeys[demoOrigin])

	// The parties' witnesses, in process.
	urls := map[string]string{}
	var witnesses []record.WitnessEntry
	for _, w := range demoWitnesses {
		_, skey, vkey, err := keyfile.Ensure(keysDir, w.key)
		if err != nil {
			return nil, err
		}
		cosigner, err := f_note.NewSignerForCosignatureV1(skey)
		if err != nil {
			return nil, err
		}
		wit, err := ledger.NewWitness(filepath.Join(cfg.Dir, w.key+".json"), cosigner, opVerifier)
		if err != nil {
			return nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		var h http.Handler = wit
		if cfg.Witness != nil {
			h = cfg.Witness(w.key, h)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		d.shutdown = append(d.shutdown, func() { _ = srv.Close() })
		urls[w.key] = "http://" + ln.Addr().String()
		ckey, err := ledger.CosignatureKey(vkey)
		if err != nil {
			return nil, err
		}
		witnesses = append(witnesses, record.WitnessEntry{Party: w.party, Key: ckey})
	}

	// The index, then the log (which indexes what the index lacks).
	logDir := filepath.Join(cfg.Dir, "log")
	acfg := Config{Dir: logDir, DB: cfg.DB, Operator: operator, Identity: identities[demoOrigin], WitnessURLs: urls, Warn: func(msg string) { cfg.Log.Warn(msg) }, Logger: cfg.Log,
		Metrics: metrics.New()}
	if acfg.DB == "" {
		acfg.DB = filepath.Join(cfg.Dir, "index.db")
	}
	if !ledger.Exists(logDir) {
		g := record.GenesisBody{Origin: demoOrigin, Agreement: "jcpoa", Witnesses: witnesses, WitnessesRequired: len(witnesses), Confidential: record.DefaultConfidential}
		for _, m := range demoMembers {
			g.Members = append(g.Members, record.Member{Party: m.party, Role: m.role, Key: vkeys[m.key], Recipient: identities[m.key].Recipient().String()})
		}
		body, _ := json.Marshal(g)
		acfg.Genesis, err = record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: demoMembers[0].party,
			Created: time.Now().UTC().Truncate(time.Second), Body: body}, operator)
		if err != nil {
			return nil, err
		}
	}
	a, err := Open(ctx, acfg)
	if err != nil {
		return nil, err
	}
	d.App = a
	d.shutdown = append(d.shutdown, func() { _ = a.Close() })
	// A directory made by an earlier version keeps its genesis record,
	// whose log operator is the IAEA's party: the demo runs, and says so.
	d.SealWarning = a.SealWarning()
	l := a.Log()

	// The public series and the agreement's events, as signed records,
	// signed as of the log's creation: when the demo first signed them,
	// and the same bytes on every start, so that a restart finds them
	// already in the log.
	first, err := l.Entry(ctx, 0)
	if err != nil {
		return nil, err
	}
	_, genesis, err := ledger.OpenGenesis(first)
	if err != nil {
		return nil, err
	}
	entries, err := demoRecords(signers, genesis.Record.Created)
	if err != nil {
		return nil, err
	}
	// A log made by an earlier version holds its records of the public
	// series under other ids: this version's would stand beside them, and
	// every figure twice. It keeps the earlier ones, and says so.
	earlier, err := a.Query(ctx, record.Filter{Kind: string(record.VerifiedFacts), Author: "iaea", Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(earlier) > 0 && strings.HasPrefix(earlier[0].ID, earlierIDs) {
		d.Earlier, entries = true, nil
	}
	var last uint64
	appended := false
	for _, e := range entries {
		seq, err := l.Append(ctx, e)
		var re *ledger.RejectError
		if errors.As(err, &re) && re.Code == "duplicate" {
			d.Skipped++
			if re.Field == "id" {
				d.Outdated++
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("loading the demo records: %w", err)
		}
		d.Loaded++
		last, appended = seq.Index, true
	}

	rooms, logged, err := demoRooms(ctx, a, signers, identities)
	if err != nil {
		return nil, fmt.Errorf("the demo's talks rooms: %w", err)
	}
	if logged {
		last, appended = max(last, rooms), true
	}
	// The demo is ready when a checkpoint covers what it logged: the
	// pages and their tags then stay as they are until someone adds a
	// record, instead of changing under the first reader when the
	// checkpoint catches up.
	if appended {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := l.Receipt(rctx, last)
		cancel()
		if err != nil {
			cfg.Log.Warn("the demo's records are not yet covered by a checkpoint", "index", last, "error", err)
		}
	}

	srv := a.Server(ServerOptions{Logger: cfg.Log, RatePerSecond: cfg.Rate, Burst: int(2 * cfg.Rate), Demo: true})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %s: %w", cfg.Addr, err)
	}
	d.Addr = ln.Addr().String()
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		_ = srv.Run(sctx, ln)
		close(done)
	}()
	d.shutdown = append(d.shutdown, func() { cancel(); <-done })
	return d, nil
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9._:-]+`)

// entryID is the id of the demo's record of a row of the public record:
// where a reader finds the row, as a short id under prefix, so that a
// citation of the record names what the Sources page shows ("public
// series, report of 2025-02-26": series-2025-02-26; "public series, fact
// 62": series-fact-62; "continuity of knowledge, event 12":
// knowledge-event-12).
func entryID(prefix, entry string) string {
	for _, lead := range []string{dataset.SeriesEntry + "report of ", dataset.SeriesEntry, "continuity of knowledge, "} {
		entry = strings.TrimPrefix(entry, lead)
	}
	return prefix + strings.Trim(unsafeID.ReplaceAllString(strings.ToLower(entry), "-"), "-")
}

// seriesID is the id of the demo's record of the row ref of the public
// series, which a reader finds as entry.
var seriesID = func(ref, entry string) string { return entryID("series-", entry) }

// earlierIDs is the prefix of the ids an earlier version gave the demo's
// records of the public series: their rows' numbers in the program's data.
const earlierIDs = "series-iaea-iran-row-"

// demoRecords turns the public series into verified_facts records signed
// by the IAEA demo key, one per report row (and one per row's notes), and
// the JCPOA's events of the demo parties into notifications they sign,
// each created at signed (the time of signing, not the date of what it
// states: that is in its body).
func demoRecords(signers map[string]note.Signer, signed time.Time) ([][]byte, error) {
	type group struct {
		ref, entry, document, source, published string
		facts                                   []record.Fact
	}
	var groups []*group
	byRef := map[string]*group{}
	for _, f := range dataset.Embedded().Facts() {
		ev := f.Evidence[0]
		published := cmp.Or(ev.Published.String(), ev.PublishedMonth)
		g := byRef[ev.Ref]
		if g == nil {
			// The record cites the row's document, where it was seen
			// and when it was published, as the public series does.
			g = &group{ref: ev.Ref, entry: ev.Entry, document: ev.Document, source: ev.Source, published: published}
			byRef[ev.Ref] = g
			groups = append(groups, g)
		}
		fact := record.Fact{Metric: string(f.Metric), Date: f.Date.String(), DatePrecision: string(f.DatePrecision), Site: f.Site, Machine: f.Machine,
			LevelPct: f.LevelPct, AssayPct: f.AssayPct, Value: f.Value, Text: f.Text, Qualifier: string(f.Qualifier), AtLeast: f.Floor, Status: string(f.Status), Note: ev.Note}
		// A fact of the row seen elsewhere, or published otherwise,
		// cites its own (and so takes nothing from the record's).
		if ev.Document != g.document || ev.Source != g.source || published != g.published {
			fact.Document, fact.Source, fact.Published = ev.Document, ev.Source, published
		}
		g.facts = append(g.facts, fact)
	}
	var out [][]byte
	ids := map[string]bool{}
	for _, g := range groups {
		body, _ := json.Marshal(record.FactsBody{Document: g.document, Source: g.source, Published: g.published, Facts: g.facts})
		id := seriesID(g.ref, g.entry)
		if ids[id] {
			// A second record under the id would be refused as a
			// duplicate, and its facts lost.
			return nil, fmt.Errorf("series %s: id %s names another row too", g.ref, id)
		}
		ids[id] = true
		s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.VerifiedFacts, ID: id,
			Author: "iaea", Created: signed, Body: body}, signers["iaea"])
		if err != nil {
			return nil, fmt.Errorf("series %s: %w", g.ref, err)
		}
		out = append(out, s)
	}
	for _, e := range agreement.JCPOA().Events {
		signer, ok := signers[e.Party]
		if !ok || e.Party == "iaea" {
			continue
		}
		body, _ := json.Marshal(record.NotificationBody{Subject: e.Kind, Text: e.Date.String() + ": " + e.Title + " (source: " + e.Source + ")", Paragraph: e.Ref})
		s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.Notification, ID: "jcpoa-event-" + e.ID,
			Author: e.Party, Created: signed, Body: body}, signer)
		if err != nil {
			return nil, fmt.Errorf("event %s: %w", e.ID, err)
		}
		out = append(out, s)
	}
	// The public record of continuity of knowledge, as the IAEA's
	// monitoring events.
	for _, e := range dataset.Embedded().Knowledge {
		body, _ := json.Marshal(record.MonitoringBody{Site: e.Site, Device: e.Device, Stream: e.Stream, Event: e.Event, At: e.Date.Time(), DatePrecision: string(e.DatePrecision),
			Detail: e.Detail, Published: e.Evidence.Published.String(), Source: e.Evidence.Source, Status: string(e.Evidence.Status)})
		s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.MonitoringEvent, ID: entryID("knowledge-", e.Evidence.Entry),
			Author: "iaea", Created: signed, Body: body}, signers["iaea"])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Evidence.Entry, err)
		}
		out = append(out, s)
	}
	// A synthetic plant's accountancy records, for the balance pages: a
	// year of the JCPOA-size FEP's design with 40 kg U taken from its
	// product store in month 6 (about five sigma-MUF: Page's test alarms
	// that month). Simulated, not reported data: its area and site say so.
	plant := accountancy.NatanzJCPOA()
	plant.Name, plant.MBA = "synthetic plant (simulated for the demo, not reported data)", "SYNTHETIC-FEP"
	run, err := accountancy.Simulate(accountancy.Simulation{Plant: plant, Months: 12, Seed: 1, Table: accountancy.ExampleTable(),
		Diversion: &accountancy.Diversion{Kind: "abrupt", KgU: 40, Month: 6, From: "product"}})
	if err != nil {
		return nil, err
	}
	drafts, err := run.Records()
	if err != nil {
		return nil, err
	}
	for i, d := range drafts {
		body, _ := json.Marshal(d.Body)
		s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: d.Kind, ID: d.ID, Author: "iran",
			Created: d.Date.Time().Add(time.Duration(i) * time.Second), Body: body}, signers["iran"])
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", d.Kind, d.ID, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// demoRooms opens the illustrative talks rooms, mediated by Oman: the
// Muscat room with its illustrative red lines submitted by the US and
// Iranian demo keys (their commitments signed and logged), the variant
// without a zone of agreement, and a live room without red lines where
// three users run a round. Rooms that exist are left as they are. It
// returns the index of the last commitment it logged, if it logged one.
func demoRooms(ctx context.Context, a *App, signers map[string]note.Signer, identities map[string]*age.X25519Identity) (last uint64, logged bool, err error) {
	for _, r := range []struct {
		file, id string
		redLines bool
	}{{"talks/muscat-2025.yaml", "muscat-2025", true}, {"talks/muscat-2025-no-zone.yaml", "muscat-2025-no-zone", true}, {"talks/muscat-2025.yaml", "muscat-2025-live", false}} {
		if _, err := a.Index.LoadRoom(ctx, r.id); err == nil {
			continue
		}
		b, err := examples.FS.ReadFile(r.file)
		if err != nil {
			return 0, false, err
		}
		spec, _, err := talks.ParseSpec(b)
		if err != nil {
			return 0, false, fmt.Errorf("%s: %w", r.file, err)
		}
		room, err := talks.NewRoom(r.id, spec.Title, spec.Mediator, spec.Parties, spec.Space, spec.Policy, spec.Budget)
		if err != nil {
			return 0, false, err
		}
		if r.id == "muscat-2025-live" {
			room.Title += " (live round)"
		}
		for _, rl := range spec.RedLines {
			if !r.redLines {
				break
			}
			rl.Room = r.id
			// The salt is secret and the same at every start (derived from
			// the party's private key), so that a restart finds the
			// commitment already logged instead of logging another.
			rl.Salt = demoSalt(identities[rl.Party], r.id)
			commitment, err := room.SubmitRedLines(rl.Party, rl)
			if err != nil {
				return 0, false, err
			}
			var re *ledger.RejectError
			seq, err := logCommitment(ctx, a, signers[rl.Party], room, commitment)
			if errors.As(err, &re) && re.Code == "duplicate" {
				// The log holds this room's commitments but the index
				// lost the room (it was set aside or emptied): it is made
				// again with the same red lines, and nothing is logged twice.
				continue
			} else if err != nil {
				return 0, false, err
			}
			last, logged = max(last, seq.Index), true
		}
		state, err := room.MarshalSnapshot()
		if err != nil {
			return 0, false, err
		}
		if err := a.Index.SaveRoom(ctx, r.id, state); err != nil {
			return 0, false, err
		}
	}
	return last, logged, nil
}

// logCommitment logs a party's commitment in a room, as the talks client
// does: sealed to the party, the mediator and the server.
func logCommitment(ctx context.Context, a *App, signer note.Signer, room *talks.Room, hash string) (ledger.Sequenced, error) {
	body, _ := json.Marshal(record.TalksCommitmentBody{Room: room.ID, SHA256: hash})
	rec := &record.Record{Schema: record.Schema, Kind: record.TalksCommitment, ID: talks.CommitmentID(signer.Name(), hash),
		Author: signer.Name(), Created: time.Now().UTC().Truncate(time.Second), Body: body}
	if a.Log().Genesis().IsConfidential(record.TalksCommitment) {
		reg := a.Log().Registry()
		to := []string{signer.Name(), room.Mediator, a.ServerParty()}
		rcpts, err := reg.Recipients(to)
		if err != nil {
			return ledger.Sequenced{}, err
		}
		if rec, err = record.Seal(rec, to, rcpts); err != nil {
			return ledger.Sequenced{}, err
		}
	}
	signed, err := record.Sign(rec, signer)
	if err != nil {
		return ledger.Sequenced{}, err
	}
	return a.Log().Append(ctx, signed)
}

// demoSalt is a demo red line's salt: secret, since it is derived from the
// party's private encryption key, and the same at every start.
func demoSalt(id *age.X25519Identity, room string) string {
	h := sha256.Sum256([]byte("accord.demo.salt/v1\n" + id.String() + "\n" + room))
	return hex.EncodeToString(h[:])
}

// DefaultDemoDir is the demo's data directory when none is given:
// accord/demo in the user's data directory ($XDG_DATA_HOME, or
// ~/.local/share), else accord-demo here.
func DefaultDemoDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "accord", "demo")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "accord", "demo")
	}
	return "accord-demo"
}
