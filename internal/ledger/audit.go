package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	f_log "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/client"

	"github.com/accordverify/accord/internal/record"
)

// Fetcher reads a tlog-tiles log: client.FileFetcher for a directory,
// client.HTTPFetcher for a URL.
type Fetcher interface {
	ReadCheckpoint(ctx context.Context) ([]byte, error)
	ReadTile(ctx context.Context, l, i uint64, p uint8) ([]byte, error)
	ReadEntryBundle(ctx context.Context, i uint64, p uint8) ([]byte, error)
}

// AuditState is what an auditor remembers between audits: the log's
// genesis and every checkpoint it has seen. Each audit must be consistent
// with all of them.
type AuditState struct {
	Origin        string           `json:"origin"`
	GenesisSHA256 string           `json:"genesis_sha256"`
	Seen          []SeenCheckpoint `json:"seen"`
}

// SeenCheckpoint is a checkpoint an auditor verified.
type SeenCheckpoint struct {
	Size       uint64    `json:"size"`
	Root       []byte    `json:"root"`
	Checkpoint string    `json:"checkpoint"`
	SeenAt     time.Time `json:"seen_at"`
}

// LoadAuditState reads an audit state file; a missing file is an empty
// state.
func LoadAuditState(path string) (*AuditState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &AuditState{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s AuditState
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("audit state %s: %v", path, err)
	}
	return &s, nil
}

// Save writes the state atomically.
func (s *AuditState) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(path, mustJSON(s))
}

// AuditOptions configure an audit.
type AuditOptions struct {
	// Files, when the log's files are at hand (os.DirFS of the log
	// directory), also checks every tile and bundle file present (stale
	// partial tiles included), not only those a client of the current size
	// reads.
	Files fs.FS
	// State holds the checkpoints seen before; the audit adds the current
	// one when everything holds.
	State *AuditState
	// Progress is called as entries are checked.
	Progress func(done, total uint64)
	// Each, when set, is called in log order with every record that
	// verified, so that a reader computes only from audited records. The
	// audit's verdict is in AuditResult.Problem: a caller must discard
	// what it collected when there is one.
	Each func(index uint64, s *record.Signed)
}

// Problem is the first integrity failure an audit finds.
type Problem struct {
	// Index is the first bad entry index; nil when the failure is not tied
	// to one (a checkpoint signature, for instance).
	Index *uint64 `json:"index"`
	// Where is the file or object at fault.
	Where string `json:"where"`
	What  string `json:"what"`
	// Evidence keeps the signed checkpoints and proof that show it.
	Evidence *Evidence `json:"evidence,omitempty"`
}

func (p *Problem) Error() string {
	at := p.Where
	if p.Index != nil {
		at = fmt.Sprintf("index %d (%s)", *p.Index, p.Where)
	}
	return at + ": " + p.What
}

// Evidence of a log that contradicts itself or what was seen before.
type Evidence struct {
	Earlier string   `json:"earlier_checkpoint,omitempty"`
	Later   string   `json:"later_checkpoint,omitempty"`
	Proof   [][]byte `json:"consistency_proof,omitempty"`
}

// AuditResult reports an audit.
type AuditResult struct {
	Origin     string         `json:"origin"`
	Size       uint64         `json:"size"`
	Root       []byte         `json:"root"`
	Cosigners  []string       `json:"cosigners"`
	Kinds      map[string]int `json:"records_by_kind"`
	Keys       []record.Key   `json:"keys"`
	TilesCheck int            `json:"tiles_checked"`
	// Stray are files under tile/ whose names no tile or bundle has, such
	// as the temporary files tessera v1.0.4 leaves when a write fails (a
	// full disk): no reader ever reads them, so they prove nothing either
	// way; they are listed for the operator to remove.
	Stray []string `json:"stray_files,omitempty"`
	// Unpublished counts the tile and bundle files that reach beyond the
	// audited checkpoint: entries the log has integrated that no published
	// checkpoint commits to yet (a log being written, or one stopped
	// before its next checkpoint). The part of each that the checkpoint
	// covers is checked; the rest proves nothing until a checkpoint covers
	// it, and the next audit checks it then.
	Unpublished int `json:"unpublished_files,omitempty"`
	// Superseded are partial tile and bundle files that disagree with the
	// tree but that no checkpoint this auditor has verified reads:
	// tessera writes a partial file before the tree state that covers it,
	// so a crash can leave one for entries that were never published and
	// were sequenced again after the restart. No reader of a published
	// checkpoint reads them; they are listed, not taken for tampering (a
	// changed file that a verified checkpoint does read is).
	Superseded []string `json:"superseded_files,omitempty"`
	PriorSeen  int      `json:"checkpoints_seen_before"`
	Problem    *Problem `json:"problem"`
}

