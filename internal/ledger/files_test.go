package ledger_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transparency-dev/tessera/api/layout"

	"github.com/accordverify/accord/internal/ledger"
)

// recordingFetcher answers every read with the resource's canonical path
// and remembers what was read.
type recordingFetcher struct{ read []string }

func (f *recordingFetcher) ReadCheckpoint(context.Context) ([]byte, error) {
	f.read = append(f.read, layout.CheckpointPath)
	return []byte(layout.CheckpointPath), nil
}

func (f *recordingFetcher) ReadTile(_ context.Context, l, i uint64, p uint8) ([]byte, error) {
	path := layout.TilePath(l, i, p)
	f.read = append(f.read, path)
	return []byte(path), nil
}

func (f *recordingFetcher) ReadEntryBundle(_ context.Context, i uint64, p uint8) ([]byte, error) {
	path := layout.EntriesPath(i, p)
	f.read = append(f.read, path)
	return []byte(path), nil
}

var errNoToken = errors.New("no read token")

// serve answers a GET of path through Files over f, as a server does that
// lets record readers (reader) read entry bundles; it returns the answer,
// whether ServeLogFile asked about records, and what it returned.
func serve(f ledger.Fetcher, path string, reader bool, header ...string) (*httptest.ResponseRecorder, bool, error) {
	asked := false
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/log/x", nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	err := ledger.NewFiles(f).ServeLogFile(rec, req, path, func() error {
		asked = true
		if !reader {
			return errNoToken
		}
		return nil
	})
	return rec, asked, err
}

// Every tlog-tiles path is served from the resource it names, with the
// caching of its kind; entry bundles only once mayReadRecords agrees.
func TestFilesServeEachTlogTilesPath(t *testing.T) {
	for _, c := range []struct {
		path    string
		records bool
		cache   string
	}{
		{"checkpoint", false, "no-cache"},
		{"tile/0/000", false, "public, max-age=31536000, immutable"},
		{"tile/0/000.p/5", false, "public, max-age=60"},
		{"tile/0/x001/x234/067", false, "public, max-age=31536000, immutable"},
		{"tile/0/x001/x234/067.p/255", false, "public, max-age=60"},
		{"tile/3/012.p/1", false, "public, max-age=60"},
		{"tile/63/000", false, "public, max-age=31536000, immutable"},
		{"tile/entries/000", true, "private, max-age=31536000, immutable"},
		{"tile/entries/000.p/1", true, "private, max-age=60"},
		{"tile/entries/x123/456.p/200", true, "private, max-age=60"},
	} {
		f := &recordingFetcher{}
		rec, asked, err := serve(f, c.path, true)
		if err != nil || rec.Code != 200 || rec.Body.String() != c.path {
			t.Errorf("%s: HTTP %d %q (%v), want its own content", c.path, rec.Code, rec.Body, err)
		}
		if len(f.read) != 1 || f.read[0] != c.path {
			t.Errorf("%s: read %v", c.path, f.read)
		}
		if asked != c.records {
			t.Errorf("%s: asked whether the caller reads records: %v, want %v", c.path, asked, c.records)
		}
		if got := rec.Header().Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Errorf("%s: no ETag", c.path)
			continue
		}
		if rec, _, _ := serve(f, c.path, true, "If-None-Match", etag); rec.Code != http.StatusNotModified {
			t.Errorf("%s: a request with its ETag answered %d, want 304", c.path, rec.Code)
		}
		if c.records {
			f := &recordingFetcher{}
			rec := httptest.NewRecorder()
			err := ledger.NewFiles(f).ServeLogFile(rec, httptest.NewRequest("GET", "/", nil), c.path, nil)
			if !errors.Is(err, fs.ErrPermission) || len(f.read) != 0 {
				t.Errorf("%s with no mayReadRecords: %v, read %v; want it refused", c.path, err, f.read)
			}
		}
	}
}

