package ledger_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
)

// publishedLog makes a log with witnesses, genesis and n findings, all
// published; it stays open until the test ends.
func publishedLog(t testing.TB, witnesses, n int) (*fixture, *ledger.Log) {
	t.Helper()
	f := newFixture(t, witnesses)
	l := f.create(t)
	appendPublished(t, l, f.findings(t, n)...)
	return f, l
}

// smallLog makes a log with witnesses, genesis and n findings, all
// published, closes it and returns its directory.
func smallLog(t testing.TB, witnesses, n int) (*fixture, string) {
	t.Helper()
	f, l := publishedLog(t, witnesses, n)
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f, f.dir
}

// rewritten is f's log rebuilt from scratch, as its operator could: the
// same keys and genesis, then n other findings, published. It returns the
// new log's directory.
func rewritten(t testing.TB, f *fixture, n int) string {
	t.Helper()
	g := newFixture(t, 0)
	g.operator, g.iaea, g.genesis = f.operator, f.iaea, f.genesis
	g.seq = 100
	appendPublished(t, g.create(t), g.findings(t, n)...)
	return g.dir
}

// memCopy reads the log's published files (not tessera's .state) into memory.
func memCopy(t testing.TB, dir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, ".state") {
			return err
		}
		b, err := fs.ReadFile(os.DirFS(dir), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// audited is the state of an audit of f's log that found nothing wrong.
func audited(t *testing.T, f *fixture) *ledger.AuditState {
	t.Helper()
	state := &ledger.AuditState{}
	if res := audit(t, os.DirFS(f.dir), state); res.Problem != nil {
		t.Fatal(res.Problem)
	}
	return state
}

func audit(t *testing.T, files fs.FS, state *ledger.AuditState) *ledger.AuditResult {
	t.Helper()
	res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: files}, ledger.AuditOptions{Files: files, State: state})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestAuditPassesOnAnHonestLog(t *testing.T) {
	_, dir := smallLog(t, 2, 5)
	res := audit(t, os.DirFS(dir), nil)
	if res.Problem != nil {
		t.Fatal(res.Problem)
	}
	if res.Size != 6 || res.Kinds["inspection_finding"] != 5 || len(res.Cosigners) != 2 || res.TilesCheck == 0 {
		t.Errorf("audit = %+v", res)
	}
}

// Every single-byte change of the log's files is detected.
func TestAuditDetectsEverySingleByteChange(t *testing.T) {
	_, dir := smallLog(t, 2, 3)
	orig := memCopy(t, dir)
	if res := audit(t, orig, nil); res.Problem != nil {
		t.Fatal(res.Problem)
	}
	flips, listed := 0, 0
	for name, file := range orig {
		for i := range file.Data {
			tampered := fstest.MapFS{}
			for k, v := range orig {
				tampered[k] = v
			}
			data := []byte(string(file.Data))
			data[i] ^= 0x01
			tampered[name] = &fstest.MapFile{Data: data}
			res, err := ledger.Audit(context.Background(), ledger.FSFetcher{FS: tampered}, ledger.AuditOptions{Files: tampered})
			flips++
			if err == nil && res.Problem == nil {
				// A partial file that no verified checkpoint reads (the
				// current one reads a wider one) is listed, not trusted.
				if !slices.Contains(res.Superseded, name) {
					t.Fatalf("byte %d of %s flipped: the audit passed", i, name)
				}
				listed++
			}
		}
	}
	t.Logf("%d single-byte changes over %d files, all detected (%d in partial files no verified checkpoint reads, listed as superseded)", flips, len(orig), listed)
}

func TestAuditNamesTheBadIndex(t *testing.T) {
	_, dir := smallLog(t, 0, 4)
	files := memCopy(t, dir)
	bundle := files["tile/entries/000.p/5"]
	// Change a byte in the fourth record (index 3): find its id text.
	at := strings.Index(string(bundle.Data), "iaea-3")
	data := []byte(string(bundle.Data))
	data[at+5] = '9'
	files["tile/entries/000.p/5"] = &fstest.MapFile{Data: data}
	res := audit(t, files, nil)
	if res.Problem == nil || res.Problem.Index == nil || *res.Problem.Index != 3 {
		t.Fatalf("problem = %+v, want index 3", res.Problem)
	}
}