func problemAt(i uint64, where, format string, a ...any) *Problem {
	return &Problem{Index: &i, Where: where, What: fmt.Sprintf(format, a...)}
}

// Audit checks a whole log: the checkpoint's signatures under the trust the
// genesis record declares (pinned by the state after the first audit); the
// tree recomputed from every entry against the checkpoint's root; every
// tile against the recomputed tree; every record's signature and rules
// against the key history replayed from the log; and consistency with
// every checkpoint seen before. An integrity failure is returned in
// AuditResult.Problem (the error is for I/O).
func Audit(ctx context.Context, f Fetcher, opt AuditOptions) (*AuditResult, error) {
	res := &AuditResult{Kinds: map[string]int{}}
	cpRaw, err := f.ReadCheckpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the checkpoint: %w", err)
	}
	var claimed f_log.Checkpoint
	if _, err := claimed.Unmarshal(cpRaw); err != nil {
		res.Problem = &Problem{Where: "checkpoint", What: "malformed: " + err.Error()}
		return res, nil
	}
	res.Origin, res.Size = claimed.Origin, claimed.Size
	if claimed.Size == 0 {
		res.Problem = &Problem{Where: "checkpoint", What: "the log is empty: no genesis record"}
		return res, nil
	}

	// Entry 0 is the genesis record: it names the keys that sign checkpoints.
	reg := &record.Registry{}
	genesisBundle, err := client.GetEntryBundle(ctx, f.ReadEntryBundle, 0, claimed.Size)
	if err != nil || len(genesisBundle.Entries) == 0 {
		res.Problem = problemAt(0, layout.EntriesPath(0, layout.PartialTileSize(0, 0, claimed.Size)), "cannot read the genesis record: %v", err)
		return res, nil
	}
	genesis := genesisBundle.Entries[0]
	g, gs, err := OpenGenesis(genesis)
	if err != nil {
		res.Problem = problemAt(0, "genesis record", "%v", err)
		return res, nil
	}
	gHash := gs.Hash()
	state := opt.State
	if state == nil {
		state = &AuditState{}
	}
	if state.GenesisSHA256 != "" && (state.GenesisSHA256 != gHash || state.Origin != claimed.Origin) {
		res.Problem = problemAt(0, "genesis record", "differs from the genesis this auditor pinned (%s of %s)", state.GenesisSHA256, state.Origin)
		return res, nil
	}
	trust, err := TrustFromGenesis(g)
	if err != nil {
		res.Problem = problemAt(0, "genesis record", "%v", err)
		return res, nil
	}
	cp, cosigners, err := trust.VerifyCheckpoint(cpRaw)
	if err != nil {
		res.Problem = &Problem{Where: "checkpoint", What: err.Error()}
		return res, nil
	}
	res.Cosigners, res.Root, res.PriorSeen = cosigners, cp.Hash, len(state.Seen)
	for _, s := range state.Seen {
		if s.Size > cp.Size {
			res.Problem = &Problem{Where: "checkpoint", What: fmt.Sprintf("the log shrank: size %d, but size %d was seen on %s", cp.Size, s.Size, s.SeenAt.Format(time.RFC3339)),
				Evidence: &Evidence{Earlier: s.Checkpoint, Later: string(cpRaw)}}
			return res, nil
		}
	}

	// Recompute the tree from every entry, checking each record in order.
	leaves := make([][]byte, 0, cp.Size)
	tree := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	ids := map[string]uint64{}
	rootAt := map[uint64][]byte{}
	wantRoots := map[uint64]bool{}
	for _, s := range state.Seen {
		wantRoots[s.Size] = true
	}
	for b := uint64(0); b*layout.EntryBundleWidth < cp.Size; b++ {
		first := b * layout.EntryBundleWidth
		p := layout.PartialTileSize(0, b, cp.Size)
		where := layout.EntriesPath(b, p)
		raw, err := f.ReadEntryBundle(ctx, b, p)
		if err != nil {
			res.Problem = problemAt(first, where, "cannot read: %v", err)
			return res, nil
		}
		var eb api.EntryBundle
		if err := eb.UnmarshalText(raw); err != nil {
			res.Problem = problemAt(first, where, "malformed entry bundle: %v", err)
			return res, nil
		}
		want := min(uint64(layout.EntryBundleWidth), cp.Size-first)
		if uint64(len(eb.Entries)) < want {
			res.Problem = problemAt(first+uint64(len(eb.Entries)), where, "the bundle holds %d entries, the checkpoint needs %d", len(eb.Entries), want)
			return res, nil
		}
		err = replayBundle(reg, eb.Entries[:want], first, func(idx uint64, leaf []byte, s *record.Signed, err error) error {
			leaves = append(leaves, leaf)
			if err := tree.Append(leaf, nil); err != nil {
				return err
			}
			if wantRoots[idx+1] {
				root, rerr := tree.GetRootHash(nil)
				if rerr != nil {
					return rerr
				}
				rootAt[idx+1] = root
			}
			if err != nil {
				return problemAt(idx, where, "record does not verify: %v", err)
			}
			if at, dup := ids[s.Record.ID]; dup {
				return problemAt(idx, where, "record id %q repeats the record at index %d", s.Record.ID, at)
			}
			ids[s.Record.ID] = idx
			res.Kinds[string(s.Record.Kind)]++
			if opt.Each != nil {
				opt.Each(idx, s)
			}
			return nil
		})
		var bad *Problem
		if errors.As(err, &bad) {
			res.Problem = bad
			return res, nil
		}
		if err != nil {
			res.Problem = problemAt(first, where, "%v", err)
			return res, nil
		}
		if opt.Progress != nil {
			opt.Progress(first+want, cp.Size)
		}
	}
	root, err := tree.GetRootHash(nil)
	if err != nil {
		return nil, err
	}
	levels := treeLevels(leaves)
	if !bytes.Equal(root, cp.Hash) {
		// Localise: the first entry whose leaf differs from the level-0 tiles.
		res.Problem = &Problem{Where: "entries", What: fmt.Sprintf("the tree recomputed from the entries has root %x, the signed checkpoint %x", root, cp.Hash)}
		if p := firstTileMismatch(ctx, f, levels, cp.Size, 0); p != nil {
			p.What = "the entry does not match the log's leaf hash, so the recomputed root differs from the signed checkpoint"
			p.Where = layout.EntriesPath(*p.Index/layout.EntryBundleWidth, layout.PartialTileSize(0, *p.Index/layout.EntryBundleWidth, cp.Size))
			res.Problem = p
		}
		return res, nil
	}
	// Every tile a client of this size reads, and every tile and bundle
	// file in a local directory, must match the recomputed tree.
	sizes := []uint64{cp.Size}
	for _, seen := range state.Seen {
		sizes = append(sizes, seen.Size)
	}
	n, walk, p := checkTiles(ctx, f, levels, cp.Size, opt.Files, leaves, sizes)
	res.Stray, res.Unpublished, res.Superseded = walk.stray, walk.unpublished, walk.superseded
	res.TilesCheck = n
	if p != nil {
		res.Problem = p
		return res, nil
	}
	// Consistency with every checkpoint seen before.
	for _, s := range state.Seen {
		if got := rootAt[s.Size]; !bytes.Equal(got, s.Root) {
			ev := &Evidence{Earlier: s.Checkpoint, Later: string(cpRaw)}
			if pb, err := client.NewProofBuilder(ctx, cp.Size, f.ReadTile); err == nil && s.Size > 0 {
				ev.Proof, _ = pb.ConsistencyProof(ctx, s.Size, cp.Size)
			}
			res.Problem = &Problem{Where: "checkpoint", What: fmt.Sprintf("inconsistent with the checkpoint of size %d seen on %s: the log was rewritten", s.Size, s.SeenAt.Format(time.RFC3339)), Evidence: ev}
			return res, nil
		}
	}
	res.Keys = reg.Keys()
	state.Origin, state.GenesisSHA256 = cp.Origin, gHash
	if len(state.Seen) == 0 || state.Seen[len(state.Seen)-1].Size != cp.Size {
		state.Seen = append(state.Seen, SeenCheckpoint{Size: cp.Size, Root: cp.Hash, Checkpoint: string(cpRaw), SeenAt: time.Now().UTC()})
	}
	return res, nil
}

