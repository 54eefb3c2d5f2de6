package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/talks"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"golang.org/x/mod/sumdb/note"
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
	// Submitting red lines twice changes nothing and says so in words,
	// before anything is signed; no file is kept.
	var againOut, againErr strings.Builder
	if code := run(as("us", "talks", "red-lines", "--file", iranRL, "--out", filepath.Join(work, "us-again.json")), nil, &againOut, &againErr); code != 1 ||
		!regexp.MustCompile(`you already submitted your red lines \(commitment [0-9a-f]{64}\); nothing was changed`).MatchString(againErr.String()) ||
		strings.Contains(againErr.String(), "HTTP") || strings.Contains(againErr.String(), "constraints:") {
		t.Errorf("submitting red lines twice: exit %d, %s", code, againErr.String())
	}
	if _, err := os.Stat(filepath.Join(work, "us-again.json")); !os.IsNotExist(err) {
		t.Errorf("submitting red lines twice kept a file: %v", err)
	}

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
	// Every room command that acts says what it did in JSON with --json:
	// the relay is the message it made.
	var relayed talks.Message
	if err := json.Unmarshal([]byte(cli(as("oman", "talks", "relay", "--of", "m1", "--to", "us", "--mask", "--json")...)), &relayed); err != nil || relayed.ID == "" || relayed.From != "oman" {
		t.Errorf("relay --json: %+v, %v", relayed, err)
	}
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
	// Iran, not a recipient, cannot, nor can the IAEA, a member that takes
	// no part in the talks: the log's operator, to which the commitment is
	// sealed too, is a party of its own.
	at := strconv.FormatUint(sealedAt[usID], 10)
	if out := cli("record", "open", "--log", logDir, "--key", key("us"), at); !strings.Contains(out, kept.Commitment) || !strings.Contains(out, "talks_commitment") {
		t.Errorf("record open as the US:\n%s", out)
	}
	for _, p := range []string{"iran", "iaea"} {
		errb.Reset()
		if code := run([]string{"record", "open", "--log", logDir, "--key", key(p), at}, nil, io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "is sealed to oman, operator, us: not to the key") {
			t.Errorf("record open as %s: exit %d %s", p, code, errb.String())
		}
	}
	if got := opened("iaea"); len(got) != 0 {
		t.Errorf("the IAEA opens %d talks commitments of the live room: %v", len(got), got)
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

// A whole round of talks through the room's pages alone, by three people
// each in a browser context of their own: each signs in on the sign-in
// page with its key file (a key the log does not know is refused in words,
// and its holder stays signed out); the US and Iran sign their red lines
// in their pages with their key files, the mediator holds a proposal on
// behalf of Iran under its own name and signs its release in its page,
// the US asks about it and writes to the mediator, who relays the message
// to Iran (held, then released), writes the text, and both parties sign
// their confirmations in their pages; the text is then final on every page
// and in every page's title. Every page still offers the command for each
// signed step. A party never sees the other's red lines, a held proposal,
// a proposal's origin or a message not relayed to it; no page scrolls
// sideways on a phone; no key file leaves its page.
func TestTalksRoundInBrowser(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	_, base := startDemo(t, dir)
	const room = "muscat-2025-live"
	key := func(p string) string { return filepath.Join(dir, "keys", p+".key") }
	shots := screenshotDir(t)
	if err := chromedp.Do(b.ctx); err != nil { // the browser, before its contexts
		t.Fatal(err)
	}
	people := map[string]*browser{}
	downloads := map[string]string{}
	// Every body a page posts, to show below that none carries a key.
	var postedMu sync.Mutex
	var posted []string
	for _, p := range []string{"us", "iran", "oman"} {
		ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Listen(ctx, func(ev any) {
			e, ok := ev.(*network.EventRequestWillBeSent)
			if !ok || !e.Request.HasPostData {
				return
			}
			var body strings.Builder
			for _, d := range e.Request.PostDataEntries {
				body.Write(d.Bytes) // decoded from the protocol's base64
			}
			postedMu.Lock()
			posted = append(posted, e.Request.URL+"\n"+body.String())
			postedMu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		people[p] = &browser{ctx: ctx}
		if p == "us" {
			signInRefused(t, people[p], base, room, shots)
		}
		if err := people[p].signInWithKeyFile(base, key(p), "/talks/"+room, "room-state"); err != nil {
			said, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			t.Fatalf("%s signs in with its key file: %v\n%.2000s", p, err, said)
		}
		if who := browse(t, people[p], chromedp.Text(chromedp.CSS("nav .who"))); !strings.Contains(who, "signed in: "+p) {
			t.Errorf("%s after signing in with its key file: %q", p, who)
		}
		// The copy buttons write to the clipboard, which the test reads.
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{Permission: &cdpbrowser.PermissionDescriptor{Name: name},
				Setting: cdpbrowser.PermissionSettingGranted, Origin: base, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil {
				t.Fatal(err)
			}
		}
		downloads[p] = t.TempDir()
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID, DownloadPath: downloads[p]}); err != nil {
			t.Fatal(err)
		}
	}
	// page reloads who's page and returns its main content and title.
	page := func(who string) (html, title string) {
		t.Helper()
		pb := people[who]
		if err := chromedp.Do(pb.ctx, chromedp.Navigate(base+"/talks/"+room), chromedp.WaitVisible(chromedp.ID("room-state"))); err != nil {
			t.Fatalf("%s's page: %v", who, err)
		}
		html = browse(t, pb, chromedp.OuterHTML(chromedp.CSS("main")))
		title = browse(t, pb, chromedp.Title())
		return html, title
	}
	// The red lines in words, each party's own.
	usLine, iranLine := "breakout time (central estimate) at least 365 days", "Enrichment cap at least 3.67 %"
	// visible checks what a party's page shows and never shows.
	visible := func(when string) {
		t.Helper()
		for who, other := range map[string]string{"us": iranLine, "iran": usLine} {
			html, _ := page(who)
			for _, not := range []string{other, "(held)", "On behalf of", "origin", "Hold the proposal", "Record the text"} {
				if strings.Contains(html, not) {
					t.Errorf("%s: %s's page shows %q", when, who, not)
				}
			}
		}
	}
	// fits checks who's page at a phone's width.
	fits := func(who, when string) {
		t.Helper()
		pb := people[who]
		err := chromedp.Do(pb.ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/talks/"+room), chromedp.WaitVisible(chromedp.ID("room-state")))
		var f fit
		if err == nil {
			f, err = chromedp.Run(pb.ctx, chromedp.Evaluate[fit](fitScript))
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.ScrollWidth > f.InnerWidth || len(f.Cut) > 0 {
			t.Errorf("%s: %s's page at 390 px is %d px wide; cut: %v", when, who, f.ScrollWidth, f.Cut)
		}
		png := browse(t, pb, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(shots, "talks-round-"+who+"-"+strings.ReplaceAll(when, " ", "-")+"-390.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(pb.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
	}
	// copies taps, on a phone's screen with touch, the copy button beside
	// the value sel shows on who's current page, and returns what the
	// clipboard then holds.
	copies := func(who, sel string) string {
		t.Helper()
		pb := people[who]
		button := sel + " + button.copy"
		if err := chromedp.Do(pb.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), chromedp.Tap(chromedp.CSS(button))); err != nil {
			t.Fatalf("%s taps the copy button of %s: %v", who, sel, err)
		}
		var said string
		for range 50 {
			if said = browse(t, pb, chromedp.Text(chromedp.CSS(button))); said != "Copy" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if said != "Copied" {
			t.Errorf("%s's copy button of %s says %q", who, sel, said)
		}
		got := browse(t, pb, chromedp.Evaluate[string]("navigator.clipboard.readText()", chromedp.EvalAwaitPromise))
		if err := chromedp.Do(pb.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
		return got
	}
	// commandShown checks that who's page still offers the command for a
	// signed step (id), its values filled in, for those who sign on their
	// own computer.
	commandShown := func(who, id string) {
		t.Helper()
		html, _ := page(who)
		m := regexp.MustCompile(`<pre class="cmd" id="` + id + `">([^<]*)</pre>`).FindStringSubmatch(html)
		if m == nil || !strings.HasPrefix(m[1], "accord talks ") || !strings.Contains(m[1], "--server "+base) || !strings.Contains(m[1], "--room "+room) || !strings.Contains(m[1], "--key "+who+".key") {
			t.Errorf("%s's page does not offer the command %s: %v", who, id, m)
		}
	}
	// sign takes a step signed in who's page: fill, the key file on the
	// form's file input, and the button that signs (for red lines, then
	// the link that saves them with their salt and the submit button); it
	// checks the page's answer and that the record it links to is in the
	// log with a valid signature by who's key.
	sign := func(who, form, done string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		page(who)
		f := "#" + form + " "
		steps := append(fill, chromedp.SetUploadFiles(chromedp.CSS(f+"input.key-file"), []string{key(who)}), chromedp.Click(chromedp.CSS(f+"button.sign-step")))
		ctx, cancel := context.WithTimeout(people[who].ctx, time.Minute)
		defer cancel()
		failed := func(err error) {
			t.Helper()
			said, _ := chromedp.Run(people[who].ctx, chromedp.Text(chromedp.CSS("main")))
			t.Fatalf("%s signs %s: %v\n%.3000s", who, form, err, said)
		}
		if err := chromedp.Do(ctx, steps...); err != nil {
			failed(err)
		}
		if form == "submit-red-lines" {
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(f+".keep:not([hidden]) a, .sign-said.bad"))); err != nil {
				failed(err)
			}
			if bad, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".sign-said"))); strings.Contains(bad, "not") {
				failed(errors.New(bad))
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(f+".keep-link")), chromedp.Click(chromedp.CSS(f+"button.submit-signed"))); err != nil {
				failed(err)
			}
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#done, main [role=alert], .sign-said.bad"))); err != nil {
			failed(err)
		}
		if got := browse(t, people[who], chromedp.Text(chromedp.CSS("main"))); !strings.Contains(got, done) {
			t.Fatalf("%s signs %s: the page does not say %q:\n%.3000s", who, form, done, got)
		}
		if err := chromedp.Do(people[who].ctx, chromedp.Click(chromedp.ID("logged")), chromedp.WaitVisible(chromedp.ID("check-signature"))); err != nil {
			t.Fatalf("%s opens the record of %s: %v", who, form, err)
		}
		if got := browse(t, people[who], chromedp.Text(chromedp.ID("check-signature"))); !strings.Contains(got, "Signature valid") || !strings.Contains(got, "key "+who) {
			t.Errorf("%s's record of %s: %q", who, form, got)
		}
		if want := browse(t, people[who], chromedp.Text(chromedp.ID("entry-sha256"))); len(want) != 64 || copies(who, "#entry-sha256") != want {
			t.Errorf("%s's record of %s: the copy button does not copy the entry's hash %q", who, form, want)
		}
	}
	submit := func(who, form, done string) {
		t.Helper()
		if err := chromedp.Do(people[who].ctx, chromedp.Click(chromedp.CSS("#"+form+" button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#done, main [role=alert]"))); err != nil {
			t.Fatalf("%s submits %s: %v", who, form, err)
		}
		if got := browse(t, people[who], chromedp.Text(chromedp.CSS("main"))); !strings.Contains(got, done) {
			t.Fatalf("%s submits %s: the page does not say %q:\n%.3000s", who, form, done, got)
		}
	}

	// Red lines, each with the command its party's page shows.
	if html, title := page("us"); !strings.Contains(title, "waiting for red lines (0 of 2 in)") || !strings.Contains(html, "No party has published a commitment") {
		t.Errorf("the title at the start: %q; commitments shown: %v", title, regexp.MustCompile(`id="commitments">[^<]*`).FindString(html))
	}
	fits("us", "before red lines")
	commandShown("us", "cmd-red-lines")
	// A key file that is not the signed-in participant's is refused before
	// anything is signed.
	page("us")
	if err := chromedp.Do(people["us"].ctx, chromedp.SetValue(chromedp.ID("rl-breakout_days"), "365"),
		chromedp.SetUploadFiles(chromedp.CSS("#submit-red-lines input.key-file"), []string{key("iran")}),
		chromedp.Click(chromedp.CSS("#submit-red-lines button.sign-step")), chromedp.WaitVisible(chromedp.CSS(".sign-said.bad"))); err != nil {
		t.Fatal(err)
	}
	if got := browse(t, people["us"], chromedp.Text(chromedp.CSS(".sign-said"))); !strings.Contains(got, "signed in with the key us") {
		t.Errorf("the US signs with Iran's key file: %q", got)
	}
	// Each party writes its red lines in the page's form and signs them
	// there; the file the page saves keeps them with their salt.
	sign("us", "submit-red-lines", "Your red lines are submitted", chromedp.SetValue(chromedp.ID("rl-breakout_days"), "365"))
	sign("iran", "submit-red-lines", "Your red lines are submitted",
		chromedp.SetValue(chromedp.ID("op-enrichment_cap_pct"), ">="), chromedp.SetValue(chromedp.ID("rl-enrichment_cap_pct"), "3.67"))
	for who, line := range map[string]talks.Constraint{"us": talks.Limit("breakout_days", ">=", 365), "iran": talks.Limit("enrichment_cap_pct", ">=", 3.67)} {
		var kept struct {
			RedLines   talks.RedLines `json:"red_lines"`
			Commitment string         `json:"commitment"`
		}
		file := filepath.Join(downloads[who], who+"-red-lines.keep.json")
		var b []byte
		for range 50 {
			var err error
			if b, err = os.ReadFile(file); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err := json.Unmarshal(b, &kept); err != nil {
			t.Fatalf("%s's saved red lines: %v (%q)", who, err, b)
		}
		if len(kept.RedLines.Constraints) != 1 || kept.RedLines.Constraints[0].String() != line.String() || !talks.VerifyReveal(kept.RedLines, kept.Commitment) || len(kept.RedLines.Salt) != 64 {
			t.Errorf("%s's saved red lines do not reveal its commitment: %+v", who, kept)
		}
	}
	if html, _ := page("oman"); !strings.Contains(html, usLine) || !strings.Contains(html, iranLine) {
		t.Errorf("the mediator's page does not show both red lines in words")
	}
	if html, _ := page("us"); !strings.Contains(html, usLine) || strings.Contains(html, "cmd-red-lines") {
		t.Errorf("the US page after its red lines: own shown %v, command still shown %v", strings.Contains(html, usLine), strings.Contains(html, "cmd-red-lines"))
	}
	// The room's hashes copy whole, those shown cut short too.
	usCommitment := browse(t, people["us"], chromedp.Text(chromedp.CSS("#red-lines code.hash")))
	if got := copies("us", "#red-lines code.hash"); len(usCommitment) != 64 || got != usCommitment {
		t.Errorf("the US copies its commitment %q: %q", usCommitment, got)
	}
	if got := copies("us", `#commitments code[data-copy^="`+usCommitment[:16]+`"]`); got != usCommitment {
		t.Errorf("the US copies its commitment as the evidence log's list shows it: %q, want %q", got, usCommitment)
	}
	visible("after the red lines")

	// The mediator holds a proposal of Iran's under its own name.
	page("oman")
	for id, v := range map[string]string{"enrichment_cap_pct": "3.67", "stockpile_cap_kg_u": "200", "centrifuges_IR-1": "3000",
		"centrifuges_IR-6": "0", "duration_years": "10", "additional_protocol": "yes", "origin": "iran"} {
		if id != "origin" {
			id = "v-" + id
		}
		if err := chromedp.Do(people["oman"].ctx, chromedp.SetValue(chromedp.ID(id), v)); err != nil {
			t.Fatalf("the proposal's %s: %v", id, err)
		}
	}
	if err := chromedp.Do(people["oman"].ctx, chromedp.Click(chromedp.CSS("#propose input[name=mask]"))); err != nil {
		t.Fatal(err)
	}
	submit("oman", "propose", "Proposal p1 is held")
	if html, _ := page("us"); strings.Contains(html, `<option>p1</option>`) || strings.Contains(html, "Proposal p1") {
		t.Errorf("the US sees the held proposal")
	}
	visible("with a held proposal")
	fits("oman", "with a held proposal")
	commandShown("oman", "cmd-release-p1")
	sign("oman", "held-p1", "Proposal p1 is released to every party")
	page("us")
	if got := browse(t, people["us"], chromedp.Text(chromedp.CSS("#proposals tbody"))); !strings.Contains(got, "p1") || !strings.Contains(got, "oman") || strings.Contains(got, "iran") {
		t.Errorf("the US sees the released proposal as %q, want p1 attributed to the mediator", got)
	}

	// The US asks about it and writes to the mediator.
	if err := chromedp.Do(people["us"].ctx, chromedp.Click(chromedp.CSS("form[action$=feasibility] button")), chromedp.WaitVisible(chromedp.ID("answer"))); err != nil {
		t.Fatal(err)
	}
	if got := browse(t, people["us"], chromedp.Text(chromedp.ID("answer"))); !strings.Contains(got, "meets your red lines") || strings.Contains(got, "every red line") {
		t.Errorf("the US's answer: %q", got)
	}
	page("us")
	const question = "Would the cap be verified under the Additional Protocol?"
	if err := chromedp.Do(people["us"].ctx, chromedp.SendKeys(chromedp.ID("body"), question)); err != nil {
		t.Fatal(err)
	}
	submit("us", "send", "sent to the mediator")
	if html, _ := page("iran"); strings.Contains(html, question) {
		t.Errorf("Iran reads the US's message to the mediator")
	}
	// The mediator relays it to Iran: held, then released.
	page("oman")
	if err := chromedp.Do(people["oman"].ctx, chromedp.SetValue(chromedp.ID("relay_of"), "m1"), chromedp.Click(chromedp.CSS(`#relay input[name=to][value=iran]`))); err != nil {
		t.Fatal(err)
	}
	submit("oman", "relay", "is held")
	if html, _ := page("iran"); strings.Contains(html, question) {
		t.Errorf("Iran reads the relay before its release")
	}
	page("oman")
	submit("oman", "release-relays", "Released to their recipients")
	if html, _ := page("iran"); !strings.Contains(html, question) || !strings.Contains(html, "from oman to iran") {
		t.Errorf("Iran does not read the released relay as the mediator's")
	}
	if html, _ := page("us"); strings.Contains(html, "from oman") {
		t.Errorf("the US reads the relay to Iran")
	}
	visible("after the messages")

	// The mediator writes the text with the proposal's values: a first
	// version with a bracketed clause, which no party can confirm, then one
	// agreed clause by clause, which both parties confirm with the command
	// their pages show.
	for version, clauses := range []string{"Enrichment up to 3.67 %\nbracketed: The Additional Protocol applies",
		"Enrichment up to 3.67 %\nThe Additional Protocol applies"} {
		page("oman")
		if err := chromedp.Do(people["oman"].ctx, chromedp.SendKeys(chromedp.ID("clauses"), clauses),
			chromedp.SetValue(chromedp.ID("text-values"), "p1")); err != nil {
			t.Fatal(err)
		}
		submit("oman", "draft", "Version "+strconv.Itoa(version+1)+" of the text is recorded")
		if version == 0 {
			if html, _ := page("us"); strings.Contains(html, "cmd-confirm") || !strings.Contains(html, "not-confirmable") {
				t.Errorf("the US page offers to confirm a text with a bracketed clause")
			}
		}
	}
	for _, who := range []string{"us", "iran"} {
		if _, title := page(who); !strings.Contains(title, "text version 2 awaiting confirmation") {
			t.Errorf("%s's title before its confirmation: %q", who, title)
		}
		fits(who, "before the confirmations")
		commandShown(who, "cmd-confirm")
		done := "You confirmed version 2 of the text"
		if who == "iran" {
			done = "the text is final"
		}
		sign(who, "confirm-2", done)
	}
	for _, who := range []string{"us", "iran", "oman"} {
		html, title := page(who)
		if !strings.Contains(title, "text final") || strings.Contains(title, "red lines") || !strings.Contains(html, `id="final"`) || strings.Contains(html, "cmd-confirm") {
			t.Errorf("%s's page once both confirmed: title %q, final shown %v", who, title, strings.Contains(html, `id="final"`))
		}
		fits(who, "once final")
	}
	visible("once final")

	// The key files were read in the pages and never left them, to sign
	// in or to sign a step: no posted body holds a key's secret, in the
	// file's form or URL-encoded.
	postedMu.Lock()
	defer postedMu.Unlock()
	signed, challenges := 0, 0
	for _, body := range posted {
		if strings.Contains(body, "/sign\n") {
			signed++
		}
		if strings.Contains(body, "/api/v1/auth/token\n") && strings.Contains(body, "accord-read-token\n") {
			challenges++
		}
		for _, p := range []string{"us", "iran", "oman"} {
			b, err := os.ReadFile(key(p))
			if err != nil {
				t.Fatal(err)
			}
			// PRIVATE+KEY+name+hash+seed: the seed is base64, which has
			// '+' of its own, so it is the fifth field, not the last.
			fields := strings.SplitN(strings.TrimSpace(string(b)), "+", 5)
			if len(fields) != 5 || len(fields[4]) < 40 {
				t.Fatalf("%s's key file is not PRIVATE+KEY+name+hash+seed", p)
			}
			seed := fields[4]
			if strings.Contains(body, seed) || strings.Contains(body, url.QueryEscape(seed)) {
				t.Errorf("a page posted %s's private key:\n%.200s", p, body)
			}
		}
	}
	if challenges < 4 {
		t.Errorf("%d signed challenges posted of the round's 4 (3 sign-ins, a key the log does not know): the check above saw too little", challenges)
	}
	if signed < 5 {
		t.Errorf("%d posts to prepare a signed record seen of the round's 6 (2 red lines, a release, 2 confirmations, a refused key): the check above saw too little", signed)
	}
}

// signInRefused tries to sign in with a key file of the right form and
// name that the log does not know (a new key called "us"): the page says
// in words that the key is not registered, and its holder is still signed
// out. It keeps screenshots of the sign-in page, as a phone and a laptop
// show it.
func signInRefused(t *testing.T, b *browser, base, room, shots string) {
	t.Helper()
	skey, _, err := note.GenerateKey(nil, "us")
	if err != nil {
		t.Fatal(err)
	}
	stranger := filepath.Join(t.TempDir(), "us.key")
	if err := os.WriteFile(stranger, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notKey := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notKey, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{stranger: "the server does not know the key us", notKey: "This is not a private key file"} {
		if err := chromedp.Do(b.ctx, chromedp.Navigate(base+"/signin?next=/talks/"+room),
			chromedp.SetUploadFiles(chromedp.ID("key-file"), []string{file}),
			chromedp.Click(chromedp.CSS("#key-signin button")), chromedp.WaitVisible(chromedp.CSS("#key-signin .sign-said.bad"))); err != nil {
			t.Fatalf("signing in with %s: %v", filepath.Base(file), err)
		}
		if got := browse(t, b, chromedp.Text(chromedp.CSS("#key-signin .sign-said"))); !strings.Contains(got, want) || !strings.Contains(got, "not signed in") && want != "This is not a private key file" {
			t.Errorf("signing in with %s: the page says %q, want %q", filepath.Base(file), got, want)
		}
	}
	if who := browse(t, b, chromedp.Text(chromedp.CSS("nav .who"))); !strings.Contains(who, "Sign in") || strings.Contains(who, "signed in") {
		t.Errorf("after a refused key file the page's header says %q", who)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate(base+"/talks/"+room), chromedp.WaitVisible(chromedp.ID("key-signin"))); err != nil {
		t.Errorf("after a refused key file the room does not ask to sign in: %v", err)
	}
	// The page as a laptop and as a phone show it, with its refusal.
	if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.ID("key-file"), []string{stranger}),
		chromedp.Click(chromedp.CSS("#key-signin button")), chromedp.WaitVisible(chromedp.CSS("#key-signin .sign-said.bad"))); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(width, 844)); err != nil {
			t.Fatal(err)
		}
		f, err := chromedp.Run(b.ctx, chromedp.Evaluate[fit](fitScript))
		if err != nil {
			t.Fatal(err)
		}
		if f.ScrollWidth > f.InnerWidth || len(f.Cut) > 0 {
			t.Errorf("the sign-in page at %d px is %d px wide; cut: %v", width, f.ScrollWidth, f.Cut)
		}
		png := browse(t, b, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("signin-key-refused-%d.png", width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}

// A step signed in the page reaches the log only when the signed-in
// participant's registered key signed the very record the server prepared:
// a signature by another party's key, a record changed after its signature
// and a signature over other red lines than those submitted are refused
// with the rule they break, and nothing is logged or kept; the record as
// prepared and signed is logged.
func TestTalksPageSignatureChecks(t *testing.T) {
	dir := t.TempDir()
	d, base := startDemo(t, dir)
	const room = "muscat-2025-live"
	signer := func(p string) note.Signer { return demoSigner(t, dir, p) }
	token, err := client.ReadToken(context.Background(), base, signer("us"))
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: "accord_token", Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	redLines := func(days string) url.Values {
		return url.Values{"subject": {"breakout_days"}, "op": {">="}, "value": {days}, "salt": {strings.Repeat("5a", 32)}}
	}
	prepare := func(form url.Values) string {
		t.Helper()
		f := url.Values{"step": {"red-lines"}}
		for k, v := range form {
			f[k] = v
		}
		code, b := post("/talks/"+room+"/sign", f)
		var p struct{ Record, SHA256, Preimage string }
		if err := json.Unmarshal([]byte(b), &p); code != 200 || err != nil {
			t.Fatalf("prepare: HTTP %d %s", code, b)
		}
		if !talks.VerifyReveal(talks.RedLines{Room: room, Party: "us", Constraints: []talks.Constraint{talks.Limit("breakout_days", ">=", 365)}, Salt: strings.Repeat("5a", 32)}, p.SHA256) && form.Get("value") == "365" {
			t.Errorf("the prepared hash %s is not the red lines' commitment", p.SHA256)
		}
		return p.Record
	}
	sign := func(text string, s note.Signer) string {
		t.Helper()
		b, err := note.Sign(&note.Note{Text: text}, s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	alert := regexp.MustCompile(`<p class="bad" role="alert">([^<]*)</p>`)
	// logged is the log's size: the index its next entry takes.
	logged := func() uint64 {
		t.Helper()
		var n uint64
		for ; ; n++ {
			if _, err := d.App.Log().Entry(context.Background(), n); err != nil {
				return n
			}
		}
	}
	size := logged()
	submit := func(form url.Values, signed, want string) {
		t.Helper()
		f := url.Values{"commitment": {strings.ReplaceAll(signed, "\n", "\r\n")}}
		for k, v := range form {
			f[k] = v
		}
		code, b := post("/talks/"+room+"/red-lines", f)
		m := alert.FindStringSubmatch(b)
		if m != nil {
			t.Logf("refused: %s", html.UnescapeString(m[1]))
		}
		if code != 200 || m == nil || !strings.Contains(html.UnescapeString(m[1]), want) {
			t.Errorf("submitted %s: HTTP %d, alert %q, want %q", want, code, m, want)
		}
	}
	form := redLines("365")
	rec := prepare(form)
	submit(form, sign(rec, signer("iran")), `belongs to party "iran", not to the author "us"`)
	signed := sign(rec, signer("us"))
	// The same record a minute later: well formed, but not what was signed.
	tampered := regexp.MustCompile(`("created":"[0-9-]+T[0-9]{2}:)([0-9])`).ReplaceAllStringFunc(signed, func(m string) string {
		return m[:len(m)-1] + string("1032547698"[m[len(m)-1]-'0'])
	})
	if tampered == signed {
		t.Fatal("the record was not changed")
	}
	submit(form, tampered, "signature")
	submit(redLines("400"), signed, "must commit to room "+room)
	if code, b := post("/talks/"+room+"/feasibility", url.Values{}); code != 200 || !strings.Contains(b, "(0 of 2 in)") {
		t.Errorf("refused red lines were kept: %.300s", b)
	}
	f := url.Values{"commitment": {signed}}
	for k, v := range form {
		f[k] = v
	}
	if code, b := post("/talks/"+room+"/red-lines", f); code != 200 || !strings.Contains(b, fmt.Sprintf("in the evidence log at index %d,", size)) {
		t.Errorf("the red lines as signed, at index %d: HTTP %d %v", size, code, alert.FindStringSubmatch(b))
	}
}
