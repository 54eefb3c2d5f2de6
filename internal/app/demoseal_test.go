package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

// In the demo the log operator is a party of its own, the neutral host of
// the log and the talks' server: a party's talks commitment is sealed to
// its author, the mediator and the operator, and opens with their keys
// only. The IAEA, a member that takes no part in the talks, cannot open
// one from its copy of the log; nor can a state or a party that did not
// write it.
func TestDemoCommitmentsOpenOnlyToTheirReaders(t *testing.T) {
	dir := t.TempDir()
	d := startTestDemo(t, dir)
	defer d.Close()
	if d.SealWarning != "" {
		t.Errorf("a new demo warns: %s", d.SealWarning)
	}
	if got := d.App.ServerParty(); got != app.OperatorParty {
		t.Errorf("the server's party is %q, want %q", got, app.OperatorParty)
	}
	sealed := sealedRecords(t, filepath.Join(dir, "log"))
	if len(sealed) != 4 {
		t.Fatalf("%d sealed records in the demo's log, want 4 (the US's and Iran's red lines in two rooms)", len(sealed))
	}
	for at, s := range sealed {
		author := s.Record.Author
		if to, want := record.SealedTo(s.Record), []string{"oman", "operator", author}; !sameSet(to, want) {
			t.Errorf("index %d is sealed to %v, want %v", at, to, want)
		}
		for _, key := range []string{author, "oman", "accord.demo/jcpoa"} {
			inner, err := record.OpenSealed(s.Record, demoIdentity(t, dir, key))
			if err != nil || inner.Kind != record.TalksCommitment {
				t.Errorf("index %d (by %s) with the key %s: %v", at, author, key, err)
			}
		}
		other := map[string]string{"us": "iran", "iran": "us"}[author]
		for _, key := range []string{"iaea", other, "e3"} {
			if _, err := record.OpenSealed(s.Record, demoIdentity(t, dir, key)); !errors.Is(err, record.ErrNotRecipient) {
				t.Errorf("index %d (by %s) with the key %s: %v, want %v", at, author, key, err, record.ErrNotRecipient)
			}
		}
		// As accord record open tells the IAEA, offline.
		iaea := filepath.Join(dir, "keys", "iaea.age")
		if _, _, err := app.OpenRecord(context.Background(), filepath.Join(dir, "log"), at, demoIdentity(t, dir, "iaea"), iaea); err == nil || !strings.Contains(err.Error(), "not to the key "+iaea) {
			t.Errorf("index %d opened with the IAEA's key: %v", at, err)
		}
	}
}

// A directory made when the demo's log operator was the IAEA's party
// still starts, and adds nothing: its genesis record cannot change, so the
// IAEA's inspectorate key still opens its commitments, and the demo says
// so, naming the party and the key's role.
func TestDemoOnAnEarlierDirectory(t *testing.T) {
	dir := t.TempDir()
	restore := app.DemoOperatorParty("iaea")
	d := startTestDemo(t, dir)
	d.Close()
	restore()

	d = startTestDemo(t, dir)
	defer d.Close()
	if d.Loaded != 0 {
		t.Errorf("the restart loaded %d records, want none", d.Loaded)
	}
	want := `the log operator's party "iaea" also holds the inspectorate key "iaea": every talks commitment is sealed to the operator's party, so whoever holds that key opens every party's commitment from a copy of the log, not the server alone.`
	if !strings.HasPrefix(d.SealWarning, want) || d.SealWarning != d.App.SealWarning() {
		t.Errorf("the warning:\n%s\nwant it to begin\n%s", d.SealWarning, want)
	}
	for at, s := range sealedRecords(t, filepath.Join(dir, "log")) {
		if _, err := record.OpenSealed(s.Record, demoIdentity(t, dir, "iaea")); err != nil {
			t.Errorf("index %d of the earlier directory does not open with the IAEA's key, which the warning says it does: %v", at, err)
		}
	}
}

// A directory whose log holds an earlier version's records of the public
// series, under the ids that named the program's data rows, keeps them and
// loads nothing beside them (every figure would stand twice), and says so;
// a new directory's records are named by where a reader finds each row.
func TestDemoKeepsAnEarlierVersionsSeries(t *testing.T) {
	dir := t.TempDir()
	restore := app.DemoEarlierSeriesIDs()
	d := startTestDemo(t, dir)
	d.Close()
	restore()
	if d.Earlier || d.Loaded == 0 {
		t.Fatalf("a new directory: earlier %v, %d records loaded", d.Earlier, d.Loaded)
	}

	d = startTestDemo(t, dir)
	defer d.Close()
	if !d.Earlier || d.Loaded != 0 {
		t.Errorf("the restart on an earlier version's log: earlier %v, %d records loaded; want it said, and none", d.Earlier, d.Loaded)
	}
	if ids := seriesIDs(t, d); len(ids) < 40 || slices.ContainsFunc(ids, func(id string) bool { return !strings.HasPrefix(id, "series-iaea-iran-") }) {
		t.Errorf("the earlier version's log holds the records of the public series %q, want only its own", ids)
	}

	fresh := startTestDemo(t, t.TempDir())
	defer fresh.Close()
	if ids := seriesIDs(t, fresh); fresh.Earlier || len(ids) < 40 || slices.ContainsFunc(ids, func(id string) bool { return !strings.HasPrefix(id, "series-") || strings.Contains(id, "iaea-iran") }) {
		t.Errorf("a new directory (earlier %v) holds the records of the public series %q, want them named by where a reader finds them", fresh.Earlier, ids)
	}
}

// seriesIDs are the ids of the demo's records of the public series.
func seriesIDs(t *testing.T, d *app.Demo) []string {
	t.Helper()
	rows, err := d.App.Query(context.Background(), record.Filter{Kind: string(record.VerifiedFacts), Author: "iaea", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func startTestDemo(t *testing.T, dir string) *app.Demo {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoConfig{Dir: dir, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sealedRecords are the sealed records of the log in dir, by index.
func sealedRecords(t *testing.T, dir string) map[uint64]*record.Signed {
	t.Helper()
	out := map[uint64]*record.Signed{}
	res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(dir)}, ledger.AuditOptions{Each: func(i uint64, s *record.Signed) {
		if s.Record.Kind == record.Sealed {
			out[i] = s
		}
	}})
	if err != nil || res.Problem != nil {
		t.Fatalf("audit: %v %v", err, res.Problem)
	}
	return out
}

// demoIdentity is the encryption key of one of the demo's keys.
func demoIdentity(t *testing.T, dir, key string) *age.X25519Identity {
	t.Helper()
	id, err := keyfile.LoadIdentity(keyfile.Base(filepath.Join(dir, "keys"), key) + ".age")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