type checkedEntry struct {
	leaf   []byte
	signed *record.Signed
	err    error
}

// checkParallel checks entries (the first at index first) against reg on
// every core. reg is only read.
func checkParallel(reg *record.Registry, entries [][]byte, first uint64) []checkedEntry {
	out := make([]checkedEntry, len(entries))
	workers := min(runtime.GOMAXPROCS(0), len(entries))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(entries); i += workers {
				s, _, err := reg.Check(entries[i], first+uint64(i))
				out[i] = checkedEntry{rfc6962.DefaultHasher.HashLeaf(entries[i]), s, err}
			}
		}()
	}
	wg.Wait()
	return out
}

// replayBundle checks consecutive entries (the first at index first)
// against the key registry, on every core, and calls each, in log order,
// with the entry's leaf hash and its record (or why it does not verify).
// Unless each returns an error, an accepted record is then applied to the
// registry; after one that changes it (the genesis record, a key
// registration or revocation) the rest are checked again.
func replayBundle(reg *record.Registry, entries [][]byte, first uint64, each func(idx uint64, leaf []byte, s *record.Signed, err error) error) error {
	checked := checkParallel(reg, entries, first)
	for j := range entries {
		idx := first + uint64(j)
		c := checked[j]
		if err := each(idx, c.leaf, c.signed, c.err); err != nil {
			return err
		}
		if c.err != nil {
			continue
		}
		if err := reg.Apply(c.signed, idx); err != nil {
			return err
		}
		if k := c.signed.Record.Kind; k == record.Genesis || k == record.KeyRegistration || k == record.KeyRevocation {
			copy(checked[j+1:], checkParallel(reg, entries[j+1:], idx+1))
		}
	}
	return nil
}