// An entry bundle is gzip-compressed for a client that accepts it, under
// its own ETag; hash tiles and clients that do not accept gzip get the
// bytes as they are.
func TestFilesCompressEntryBundlesWhenAsked(t *testing.T) {
	f := &recordingFetcher{}
	plain, _, _ := serve(f, "tile/entries/000", true)
	for _, c := range []struct {
		path, accept string
		gzipped      bool
	}{
		{"tile/entries/000", "gzip", true},
		{"tile/entries/000", "br;q=1.0, gzip;q=0.5", true},
		{"tile/entries/000", "*", true},
		{"tile/entries/000", "gzip;q=0", false},
		{"tile/entries/000", "identity", false},
		{"tile/entries/000", "", false},
		{"tile/0/000", "gzip", false},
	} {
		rec, _, err := serve(f, c.path, true, "Accept-Encoding", c.accept)
		if err != nil || rec.Code != 200 {
			t.Fatalf("%s, Accept-Encoding %q: HTTP %d, %v", c.path, c.accept, rec.Code, err)
		}
		body := rec.Body.Bytes()
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != c.gzipped {
			t.Errorf("%s, Accept-Encoding %q: gzip %v, want %v", c.path, c.accept, got, c.gzipped)
			continue
		}
		if c.gzipped {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
			if rec.Header().Get("ETag") == plain.Header().Get("ETag") {
				t.Errorf("the compressed bundle has the ETag of the plain one")
			}
		}
		if string(body) != c.path {
			t.Errorf("%s, Accept-Encoding %q: content %q", c.path, c.accept, body)
		}
	}
}

// A caller who may not read records gets mayReadRecords' error for an
// entry bundle, and nothing is read or answered.
func TestFilesRefuseEntryBundlesWithoutReadingThem(t *testing.T) {
	f := &recordingFetcher{}
	rec, asked, err := serve(f, "tile/entries/000.p/3", false)
	if !errors.Is(err, errNoToken) || !asked || len(f.read) != 0 || rec.Body.Len() != 0 || len(rec.Header()) != 0 {
		t.Errorf("entry bundle without a token: %v, read %v, answered %q %v", err, f.read, rec.Body, rec.Header())
	}
}

// Paths that name no tlog-tiles resource in tessera's form (traversal,
// other files of the directory, empty or doubled segments, an encoded
// slash once decoded, non-canonical numbers) are refused with
// fs.ErrNotExist before anything is read or asked.
func TestFilesRefuseEveryOtherPath(t *testing.T) {
	for _, path := range []string{
		"", "/", "/checkpoint", "checkpoint/", "./checkpoint", "../checkpoint", "tile/../checkpoint",
		".state/treeState", "tile/0/../../.state/treeState", "tile/entries/../../.state/version",
		"tile/0/000/../001", "tile/0/./000", "keys/operator.key", "index.db",
		"tile//entries/000", "tile/entries//000", "tile//0/000", "tile/0//000", "tile/0/000/",
		"tile/entries", "tile/entries/", "tile/0", "tile/0/", "tile/", "tile",
		"tile/0/1", "tile/0/0000", "tile/0/x000/000", "tile/0/x001/23", "tile/0/001x/234",
		"tile/00/000", "tile/+0/000", "tile/64/000", "tile/18446744073709551616/000",
		"tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/005", "tile/0/000.p/", "tile/0/000.p", "tile/0/000.p/5/6",
		"tile/entries/000.p/0", "tile/entries/000.p/256", "tile/entries/x000/000",
		"tile/data/000", "tile/0/000\x00", "tile/0/000%2F", "TILE/0/000", "Checkpoint",
		"tile/entries/00012345", "tile/0/000.p/512345", // tessera's temporary files
	} {
		f := &recordingFetcher{}
		rec, asked, err := serve(f, path, true)
		if !errors.Is(err, fs.ErrNotExist) || asked || len(f.read) != 0 || rec.Body.Len() != 0 || len(rec.Header()) != 0 {
			t.Errorf("%q: %v (asked %v, read %v, answered %q); want it refused as no log file", path, err, asked, f.read, rec.Body)
		}
	}
}

