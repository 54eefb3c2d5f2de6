package ledger_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

// rawAppend appends entries to the fixture's log with tessera alone, with
// none of the ledger's checks (what a dishonest operator can publish), and
// waits until a checkpoint covers them.
func rawAppend(t testing.TB, f *fixture, entries ...[]byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	driver, err := posix.New(ctx, posix.Config{Path: f.dir})
	if err != nil {
		t.Fatal(err)
	}
	app, shutdown, reader, err := tessera.NewAppender(ctx, driver, tessera.NewAppendOptions().
		WithCheckpointSigner(f.operator.signer).WithBatching(256, 5*time.Millisecond).WithCheckpointInterval(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = shutdown(ctx) }()
	aw := tessera.NewPublicationAwaiter(ctx, reader.ReadCheckpoint, 10*time.Millisecond)
	var last tessera.IndexFuture
	for _, e := range entries {
		last = app.Add(ctx, tessera.NewEntry(e))
	}
	if _, _, err := aw.Await(ctx, last); err != nil {
		t.Fatal(err)
	}
}

// reload saves the state to a file and reads it back, as the command does
// between audits.
func reload(t *testing.T, s *ledger.AuditState) *ledger.AuditState {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	s2, err := ledger.LoadAuditState(path)
	if err != nil {
		t.Fatal(err)
	}
	return s2
}

// An audit that follows a growing log checks only the entries added since
// the last one, and --full checks them all.
func TestIncrementalAuditChecksOnlyTheNewEntries(t *testing.T) {
	f, l := publishedLog(t, 1, 300) // 301 entries: a full tile and a partial one
	state := &ledger.AuditState{}
	res := audit(t, os.DirFS(f.dir), state)
	if res.Problem != nil || res.Mode != ledger.AuditFull || res.EntriesChecked != 301 || res.FromSize != 0 {
		t.Fatalf("first audit: problem %v, mode %s, %d entries checked from %d", res.Problem, res.Mode, res.EntriesChecked, res.FromSize)
	}
	for _, step := range []struct{ add, size uint64 }{{5, 306}, {0, 306}, {300, 606}, {1, 607}} {
		appendPublished(t, l, f.findings(t, int(step.add))...)
		state = reload(t, state)
		from := state.Verified.Size
		res := audit(t, os.DirFS(f.dir), state)
		if res.Problem != nil {
			t.Fatalf("after %d more: %v", step.add, res.Problem)
		}
		if res.Mode != ledger.AuditIncremental || res.FromSize != from || res.Size != step.size || res.EntriesChecked != step.size-from || res.FullBecause != "" {
			t.Errorf("after %d more: mode %s, from %d, size %d, %d entries checked (%s); want incremental from %d to %d",
				step.add, res.Mode, res.FromSize, res.Size, res.EntriesChecked, res.FullBecause, from, step.size)
		}
		if got := res.Kinds[string(record.InspectionFinding)]; uint64(got) != step.size-1 {
			t.Errorf("records by kind: %d findings, want %d (the whole log's)", got, step.size-1)
		}
		if len(res.Keys) != 5 || res.TilesCheck == 0 {
			t.Errorf("keys %d, tiles checked %d", len(res.Keys), res.TilesCheck)
		}
	}
	full, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: os.DirFS(f.dir)}, ledger.AuditOptions{Files: os.DirFS(f.dir), State: state, Full: true})
	if err != nil || full.Problem != nil || full.Mode != ledger.AuditFull || full.EntriesChecked != full.Size {
		t.Fatalf("--full: %v %+v", err, full)
	}
	// The state a full audit leaves is the one an incremental audit leaves.
	again := audit(t, os.DirFS(f.dir), state)
	if again.Mode != ledger.AuditIncremental || again.EntriesChecked != 0 || again.Problem != nil {
		t.Errorf("after --full: %+v", again)
	}
}

// A key revoked in the part of the log an earlier audit checked still
// refuses records signed with it after it: the state carries the registry.
func TestIncrementalAuditCarriesTheKeyRegistry(t *testing.T) {
	f := newFixture(t, 0)
	l := f.create(t)
	next := newKey(t, "iaea-2027")
	appendPublished(t, l, f.finding(t),
		f.sign(t, f.iaea, "iaea", record.KeyRegistration, record.KeyRegistrationBody{Party: "iaea", Role: record.RoleInspectorate, Key: next.vkey}),
		f.sign(t, next, "iaea", record.KeyRevocation, record.KeyRevocationBody{Party: "iaea", Key: f.iaea.vkey, Reason: "retired"}))
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	state := reload(t, audited(t, f))
	// The new key signs; then a record signed with the revoked one.
	good := f.sign(t, next, "iaea", record.InspectionFinding, record.FindingBody{Site: "Fordow FFEP", Date: "2026-02-02", Finding: "seals intact", Verdict: "consistent"})
	rawAppend(t, f, good, f.finding(t))
	res := audit(t, os.DirFS(f.dir), state)
	if res.Mode != ledger.AuditIncremental || res.Problem == nil || res.Problem.Index == nil || *res.Problem.Index != 5 || !strings.Contains(res.Problem.What, "revoked") {
		t.Fatalf("a record signed with a key revoked before the last audit: mode %s, problem %v", res.Mode, res.Problem)
	}
}