// treeLevels returns the complete-subtree node hashes of the tree over
// leaves: levels[h][i] covers leaves [i*2^h, (i+1)*2^h).
func treeLevels(leaves [][]byte) [][][]byte {
	levels := [][][]byte{leaves}
	for cur := leaves; len(cur) > 1; {
		next := make([][]byte, len(cur)/2)
		for i := range next {
			next[i] = rfc6962.DefaultHasher.HashChildren(cur[2*i], cur[2*i+1])
		}
		levels = append(levels, next)
		cur = next
	}
	return levels
}

// expectedTile returns the content a tile (tile level, index, partial
// width; 0 for full) must have.
func expectedTile(levels [][][]byte, level, index uint64, width uint64) ([]byte, bool) {
	h := level * layout.TileHeight
	if h >= uint64(len(levels)) {
		return nil, false
	}
	nodes := levels[h]
	if width == 0 {
		width = layout.TileWidth
	}
	first := index * layout.TileWidth
	if first+width > uint64(len(nodes)) {
		return nil, false
	}
	var b bytes.Buffer
	for _, n := range nodes[first : first+width] {
		b.Write(n)
	}
	return b.Bytes(), true
}

// mismatch compares tile content and returns the first differing node.
func mismatch(got, want []byte) (int, bool) {
	for i := 0; i*32 < len(want); i++ {
		if i*32+32 > len(got) || !bytes.Equal(got[i*32:i*32+32], want[i*32:i*32+32]) {
			return i, true
		}
	}
	return 0, len(got) != len(want)
}

func tileProblem(level, index, width uint64, node int, what string) *Problem {
	first := (index*layout.TileWidth + uint64(node)) << (level * layout.TileHeight)
	return problemAt(first, layout.TilePath(level, index, uint8(width)), "%s", what)
}

