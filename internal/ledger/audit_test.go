package ledger_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"
)

// smallLog makes a log with witnesses, genesis and n findings, all
// published, closes it and returns its directory.
func smallLog(t testing.TB, witnesses, n int) (*fixture, string) {
	t.Helper()
	f := newFixture(t, witnesses)
	l := f.create(t)
	ctx := context.Background()
	var last uint64
	for range n {
		seq, err := l.Append(ctx, f.finding(t))
		if err != nil {
			t.Fatal(err)
		}
		last = seq.Index
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := l.Receipt(rctx, last); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return f, f.dir
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
	flips := 0
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
				t.Fatalf("byte %d of %s flipped: the audit passed", i, name)
			}
		}
	}
	t.Logf("%d single-byte changes over %d files, all detected", flips, len(orig))
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
	f, dir := smallLog(t, 0, 3)
	state := &ledger.AuditState{}
	if res := audit(t, os.DirFS(dir), state); res.Problem != nil {
		t.Fatal(res.Problem)
	}
	// The operator rebuilds the log from scratch with other records, with
	// the same keys and genesis, and signs a longer checkpoint.
	g := newFixture(t, 0)
	g.operator, g.iaea, g.genesis = f.operator, f.iaea, f.genesis
	g.seq = 100
	l := g.create(t)
	for range 5 {
		if _, err := l.Append(context.Background(), g.finding(t)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.Receipt(ctx, 5); err != nil {
		t.Fatal(err)
	}
	res := audit(t, os.DirFS(g.dir), state)
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
	files["tile/0/000.p/3"] = &fstest.MapFile{Data: make([]byte, 3*32)} // a stale partial tile, zeroed
	if res := audit(t, files, nil); res.Problem == nil {
		t.Error("a wrong partial tile passed the audit")
	}
}