// A log rebuilt after the auditor saw it, longer or of the same size, is
// caught by the incremental audit, with the evidence.
func TestIncrementalAuditCatchesARewrite(t *testing.T) {
	for _, n := range []int{3, 5} {
		f, _ := smallLog(t, 0, 3)
		state := reload(t, audited(t, f))
		res := audit(t, os.DirFS(rewritten(t, f, n)), state)
		if res.Mode != ledger.AuditIncremental || res.Problem == nil || !strings.Contains(res.Problem.What, "rewritten") || res.Problem.Evidence == nil || res.Problem.Evidence.Earlier == "" {
			t.Fatalf("a log rebuilt with %d records: mode %s, problem %+v, want a rewrite with evidence", n, res.Mode, res.Problem)
		}
	}
}

// A changed new tile or bundle, or a changed old entry in the bundle that
// the new entries extend, is caught by the incremental audit.
func TestIncrementalAuditChecksTheNewFiles(t *testing.T) {
	f, l := publishedLog(t, 0, 4)
	state := reload(t, audited(t, f))
	appendPublished(t, l, f.findings(t, 3)...) // 8 entries
	orig := memCopy(t, f.dir)
	for _, c := range []struct {
		file string
		at   func([]byte) int
		idx  uint64
	}{
		{"tile/0/000.p/8", func([]byte) int { return 6*32 + 3 }, 6},                                       // a new leaf hash
		{"tile/0/000.p/8", func([]byte) int { return 1*32 + 3 }, 1},                                       // an old one
		{"tile/entries/000.p/8", func(b []byte) int { return bytes.Index(b, []byte(`"iaea-6"`)) + 6 }, 6}, // a new entry
		{"tile/entries/000.p/8", func(b []byte) int { return bytes.Index(b, []byte(`"iaea-2"`)) + 6 }, 2}, // an old one
	} {
		files := fstest.MapFS{}
		for k, v := range orig {
			files[k] = v
		}
		data := bytes.Clone(orig[c.file].Data)
		data[c.at(data)] ^= 1
		files[c.file] = &fstest.MapFile{Data: data}
		res := audit(t, files, reload(t, state))
		if res.Mode != ledger.AuditIncremental || res.Problem == nil || res.Problem.Index == nil || *res.Problem.Index != c.idx {
			t.Errorf("%s changed at index %d: mode %s, problem %v", c.file, c.idx, res.Mode, res.Problem)
		}
	}
}

// A damaged or edited audit state does not let a log through unchecked:
// the audit is a full one, and says why.
func TestIncrementalAuditDistrustsADamagedState(t *testing.T) {
	f, l := publishedLog(t, 0, 300)
	state := audited(t, f)
	appendPublished(t, l, f.findings(t, 2)...)
	resum := func(v *ledger.VerifiedTree) {
		c := *v
		c.SHA256 = ""
		b, _ := json.Marshal(&c)
		v.SHA256 = sha256hex(b)
	}
	for name, edit := range map[string]func(v *ledger.VerifiedTree){
		"a flipped bit":       func(v *ledger.VerifiedTree) { v.EdgeTiles[0][5] ^= 1 },
		"an edited edge":      func(v *ledger.VerifiedTree) { v.EdgeTiles[0][5] ^= 1; resum(v) },
		"another root":        func(v *ledger.VerifiedTree) { v.Root[0] ^= 1; resum(v) },
		"a smaller size":      func(v *ledger.VerifiedTree) { v.Size--; resum(v) },
		"no registry":         func(v *ledger.VerifiedTree) { v.Registry = nil; resum(v) },
		"a changed registry":  func(v *ledger.VerifiedTree) { v.Registry[0].Entry[10] ^= 1; resum(v) },
		"malformed id hashes": func(v *ledger.VerifiedTree) { v.IDHashes = v.IDHashes[1:]; resum(v) },
		"a registry entry moved": func(v *ledger.VerifiedTree) {
			v.Registry = append(v.Registry, ledger.RegistryEntry{Index: 7, Entry: v.Registry[0].Entry})
			resum(v)
		},
	} {
		s := reload(t, state)
		edit(s.Verified)
		res := audit(t, os.DirFS(f.dir), s)
		if res.Problem != nil || res.Mode != ledger.AuditFull || res.FullBecause == "" || res.EntriesChecked != 303 {
			t.Errorf("%s: mode %s (%s), problem %v, %d entries checked", name, res.Mode, res.FullBecause, res.Problem, res.EntriesChecked)
		}
	}
}

// A new record whose id repeats an old one's is found: the id hashes the
// state keeps send the audit to a full one, which names both.
func TestIncrementalAuditFindsARepeatedID(t *testing.T) {
	f, _ := smallLog(t, 0, 3)
	state := audited(t, f)
	f.seq = 1 // iaea-2 again, at another time
	again := f.sign(t, f.iaea, "iaea", record.InspectionFinding, record.FindingBody{Site: "Isfahan UCF", Date: "2026-02-01", Finding: "seals intact", Verdict: "consistent"})
	rawAppend(t, f, again)
	res := audit(t, os.DirFS(f.dir), reload(t, state))
	if res.Problem == nil || !strings.Contains(res.Problem.What, "repeats the record at index 2") || res.Mode != ledger.AuditFull || res.FullBecause == "" {
		t.Fatalf("a repeated id: mode %s (%s), problem %v", res.Mode, res.FullBecause, res.Problem)
	}
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