// firstTileMismatch compares the level-0 tiles with the recomputed leaves.
func firstTileMismatch(ctx context.Context, f Fetcher, levels [][][]byte, size uint64, level uint64) *Problem {
	for i := uint64(0); i*layout.TileWidth < size; i++ {
		w := uint64(layout.PartialTileSize(level, i, size))
		got, err := f.ReadTile(ctx, level, i, uint8(w))
		if err != nil {
			continue
		}
		want, ok := expectedTile(levels, level, i, w)
		if !ok {
			continue
		}
		if node, bad := mismatch(got, want); bad {
			return tileProblem(level, i, w, node, "")
		}
	}
	return nil
}

// checkTiles checks the tiles a client of size reads and, for a
// directory, every tile and bundle file present.
// walked is what the walk of a directory's files found besides problems.
type walked struct {
	stray, superseded []string
	unpublished       int
}

// readBy reports whether a client of one of sizes reads the partial file
// of width at level and index (level 0's bundles and tiles alike).
func readBy(sizes []uint64, level, index, width uint64) bool {
	for _, s := range sizes {
		nodes := s >> (level * layout.TileHeight)
		if nodes/layout.TileWidth == index && nodes%layout.TileWidth == width {
			return true
		}
	}
	return false
}

func checkTiles(ctx context.Context, f Fetcher, levels [][][]byte, size uint64, files fs.FS, leaves [][]byte, sizes []uint64) (int, walked, *Problem) {
	n := 0
	for level := uint64(0); level*layout.TileHeight < uint64(len(levels)); level++ {
		nodes := uint64(len(levels[level*layout.TileHeight]))
		for i := uint64(0); i*layout.TileWidth < nodes; i++ {
			w := min(nodes-i*layout.TileWidth, layout.TileWidth)
			if w == layout.TileWidth {
				w = 0
			}
			got, err := f.ReadTile(ctx, level, i, uint8(w))
			if err != nil {
				return n, walked{}, tileProblem(level, i, w, 0, fmt.Sprintf("cannot read: %v", err))
			}
			want, _ := expectedTile(levels, level, i, w)
			if node, bad := mismatch(got, want); bad {
				return n, walked{}, tileProblem(level, i, w, node, "the tile does not match the tree recomputed from the entries")
			}
			n++
		}
	}
	if files == nil {
		return n, walked{}, nil
	}
	var (
		problem *Problem
		w       walked
	)
	// superseded: a partial file wholly within the tree that disagrees
	// with it but that no verified checkpoint reads is listed, not a
	// problem (a reader of a checkpoint that read it would find the fork
	// through the consistency check with that checkpoint).
	superseded := func(rel string, p *Problem, level, index, width uint64) *Problem {
		if p != nil && width != 0 && !readBy(sizes, level, index, width) {
			w.superseded = append(w.superseded, rel)
			return nil
		}
		return p
	}
	err := fs.WalkDir(files, "tile", func(rel string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while the walk ran (a log being written)
		}
		if err != nil || d.IsDir() || problem != nil {
			return err
		}
		f, err := parseLogPath(rel)
		if err != nil {
			w.stray = append(w.stray, rel)
			return nil
		}
		level, index, width := f.level, f.index, uint64(f.width)
		got, err := fs.ReadFile(files, rel)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // tessera replaced a partial tile or bundle meanwhile
		}
		if err != nil {
			return err
		}
		n++
		if f.kind == bundleFile {
			p, beyond := checkBundleFile(rel, got, index, width, leaves)
			if beyond && p == nil {
				w.unpublished++
			}
			if n := width; n != 0 && index*layout.EntryBundleWidth+n <= size {
				p = superseded(rel, p, 0, index, width) // wholly within the tree
			}
			problem = p
			return nil
		}
		if want, covered := expectedTile(levels, level, index, width); covered {
			if node, bad := mismatch(got, want); bad {
				problem = superseded(rel, tileProblem(level, index, width, node, "the tile does not match the tree recomputed from the entries"), level, index, width)
			}
			return nil
		}
		// The tile reaches beyond the audited tree: check the nodes the
		// tree has, and count the file as not yet published.
		w.unpublished++
		have := coveredNodes(levels, level, index, width)
		if len(got) != tileBytes(width) {
			problem = tileProblem(level, index, width, 0, fmt.Sprintf("the tile holds %d bytes, its name says %d", len(got), tileBytes(width)))
		} else if node, bad := mismatch(got[:len(have)], have); bad {
			// The part the checkpoint covers is final: a file that reaches
			// beyond it must agree there.
			problem = tileProblem(level, index, width, node, "the tile does not match the tree recomputed from the entries")
		}
		return nil
	})
	if err != nil {
		return n, w, &Problem{Where: "tile", What: err.Error()}
	}
	return n, w, problem
}