// A log rewritten after an auditor saw it is caught, with the evidence.
func TestAuditCatchesARewrittenLog(t *testing.T) {
	f, _ := smallLog(t, 0, 3)
	state := audited(t, f)
	// The operator rebuilds the log and signs a longer checkpoint.
	res := audit(t, os.DirFS(rewritten(t, f, 5)), state)
	if res.Problem == nil || !strings.Contains(res.Problem.What, "rewritten") || res.Problem.Evidence == nil || res.Problem.Evidence.Earlier == "" {
		t.Fatalf("problem = %+v, want a rewrite with evidence", res.Problem)
	}
}

// The log verifies with tessera's own client, and inclusion proofs with
// transparency-dev/merkle.
func TestVerifiesWithTesseraClientAndMerkleProofs(t *testing.T) {
	f, dir := smallLog(t, 0, 10)
	ctx := context.Background()
	fetcher := client.FileFetcher{Root: dir}
	v, _ := note.NewVerifier(f.operator.vkey)
	cp, _, _, err := client.FetchCheckpoint(ctx, fetcher.ReadCheckpoint, v, origin)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := client.NewProofBuilder(ctx, cp.Size, fetcher.ReadTile)
	if err != nil {
		t.Fatal(err)
	}
	for i := uint64(0); i < cp.Size; i++ {
		eb, err := client.GetEntryBundle(ctx, fetcher.ReadEntryBundle, i/256, cp.Size)
		if err != nil {
			t.Fatal(err)
		}
		p, err := pb.InclusionProof(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, cp.Size, rfc6962.DefaultHasher.HashLeaf(eb.Entries[i%256]), p, cp.Hash); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
	}
}

