package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"filippo.io/age"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/talks"
)

// A round of mediated talks in the demo by three command-line users: the
// US and Iran submit red lines (commitments logged), Oman relays a
// proposal under its own name, each party learns only whether it meets its
// own red lines, Oman finds the zone of agreement, and both parties confirm
// the final text with their signatures in the log; a revealed red line
// verifies against its logged commitment.
//
// Everything the server logs, at debug level, through the round holds no
// secret: no private key, no token, no red line, salt, message or note.
func TestTalksRoundInTheDemo(t *testing.T) {
	dir := t.TempDir()
	var serverLog strings.Builder
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &serverLog}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, base := startDemoWith(t, app.DemoConfig{Dir: dir, Log: logger})
	key := func(p string) string { return filepath.Join(dir, "keys", p+".key") }
	work := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(work, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cli := func(args ...string) string {
		t.Helper()
		var out, errb strings.Builder
		if code := run(args, nil, &out, &errb); code != 0 {
			t.Fatalf("accord %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
		return out.String()
	}
	room := []string{"--server", base, "--room", "muscat-2025-live"}
	as := func(party string, args ...string) []string {
		return append(append(args, room...), "--key", key(party))
	}

	usRL := write("us.yaml", "constraints:\n  - {subject: breakout_days, op: \">=\", value: 365}\n")
	iranRL := write("iran.yaml", "constraints:\n  - {subject: enrichment_cap_pct, op: \">=\", value: 3.67}\n")
	cli(as("us", "talks", "red-lines", "--file", usRL, "--out", filepath.Join(work, "us-keep.json"))...)
	cli(as("iran", "talks", "red-lines", "--file", iranRL, "--out", filepath.Join(work, "iran-keep.json"))...)

	out := cli(as("oman", "talks", "propose", "--origin", "iran", "--mask", "--set", "enrichment_cap_pct=3.67", "--set", "stockpile_cap_kg_u=200",
		"--set", "centrifuges_IR-1=3000", "--set", "centrifuges_IR-6=0", "--set", "duration_years=10", "--set", "additional_protocol=yes",
		"--set", "relief=iaea-verification,un-relief,us-relief")...)
	if !strings.Contains(out, "attributed to oman") {
		t.Errorf("propose: %s", out)
	}
	for party, want := range map[string]string{"us": `"own_red_lines_met": true`, "iran": `"own_red_lines_met": true`, "oman": `"all_red_lines_met": true`} {
		got := cli(as(party, "talks", "feasibility", "--proposal", "p1", "--json")...)
		if !strings.Contains(got, want) || (party != "oman" && (strings.Contains(got, "all_red_lines_met") || strings.Contains(got, "failing"))) {
			t.Errorf("%s's feasibility answer:\n%s", party, got)
		}
	}
	if got := cli(as("oman", "talks", "zone", "--set", "relief=iaea-verification,un-relief,us-relief")...); !strings.Contains(got, "meet every red line") || strings.Contains(got, "No zone") {
		t.Errorf("zone:\n%s", got)
	}
	// A party cannot read the other's red lines, nor explore the zone.
	var errb strings.Builder
	if code := run(as("us", "talks", "zone", "--set", "relief=iaea-verification,un-relief,us-relief"), nil, io.Discard, &errb); code == 0 || !strings.Contains(errb.String(), "mediator") {
		t.Errorf("the US explored the zone: exit %d %s", code, errb.String())
	}
	var view talks.View
	if err := json.Unmarshal([]byte(cli(as("us", "talks", "show")...)), &view); err != nil {
		t.Fatal(err)
	}
	if _, iran := view.RedLines["iran"]; iran || len(view.RedLines) != 1 || view.Proposals[0].Origin != "" || view.Proposals[0].Attribution != "oman" {
		t.Errorf("the US view: red lines %v, proposal %+v", view.RedLines, view.Proposals[0])
	}

	// Messages: Iran asks the mediator; the mediator relays it, masked, to
	// the US; the US reads it as the mediator's, Iran does not read it.
	if out := cli(as("iran", "talks", "send", "--kind", "question", "--body", "Would the cap be verified under the AP?")...); !strings.Contains(out, "to the mediator") {
		t.Errorf("send: %s", out)
	}
	cli(as("oman", "talks", "relay", "--of", "m1", "--to", "us", "--mask")...)
	if in := cli(as("us", "talks", "inbox")...); !strings.Contains(in, "relay from oman to us: Would the cap be verified") {
		t.Errorf("the US inbox:\n%s", in)
	}
	if in := cli(as("iran", "talks", "inbox")...); strings.Contains(in, "relay") {
		t.Errorf("Iran's inbox holds the relay to the US:\n%s", in)
	}
	var inbox []talks.Message
	if err := json.Unmarshal([]byte(cli(as("us", "talks", "inbox", "--json")...)), &inbox); err != nil || len(inbox) != 1 || inbox[0].Kind != "relay" {
		t.Errorf("the US inbox as JSON: %+v, %v", inbox, err)
	}
	// In words, a party's answer says its own red lines hold and no more.
	if got := cli(as("us", "talks", "feasibility", "--proposal", "p1")...); !strings.Contains(got, "your red lines: all met") || strings.Contains(got, "every party") {
		t.Errorf("the US feasibility answer in words:\n%s", got)
	}

	text := write("text.yaml", `clauses:
  - {id: enrichment, text: "Enrichment up to 3.67 %", status: agreed, terms: [enrichment_cap_pct]}
  - {id: verification, text: "The Additional Protocol applies", status: agreed, terms: [additional_protocol]}
values:
  enrichment_cap_pct: 3.67
  additional_protocol: "yes"
`)
	cli(as("oman", "talks", "text", "--file", text)...)
	cli(as("us", "talks", "confirm", "--version", "1")...)
	// Confirming twice changes nothing and says so in words.
	var twiceOut, twiceErr strings.Builder
	if code := run(as("us", "talks", "confirm", "--version", "1"), nil, &twiceOut, &twiceErr); code != 1 ||
		!regexp.MustCompile(`you already confirmed version 1 of the text \(in the log at index \d+\); nothing was changed`).MatchString(twiceErr.String()) ||
		strings.Contains(twiceErr.String(), "HTTP") {
		t.Errorf("confirming twice: exit %d, %s", code, twiceErr.String())
	}
	if out := cli(as("iran", "talks", "confirm", "--version", "1")...); !strings.Contains(out, "the text is final") {
		t.Errorf("confirm: %s", out)
	}

	// The log holds the parties' commitments and confirmations, signed by
	// them and sealed to their author, the mediator and the server; it
	// passes the audit of a member who reads none of them.
	logDir := filepath.Join(dir, "log")
	var entries [][]byte
	var sealed []*record.Record
	sealedAt := map[string]uint64{}
	res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(logDir)}, ledger.AuditOptions{Each: func(i uint64, s *record.Signed) {
		entries = append(entries, s.Bytes)
		if s.Record.Kind == record.Sealed {
			sealed = append(sealed, s.Record)
			sealedAt[s.Record.ID] = i
		}
		if s.Record.Kind == record.TalksCommitment {
			t.Errorf("a talks commitment in clear in the log: %s", s.Bytes)
		}
	}})
	if err != nil || res.Problem != nil {
		t.Fatalf("audit: %v %v", err, res.Problem)
	}
	identity := func(p string) *age.X25519Identity {
		id, err := keyfile.LoadIdentity(filepath.Join(dir, "keys", p+".age"))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	opened := func(p string) map[string]string { // record id -> committed hash, of this room
		out := map[string]string{}
		for _, r := range sealed {
			inner, err := record.OpenSealed(r, identity(p))
			if errors.Is(err, record.ErrNotRecipient) {
				continue
			}
			if err != nil {
				t.Fatalf("%s opens %s: %v", p, r.ID, err)
			}
			if b, _ := record.DecodeBody[record.TalksCommitmentBody](inner); b.Room == "muscat-2025-live" {
				out[inner.ID] = b.SHA256
			}
		}
		return out
	}
	commitments := opened("oman")
	if len(commitments) != 5 {
		t.Errorf("the mediator opens %d talks commitments of the live room, want 5 (two red lines, the release, two confirmations): %v", len(commitments), commitments)
	}
	// The release commitment binds what was proposed, its attribution, its
	// origin and a salt that only the mediator holds.
	values := talks.Package{"enrichment_cap_pct": talks.Num(3.67), "stockpile_cap_kg_u": talks.Num(200), "centrifuges_IR-1": talks.Num(3000),
		"centrifuges_IR-6": talks.Num(0), "duration_years": talks.Num(10), "additional_protocol": {Text: "yes"},
		"relief": {Order: []string{"iaea-verification", "un-relief", "us-relief"}}}
	var medView talks.View
	if err := json.Unmarshal([]byte(cli(as("oman", "talks", "show")...)), &medView); err != nil {
		t.Fatal(err)
	}
	want := talks.ReleaseHash("muscat-2025-live", 1, values, "oman", "iran", medView.Proposals[0].Salt)
	if got := commitments[talks.CommitmentID("oman", want)]; got != want {
		t.Errorf("release commitment %q, want %q", got, want)
	}

	// A member with the whole log: the US opens its own commitments only,
	// and no entry shows the room, a red line, a salt, a message, a clause
	// or a masked origin. The unmasking attack (hash each candidate origin
	// with what the US knows) matches nothing the US can read.
	usOpens := opened("us")
	if len(usOpens) != 2 {
		t.Errorf("the US opens %d commitments, want its own two (red lines, confirmation): %v", len(usOpens), usOpens)
	}
	for _, origin := range []string{"iran", "us", "oman"} {
		guess := talks.ReleaseHash("muscat-2025-live", 1, values, "oman", origin, "")
		for _, e := range entries {
			if bytes.Contains(e, []byte(guess)) {
				t.Errorf("the unmasking attack finds origin %s in the log", origin)
			}
		}
		for _, h := range usOpens {
			if h == guess {
				t.Errorf("the unmasking attack finds origin %s among the US's records", origin)
			}
		}
	}
	if len(medView.Proposals[0].Salt) < 32 {
		t.Errorf("the release salt %q", medView.Proposals[0].Salt)
	}
	keep, _ := os.ReadFile(filepath.Join(work, "us-keep.json"))
	var kept struct {
		RedLines   talks.RedLines `json:"red_lines"`
		Commitment string         `json:"commitment"`
	}
	if err := json.Unmarshal(keep, &kept); err != nil {
		t.Fatal(err)
	}
	usID := talks.CommitmentID("us", kept.Commitment)
	if logged := usOpens[usID]; logged == "" || !talks.VerifyReveal(kept.RedLines, logged) {
		t.Errorf("the US's kept red lines do not verify against the logged commitment %q", logged)
	}
	// The US opens its own commitment offline from its copy of the log;
	// Iran, not a recipient, cannot.
	at := strconv.FormatUint(sealedAt[usID], 10)
	if out := cli("record", "open", "--log", logDir, "--key", key("us"), at); !strings.Contains(out, kept.Commitment) || !strings.Contains(out, "talks_commitment") {
		t.Errorf("record open as the US:\n%s", out)
	}
	errb.Reset()
	if code := run([]string{"record", "open", "--log", logDir, "--key", key("iran"), at}, nil, io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "sealed to") {
		t.Errorf("record open as Iran: exit %d %s", code, errb.String())
	}
	for what, secret := range map[string]string{"the room": "muscat-2025-live", "the US's salt": kept.RedLines.Salt, "a red line's subject": "breakout_days",
		"a message": "Would the cap be verified", "a clause": "The Additional Protocol applies", "the release salt": medView.Proposals[0].Salt,
		"the release hash": want, "the US's commitment": kept.Commitment} {
		for _, e := range entries {
			if bytes.Contains(e, []byte(secret)) {
				t.Errorf("an entry of the log shows %s (%q)", what, secret)
			}
		}
	}
	if st, _ := os.Stat(filepath.Join(work, "us-keep.json")); st.Mode().Perm() != 0o600 {
		t.Errorf("the kept red lines are mode %o", st.Mode().Perm())
	}

	// No secret in the server's log.
	d.Close()
	logged := serverLog.String()
	if !strings.Contains(logged, "/api/v1/talks/rooms/muscat-2025-live/red-lines") {
		t.Fatalf("the server's log does not show the requests (is it the server's log?):\n%.2000s", logged)
	}
	secrets := map[string]string{"the US's salt": kept.RedLines.Salt, "a red line's subject": "breakout_days", "a message": "Would the cap be verified",
		"a clause": "The Additional Protocol applies", "a bearer token": "Bearer "}
	keys, _ := filepath.Glob(filepath.Join(dir, "keys", "*.key"))
	for _, k := range keys {
		b, _ := os.ReadFile(k)
		secrets["private key "+filepath.Base(k)] = strings.TrimSpace(string(b))
	}
	for what, secret := range secrets {
		if secret != "" && strings.Contains(logged, secret) {
			t.Errorf("the server's log holds %s (%q)", what, secret)
		}
	}
}

// lockedWriter serialises writes from the server's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