// coveredNodes is the part of a tile that a tree of the audited size
// already has: the nodes of the tile's level that lie within the tree.
func coveredNodes(levels [][][]byte, level, index, width uint64) []byte {
	h := level * layout.TileHeight
	if h >= uint64(len(levels)) {
		return nil
	}
	nodes := levels[h]
	first := index * layout.TileWidth
	if first >= uint64(len(nodes)) {
		return nil
	}
	if width == 0 {
		width = layout.TileWidth
	}
	var b bytes.Buffer
	for _, n := range nodes[first:min(first+width, uint64(len(nodes)))] {
		b.Write(n)
	}
	return b.Bytes()
}

// tileBytes is the size of a tile file of width (0: a full tile).
func tileBytes(width uint64) int {
	if width == 0 {
		width = layout.TileWidth
	}
	return int(width) * 32
}

// checkBundleFile checks the entries of a bundle file that the audited tree
// holds; beyond reports that the bundle also holds entries past it.
func checkBundleFile(rel string, raw []byte, index, width uint64, leaves [][]byte) (problem *Problem, beyond bool) {
	first := index * layout.EntryBundleWidth
	var eb api.EntryBundle
	if err := eb.UnmarshalText(raw); err != nil {
		return problemAt(first, rel, "malformed entry bundle: %v", err), false
	}
	want := width
	if want == 0 {
		want = layout.EntryBundleWidth
	}
	if uint64(len(eb.Entries)) != want {
		return problemAt(first, rel, "the bundle holds %d entries, its name says %d", len(eb.Entries), want), false
	}
	for j, e := range eb.Entries {
		idx := first + uint64(j)
		if idx >= uint64(len(leaves)) {
			return nil, true
		}
		if !bytes.Equal(rfc6962.DefaultHasher.HashLeaf(e), leaves[idx]) {
			return problemAt(idx, rel, "the entry differs from the one the signed tree commits to"), false
		}
	}
	return nil, false
}

// FSFetcher reads a log's files from a file system (os.DirFS of the log
// directory, or an in-memory copy).
type FSFetcher struct{ FS fs.FS }

// ReadCheckpoint reads the checkpoint file.
func (f FSFetcher) ReadCheckpoint(context.Context) ([]byte, error) {
	return fs.ReadFile(f.FS, layout.CheckpointPath)
}

// ReadTile reads a tile, falling back from a partial tile to the full one.
func (f FSFetcher) ReadTile(_ context.Context, l, i uint64, p uint8) ([]byte, error) {
	b, err := fs.ReadFile(f.FS, layout.TilePath(l, i, p))
	if errors.Is(err, fs.ErrNotExist) && p != 0 {
		b, err = fs.ReadFile(f.FS, layout.TilePath(l, i, 0))
		if err == nil && len(b) > int(p)*32 {
			b = b[:int(p)*32]
		}
	}
	return b, err
}

// ReadEntryBundle reads an entry bundle, falling back from a partial
// bundle to the full one.
func (f FSFetcher) ReadEntryBundle(_ context.Context, i uint64, p uint8) ([]byte, error) {
	b, err := fs.ReadFile(f.FS, layout.EntriesPath(i, p))
	if errors.Is(err, fs.ErrNotExist) && p != 0 {
		b, err = fs.ReadFile(f.FS, layout.EntriesPath(i, 0))
	}
	return b, err
}
