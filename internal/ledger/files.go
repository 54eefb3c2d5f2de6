package ledger

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/transparency-dev/tessera/api/layout"
)

// Files serves a log's C2SP tlog-tiles resources (the checkpoint, hash
// tiles and entry bundles) over HTTP, read through a Fetcher. Paths are
// parsed into tile coordinates and the resources read by coordinates: no
// file name is ever built from a request.
type Files struct{ f Fetcher }

// NewFiles serves the log that f reads: the tessera.LogReader of an open
// Log (Log.Reader), or an FSFetcher of a copy of its files.
func NewFiles(f Fetcher) *Files { return &Files{f: f} }

// ServeLogFile answers a GET or HEAD of the log file at path, relative to
// the log's root: "checkpoint", "tile/<L>/<N>[.p/<W>]" or
// "tile/entries/<N>[.p/<W>]", each in the one form tessera writes
// (c2sp.org/tlog-tiles).
//
// Before reading an entry bundle, which holds the records themselves, it
// calls mayReadRecords and returns its error without answering (nil
// refuses every bundle, with fs.ErrPermission). For a path that names no
// log file, or a file the log does not have, it answers nothing and
// returns an error wrapping fs.ErrNotExist; it returns other read errors
// as they are, also without answering.
//
// Caching follows c2sp.org/tlog-tiles: the checkpoint changes and is
// served with Cache-Control: no-cache; a full tile or bundle never changes
// and is served for a year, immutable; a partial one is replaced by a
// wider one and then removed, so it is served for a minute. Entry bundles
// hold the records, which only members may read: their answers are
// private, never stored by a shared cache. Each answer carries a strong
// ETag of its content, for conditional requests; an entry bundle is
// gzip-compressed for a client that accepts it (its records are JSON text;
// hash tiles are random bytes and are not).
func (s *Files) ServeLogFile(w http.ResponseWriter, r *http.Request, path string, mayReadRecords func() error) error {
	f, err := parseLogPath(path)
	if err != nil {
		return err
	}
	if f.kind == bundleFile {
		if mayReadRecords == nil {
			return fmt.Errorf("ledger: %s holds records: %w", path, fs.ErrPermission)
		}
		if err := mayReadRecords(); err != nil {
			return err
		}
	}
	var b []byte
	switch f.kind {
	case checkpointFile:
		b, err = s.f.ReadCheckpoint(r.Context())
	case tileFile:
		b, err = s.f.ReadTile(r.Context(), f.level, f.index, f.width)
	case bundleFile:
		b, err = s.f.ReadEntryBundle(r.Context(), f.index, f.width)
	}
	if err != nil {
		return fmt.Errorf("ledger: reading %s: %w", path, err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	scope, age := "public", "max-age=60"
	if f.width == 0 {
		age = "max-age=31536000, immutable"
	}
	tag := fmt.Sprintf("%x", sha256.Sum256(b))
	switch f.kind {
	case checkpointFile:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		age = "no-cache"
	case bundleFile:
		scope = "private"
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			_, _ = zw.Write(b)
			if err := zw.Close(); err != nil {
				return fmt.Errorf("ledger: compressing %s: %w", path, err)
			}
			b, tag = z.Bytes(), tag+"-gzip"
			h.Set("Content-Encoding", "gzip")
		}
	}
	if age == "no-cache" {
		h.Set("Cache-Control", age)
	} else {
		h.Set("Cache-Control", scope+", "+age)
	}
	h.Set("ETag", `"`+tag+`"`)
	http.ServeContent(w, r, path, time.Time{}, bytes.NewReader(b))
	return nil
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip
// (RFC 9110 section 12.5.3): named, or by "*", with a weight above 0.
func acceptsGzip(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.ReplaceAll(strings.ToLower(params), " ", ""), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}

// logFile is a tlog-tiles resource: the checkpoint, a hash tile or an
// entry bundle.
type logFile struct {
	kind         fileKind
	level, index uint64 // the level of a tile, the index of a tile or bundle
	width        uint8  // the width of a partial tile or bundle; 0 when full
}

type fileKind int

const (
	checkpointFile fileKind = iota + 1
	tileFile
	bundleFile
)

// errNotLogFile is a path that names no tlog-tiles resource.
var errNotLogFile = fmt.Errorf("not a tlog-tiles path: %w", fs.ErrNotExist)

// parseLogPath reads a tlog-tiles path with tessera's parsers, and accepts
// it only in the form tessera's layout writes (no leading zeros in a level
// or width, index groups of three digits): one name for each resource.
func parseLogPath(p string) (logFile, error) {
	if p == layout.CheckpointPath {
		return logFile{kind: checkpointFile}, nil
	}
	bad := func() (logFile, error) { return logFile{}, fmt.Errorf("ledger: %q: %w", p, errNotLogFile) }
	if n, ok := strings.CutPrefix(p, "tile/entries/"); ok {
		index, width, err := layout.ParseTileIndexPartial(n)
		if err != nil || layout.EntriesPath(index, width) != p {
			return bad()
		}
		return logFile{kind: bundleFile, index: index, width: width}, nil
	}
	if rest, ok := strings.CutPrefix(p, "tile/"); ok {
		level, n, _ := strings.Cut(rest, "/")
		l, index, width, err := layout.ParseTileLevelIndexPartial(level, n)
		if err != nil || layout.TilePath(l, index, width) != p {
			return bad()
		}
		return logFile{kind: tileFile, level: l, index: index, width: width}, nil
	}
	return bad()
}