// Behind a mux like the server's, GET /log/tile%2F%2Fentries/000 (whose
// decoded path, tile//entries/000, a file server cleans into an entry
// bundle's) is no log file: no bundle is read, whoever asks.
func TestFilesRefuseTheEncodedSlashBypass(t *testing.T) {
	f := &recordingFetcher{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /log/{path...}", func(w http.ResponseWriter, r *http.Request) {
		err := ledger.NewFiles(f).ServeLogFile(w, r, r.PathValue("path"), func() error { return errNoToken })
		switch {
		case errors.Is(err, fs.ErrNotExist):
			http.Error(w, "no such log file", http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	})
	for _, target := range []string{
		"/log/tile%2F%2Fentries/000", "/log/tile%2Fentries%2F000", "/log/tile/%2Fentries/000",
		"/log/tile%2F..%2Fentries/000", "/log/tile/0%2F..%2F..%2Fentries/000", "/log/%2E%2E/checkpoint",
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if rec.Code == http.StatusOK {
			t.Errorf("GET %s: 200 %q", target, rec.Body)
		}
	}
	// Encoded, the real path is still an entry bundle: it needs the token.
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/log/tile%2Fentries/000", nil))
	if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusNotFound {
		t.Errorf("GET /log/tile%%2Fentries/000: HTTP %d", rec.Code)
	}
	for _, p := range f.read {
		t.Errorf("read %s", p)
	}
}

// Through the reader of an open log, each file is the one on disk.
func TestFilesServeTheLogsOwnFiles(t *testing.T) {
	f := newFixture(t, 0)
	l := f.create(t)
	appendPublished(t, l, f.findings(t, 5)...)
	const size = 6 // the genesis record and five findings
	for _, path := range []string{"checkpoint", layout.TilePath(0, 0, layout.PartialTileSize(0, 0, size)), layout.EntriesPath(0, layout.PartialTileSize(0, 0, size))} {
		want, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(path)))
		if err != nil {
			t.Fatal(err)
		}
		rec, _, err := serve(l.Reader(), path, true)
		if err != nil || rec.Code != 200 || rec.Body.String() != string(want) {
			t.Errorf("%s: HTTP %d (%v), %d bytes, want the %d bytes on disk", path, rec.Code, err, rec.Body.Len(), len(want))
		}
	}
	if _, _, err := serve(l.Reader(), layout.TilePath(0, 7, 0), true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a tile the log does not have: %v, want fs.ErrNotExist", err)
	}
	if _, _, err := serve(l.Reader(), layout.EntriesPath(7, 3), true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a bundle the log does not have: %v, want fs.ErrNotExist", err)
	}
}

// FuzzLogFile feeds arbitrary paths to Files: it never panics, reads only
// the resource whose canonical path it was given, and asks about records
// exactly when that resource is an entry bundle.
func FuzzLogFile(f *testing.F) {
	for _, seed := range []string{"checkpoint", "tile/0/000", "tile/0/x001/x234/067.p/8", "tile/entries/000.p/1", "tile//entries/000", "tile/0/../../.state/treeState", "tile/0/000.p/005"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		fetcher := &recordingFetcher{}
		_, asked, err := serve(fetcher, path, true)
		switch {
		case len(fetcher.read) > 1:
			t.Fatalf("%q: read %v", path, fetcher.read)
		case len(fetcher.read) == 1 && fetcher.read[0] != path:
			t.Fatalf("%q: read %s", path, fetcher.read[0])
		case len(fetcher.read) == 0 && !errors.Is(err, fs.ErrNotExist):
			t.Fatalf("%q: nothing read but %v", path, err)
		}
		if isBundle := len(fetcher.read) == 1 && strings.HasPrefix(path, "tile/entries/"); asked != isBundle {
			t.Fatalf("%q: asked about records %v, read %v", path, asked, fetcher.read)
		}
	})
}