// The same audit runs against the log served as static files over HTTP.
func TestAuditOverHTTP(t *testing.T) {
	_, dir := smallLog(t, 1, 4)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/")
	f, err := client.NewHTTPFetcher(u, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	res, err := ledger.Audit(context.Background(), f, ledger.AuditOptions{})
	if err != nil || res.Problem != nil || res.Size != 5 {
		t.Fatalf("audit over HTTP: %+v %v", res, err)
	}
}

// A temporary file that a failed write left under tile/ (tessera v1.0.4
// names it after the tile plus a random number) is listed as stray, not
// taken for a tile; a tile file with a valid name is still checked.
func TestAuditListsStrayFilesAndStillChecksTiles(t *testing.T) {
	_, dir := smallLog(t, 0, 4)
	files := memCopy(t, dir)
	leftover := "tile/entries/000.p/51521013795"
	files[leftover] = &fstest.MapFile{Data: files["tile/entries/000.p/5"].Data[:10]}
	res := audit(t, files, nil)
	if res.Problem != nil {
		t.Fatalf("a stray temporary file failed the audit: %v", res.Problem)
	}
	if len(res.Stray) != 1 || res.Stray[0] != leftover {
		t.Errorf("stray = %v, want [%s]", res.Stray, leftover)
	}
	// A partial tile that disagrees with the tree: when no verified
	// checkpoint reads it (tessera left it from entries that a crash kept
	// from being published), it is listed as superseded; when one does,
	// it is tampering.
	files["tile/0/000.p/3"] = &fstest.MapFile{Data: make([]byte, 3*32)}
	res = audit(t, files, nil)
	if res.Problem != nil || len(res.Superseded) != 1 || res.Superseded[0] != "tile/0/000.p/3" {
		t.Errorf("a partial tile no verified checkpoint reads: problem %v, superseded %v", res.Problem, res.Superseded)
	}
	seen3 := &ledger.AuditState{Seen: []ledger.SeenCheckpoint{{Size: 3}}}
	if res := audit(t, files, seen3); res.Problem == nil || res.Problem.Where != "tile/0/000.p/3" {
		t.Errorf("a changed partial tile that a verified checkpoint of size 3 reads: %+v", res.Problem)
	}
	current := fmt.Sprintf("tile/0/000.p/%d", res.Size)
	files[current] = &fstest.MapFile{Data: make([]byte, res.Size*32)}
	if res := audit(t, files, nil); res.Problem == nil {
		t.Errorf("a changed %s, which the current checkpoint reads, passed the audit", current)
	}
}

// An audit of a log that is being written passes: tiles and bundles that
// the log has integrated but that no published checkpoint covers yet are
// counted as unpublished, not taken for tampering (the part of them the
// checkpoint does cover is still checked), and files that tessera removes
// while the audit walks (partial tiles once full ones exist) are skipped.
func TestAuditOfALiveLog(t *testing.T) {
	f := newFixture(t, 0)
	opts := f.options()
	opts.CheckpointInterval = 500 * time.Millisecond // integration runs ahead of publication
	ctx := context.Background()
	l := f.createWith(t, opts)
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := l.Receipt(rctx, 0); err != nil { // the genesis record, published
		t.Fatal(err)
	}
	entries := make(chan []byte, 1500)
	for range cap(entries) {
		entries <- f.finding(t)
	}
	close(entries)
	appendErrs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for e := range entries {
				if _, err := l.Append(ctx, e); err != nil {
					appendErrs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	files := os.DirFS(f.dir)
	audits, unpublished := 0, 0
	for live := true; live; audits++ {
		select {
		case <-done:
			live = false
		default:
		}
		res, err := ledger.Audit(ctx, ledger.FSFetcher{FS: files}, ledger.AuditOptions{Files: files})
		if err != nil {
			t.Fatalf("audit %d: %v", audits, err)
		}
		if res.Problem != nil {
			t.Fatalf("audit %d of the live log, at size %d: %v", audits, res.Size, res.Problem)
		}
		unpublished += res.Unpublished
	}
	close(appendErrs)
	for err := range appendErrs {
		t.Fatal(err)
	}
	if unpublished == 0 {
		t.Error("no audit saw a file beyond its checkpoint: the log was not written during the audits")
	}
	t.Logf("%d audits while %d records were appended; %d files beyond the audited checkpoint seen in all", audits, cap(entries), unpublished)
}

// A tile or bundle that reaches beyond the audited checkpoint is not
// published yet, but the part of it that the checkpoint covers is checked.
func TestAuditChecksTheCoveredPartOfUnpublishedFiles(t *testing.T) {
	_, dir := smallLog(t, 0, 4) // 5 entries: tile/0/000.p/5, tile/entries/000.p/5
	files := memCopy(t, dir)
	tile := files["tile/0/000.p/5"].Data
	bundle := files["tile/entries/000.p/5"].Data
	if tile == nil || bundle == nil {
		t.Fatalf("the log's files: %v", slices.Collect(maps.Keys(files)))
	}
	// The log as it would be with two more entries integrated and not yet
	// published: their hashes and bundle, with the checkpoint unchanged.
	ahead := append(append([]byte{}, tile...), make([]byte, 2*32)...)
	ahead[len(tile)] = 0x5a
	files["tile/0/000.p/7"] = &fstest.MapFile{Data: ahead}
	res := audit(t, files, nil)
	if res.Problem != nil || res.Unpublished != 1 {
		t.Fatalf("a tile beyond the checkpoint with its covered part intact: problem %v, unpublished %d (want none, 1)", res.Problem, res.Unpublished)
	}
	tampered := append([]byte{}, ahead...)
	tampered[3*32] ^= 1 // the fourth node, which the checkpoint covers
	files["tile/0/000.p/7"] = &fstest.MapFile{Data: tampered}
	if res := audit(t, files, nil); res.Problem == nil || !strings.Contains(res.Problem.What, "does not match") {
		t.Errorf("a changed node within the checkpoint, in a tile beyond it: problem %v", res.Problem)
	}
	files["tile/0/000.p/7"] = &fstest.MapFile{Data: ahead[:6*32]}
	if res := audit(t, files, nil); res.Problem == nil {
		t.Error("a tile beyond the checkpoint shorter than its name says passed")
	}
	delete(files, "tile/0/000.p/7")

	var eb api.EntryBundle
	if err := eb.UnmarshalText(bundle); err != nil {
		t.Fatal(err)
	}
	longer := append(slices.Clone(eb.Entries), []byte("not yet published"), []byte("nor this"))
	files["tile/entries/000.p/7"] = &fstest.MapFile{Data: bundleOf(longer)}
	if res := audit(t, files, nil); res.Problem != nil || res.Unpublished != 1 {
		t.Fatalf("a bundle beyond the checkpoint with its covered entries intact: problem %v, unpublished %d", res.Problem, res.Unpublished)
	}
	longer[2] = []byte("rewritten")
	files["tile/entries/000.p/7"] = &fstest.MapFile{Data: bundleOf(longer)}
	if res := audit(t, files, nil); res.Problem == nil || res.Problem.Index == nil || *res.Problem.Index != 2 {
		t.Errorf("a changed entry within the checkpoint, in a bundle beyond it: problem %v", res.Problem)
	}
}

// bundleOf encodes entries as a tlog-tiles entry bundle.
func bundleOf(entries [][]byte) []byte {
	var b []byte
	for _, e := range entries {
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b
}
