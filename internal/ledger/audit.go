package ledger

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	f_log "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
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
// genesis, every checkpoint it has seen (each audit must be consistent
// with all of them) and, in Verified, what the next audit needs to check
// only the entries added since.
type AuditState struct {
	Origin        string           `json:"origin"`
	GenesisSHA256 string           `json:"genesis_sha256"`
	Seen          []SeenCheckpoint `json:"seen"`
	Verified      *VerifiedTree    `json:"verified,omitempty"`
}

// SeenCheckpoint is a checkpoint an auditor verified.
type SeenCheckpoint struct {
	Size       uint64    `json:"size"`
	Root       []byte    `json:"root"`
	Checkpoint string    `json:"checkpoint"`
	SeenAt     time.Time `json:"seen_at"`
}

// VerifiedTree is the log as far as the last audit verified it, with what
// a later audit needs to continue from it: the tree's right edge, the key
// registry and the record ids. Its size and root are those of the last
// seen checkpoint, whose signature the next audit checks again; the edge
// must hash to that root, and the tree it continues must have the root of
// the new signed checkpoint, so a changed edge is found. The registry is
// kept as the log's own signed entries, replayed (signatures checked) and
// proved included in the new checkpoint's tree. SHA256 covers the rest, so
// that a damaged file leads to a full audit rather than to a wrong one.
type VerifiedTree struct {
	Size uint64 `json:"size"`
	Root []byte `json:"root"`
	// EdgeTiles holds, for each tile level, the hashes of its partial tile
	// at Size (the tile a client of Size reads), concatenated.
	EdgeTiles [][]byte `json:"edge_tiles"`
	// Registry holds the entries that changed the key registry: the
	// genesis record, key registrations and revocations, in log order.
	Registry []RegistryEntry `json:"registry"`
	// IDHashes holds the first 8 bytes of the SHA-256 of every record id,
	// sorted: a new record whose id hash is among them makes the audit a
	// full one, which names the record it repeats (or finds that none
	// does).
	IDHashes []byte         `json:"id_hashes"`
	Kinds    map[string]int `json:"records_by_kind"`
	SHA256   string         `json:"sha256"`
}

// RegistryEntry is an entry of the log that changed the key registry.
type RegistryEntry struct {
	Index uint64 `json:"index"`
	Entry []byte `json:"entry"`
}

func (v *VerifiedTree) sum() string {
	c := *v
	c.SHA256 = ""
	b, err := json.Marshal(&c)
	if err != nil {
		panic(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
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
	// reads. An incremental audit checks those of the tiles and bundles
	// that hold new entries.
	Files fs.FS
	// State holds the checkpoints seen before; the audit adds the current
	// one when everything holds. When it holds a verified tree, the audit
	// checks only the entries added since (unless Full).
	State *AuditState
	// Full checks every entry even when State would let the audit check
	// only the new ones; it refreshes State.
	Full bool
	// Progress is called as entries are checked.
	Progress func(done, total uint64)
	// Each, when set, is called in log order with every record that
	// verified, so that a reader computes only from audited records. The
	// audit's verdict is in AuditResult.Problem: a caller must discard
	// what it collected when there is one. An audit with Each is full.
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

// Audit modes (AuditResult.Mode).
const (
	AuditFull        = "full"
	AuditIncremental = "incremental"
)

// AuditResult reports an audit.
type AuditResult struct {
	Origin string `json:"origin"`
	Size   uint64 `json:"size"`
	Root   []byte `json:"root"`
	// Mode is "full" (every entry checked) or "incremental" (the entries
	// from FromSize on, the tree continued from the one the auditor
	// verified at FromSize).
	Mode     string `json:"mode"`
	FromSize uint64 `json:"from_size"`
	// EntriesChecked counts the entries whose record and leaf this audit
	// checked: Size - FromSize.
	EntriesChecked uint64 `json:"entries_checked"`
	// FullBecause says why an audit that could have been incremental was
	// full: the state's verified tree did not check out, or a new record's
	// id may repeat an earlier one.
	FullBecause string         `json:"full_because,omitempty"`
	Cosigners   []string       `json:"cosigners"`
	Kinds       map[string]int `json:"records_by_kind"`
	Keys        []record.Key   `json:"keys"`
	TilesCheck  int            `json:"tiles_checked"`
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

// Audit checks a log: the checkpoint's signatures under the trust the
// genesis record declares (pinned by the state after the first audit); the
// tree recomputed from the entries against the checkpoint's root; the
// tiles against the recomputed tree; every record's signature and rules
// against the key history replayed from the log; and consistency with
// every checkpoint seen before. An integrity failure is returned in
// AuditResult.Problem (the error is for I/O).
//
// When the state holds the tree an earlier audit verified, only what was
// added since is checked: the new checkpoint must extend that tree (its
// root recomputed from the saved right edge and the new entries), the new
// records verify against the saved key registry, and the tiles and bundles
// that hold new entries must match. Options.Full checks everything.
func Audit(ctx context.Context, f Fetcher, opt AuditOptions) (*AuditResult, error) {
	incremental := !opt.Full && opt.Each == nil && opt.State != nil && opt.State.Verified != nil
	res, fallback, err := audit(ctx, f, opt, incremental)
	if err != nil || fallback == "" {
		return res, err
	}
	res, _, err = audit(ctx, f, opt, false)
	if res != nil {
		res.FullBecause = fallback
	}
	return res, err
}

// audit runs one audit; an incremental one that cannot continue from the
// state returns why, and the caller runs a full one.
func audit(ctx context.Context, f Fetcher, opt AuditOptions, incremental bool) (*AuditResult, string, error) {
	res := &AuditResult{Kinds: map[string]int{}, Mode: AuditFull}
	cpRaw, err := f.ReadCheckpoint(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("reading the checkpoint: %w", err)
	}
	var claimed f_log.Checkpoint
	if _, err := claimed.Unmarshal(cpRaw); err != nil {
		res.Problem = &Problem{Where: "checkpoint", What: "malformed: " + err.Error()}
		return res, "", nil
	}
	res.Origin, res.Size = claimed.Origin, claimed.Size
	if claimed.Size == 0 {
		res.Problem = &Problem{Where: "checkpoint", What: "the log is empty: no genesis record"}
		return res, "", nil
	}

	// Entry 0 is the genesis record: it names the keys that sign checkpoints.
	genesisBundle, err := client.GetEntryBundle(ctx, f.ReadEntryBundle, 0, claimed.Size)
	if err != nil || len(genesisBundle.Entries) == 0 {
		res.Problem = problemAt(0, layout.EntriesPath(0, layout.PartialTileSize(0, 0, claimed.Size)), "cannot read the genesis record: %v", err)
		return res, "", nil
	}
	genesis := genesisBundle.Entries[0]
	g, gs, err := OpenGenesis(genesis)
	if err != nil {
		res.Problem = problemAt(0, "genesis record", "%v", err)
		return res, "", nil
	}
	gHash := gs.Hash()
	state := opt.State
	if state == nil {
		state = &AuditState{}
	}
	if state.GenesisSHA256 != "" && (state.GenesisSHA256 != gHash || state.Origin != claimed.Origin) {
		res.Problem = problemAt(0, "genesis record", "differs from the genesis this auditor pinned (%s of %s)", state.GenesisSHA256, state.Origin)
		return res, "", nil
	}
	trust, err := TrustFromGenesis(g)
	if err != nil {
		res.Problem = problemAt(0, "genesis record", "%v", err)
		return res, "", nil
	}
	cp, cosigners, err := trust.VerifyCheckpoint(cpRaw)
	if err != nil {
		res.Problem = &Problem{Where: "checkpoint", What: err.Error()}
		return res, "", nil
	}
	res.Cosigners, res.Root, res.PriorSeen = cosigners, cp.Hash, len(state.Seen)
	for _, s := range state.Seen {
		if s.Size > cp.Size {
			res.Problem = &Problem{Where: "checkpoint", What: fmt.Sprintf("the log shrank: size %d, but size %d was seen on %s", cp.Size, s.Size, s.SeenAt.Format(time.RFC3339)),
				Evidence: &Evidence{Earlier: s.Checkpoint, Later: string(cpRaw)}}
			return res, "", nil
		}
	}

	a := &auditor{ctx: ctx, f: f, opt: opt, res: res, cp: cp, cpRaw: cpRaw, state: state, trust: trust, reg: &record.Registry{}}
	if incremental {
		if why := a.resume(); why != "" {
			return nil, why, nil
		}
		res.Mode, res.FromSize = AuditIncremental, a.from
		if a.from == cp.Size && !bytes.Equal(a.verified.Root, cp.Hash) {
			res.Problem = a.rewritten(a.verifiedSeen)
			return res, "", nil
		}
	} else {
		// The genesis record founds the registry before the others are
		// checked against it.
		s, _, err := a.reg.Check(genesis, 0)
		if err == nil {
			err = a.reg.Apply(s, 0)
		}
		if err != nil {
			res.Problem = problemAt(0, "genesis record", "%v", err)
			return res, "", nil
		}
		a.tree, _ = newEdgeTree(0, nil)
		a.ids = map[string]uint64{}
		for _, s := range state.Seen {
			if a.wantRoots == nil {
				a.wantRoots = map[uint64][]byte{}
			}
			a.wantRoots[s.Size] = nil
		}
	}
	a.sizes = []uint64{cp.Size}
	for _, seen := range state.Seen {
		a.sizes = append(a.sizes, seen.Size)
	}
	if opt.Files != nil {
		a.listFiles()
	}
	if p, fallback, err := a.run(); err != nil || fallback != "" || p != nil {
		res.Problem = p
		return res, fallback, err
	}
	a.finishFiles()
	res.Stray, res.Unpublished, res.Superseded, res.TilesCheck = a.walked.stray, a.walked.unpublished, a.walked.superseded, a.checkedFiles
	res.EntriesChecked = cp.Size - a.from

	root := a.tree.root()
	if !bytes.Equal(root, cp.Hash) {
		if incremental && !a.extends() {
			res.Problem = a.rewritten(a.verifiedSeen)
			return res, "", nil
		}
		// Localise: the first entry whose leaf differs from the level-0 tiles.
		res.Problem = &Problem{Where: "entries", What: fmt.Sprintf("the tree recomputed from the entries has root %x, the signed checkpoint %x", root, cp.Hash)}
		if p := a.firstLeafMismatch; p != nil {
			p.What = "the entry does not match the log's leaf hash, so the recomputed root differs from the signed checkpoint"
			p.Where = layout.EntriesPath(*p.Index/layout.EntryBundleWidth, layout.PartialTileSize(0, *p.Index/layout.EntryBundleWidth, cp.Size))
			res.Problem = p
		}
		return res, "", nil
	}
	// Every tile a client of this size reads, and every tile and bundle
	// file in a local directory, must match the recomputed tree.
	if a.fileProblem != nil {
		res.Problem = a.fileProblem
		return res, "", nil
	}
	// Consistency with every checkpoint seen before (an incremental audit
	// has shown it with the last, which the earlier audits showed
	// consistent with those before it).
	if !incremental {
		for _, s := range state.Seen {
			if got := a.wantRoots[s.Size]; !bytes.Equal(got, s.Root) {
				res.Problem = a.rewritten(s)
				return res, "", nil
			}
		}
	} else if why := a.registryIncluded(); why != "" {
		return nil, why, nil
	}
	res.Keys = a.reg.Keys()
	maps.Copy(res.Kinds, a.kinds())
	state.Origin, state.GenesisSHA256 = cp.Origin, gHash
	if len(state.Seen) == 0 || state.Seen[len(state.Seen)-1].Size != cp.Size {
		state.Seen = append(state.Seen, SeenCheckpoint{Size: cp.Size, Root: cp.Hash, Checkpoint: string(cpRaw), SeenAt: time.Now().UTC()})
	}
	state.Verified = a.verifiedTree()
	return res, "", nil
}

// auditor is one audit's work.
type auditor struct {
	ctx   context.Context
	f     Fetcher
	opt   AuditOptions
	res   *AuditResult
	cp    *f_log.Checkpoint
	cpRaw []byte
	state *AuditState
	trust Trust

	// from is the first entry this audit checks (0 for a full audit).
	from         uint64
	verified     *VerifiedTree
	verifiedSeen SeenCheckpoint
	tree         *edgeTree
	reg          *record.Registry
	regEntries   []RegistryEntry
	// ids maps the record ids this audit checked to their index; oldIDs
	// are the sorted id hashes of the entries before from.
	ids    map[string]uint64
	oldIDs []uint64
	// newKinds counts the records this audit checked by kind.
	newKinds map[string]int
	// wantRoots are the sizes of the checkpoints seen before, with the
	// root of the tree at that size once the audit reached it.
	wantRoots map[uint64][]byte
	sizes     []uint64

	// files are the tile and bundle files of a directory still to check.
	files        map[fileKey][]fileRef
	walked       walked
	checkedFiles int
	// read are the files the audit has read through the fetcher: the walk
	// does not read them again.
	read map[string]bool
	// fileProblem is the first tile or bundle that disagrees with the
	// tree; firstLeafMismatch the first entry whose leaf differs from the
	// level-0 tiles. Both are reported once the root is known.
	fileProblem       *Problem
	firstLeafMismatch *Problem
}

type fileKey struct {
	bundle       bool
	level, index uint64
}

type fileRef struct {
	rel   string
	width uint64
}

// resume sets the audit up to continue from the state's verified tree, or
// says why it cannot.
func (a *auditor) resume() string {
	v := a.state.Verified
	if v.SHA256 != v.sum() {
		return "the verified tree in the audit state does not match its checksum"
	}
	if v.Size == 0 || v.Size > a.cp.Size {
		return fmt.Sprintf("the audit state's verified tree has size %d, the log %d", v.Size, a.cp.Size)
	}
	// The verified tree must be a checkpoint this auditor kept, and that
	// checkpoint must still verify.
	found := false
	for _, s := range a.state.Seen {
		if s.Size == v.Size && bytes.Equal(s.Root, v.Root) {
			a.verifiedSeen, found = s, true
		}
	}
	if !found {
		return "the audit state's verified tree is not one of the checkpoints it kept"
	}
	if seen, _, err := a.trust.VerifyCheckpoint([]byte(a.verifiedSeen.Checkpoint)); err != nil || seen.Size != v.Size || !bytes.Equal(seen.Hash, v.Root) {
		return "the checkpoint of the audit state's verified tree does not verify"
	}
	t, err := newEdgeTree(v.Size, v.EdgeTiles)
	if err != nil {
		return "the audit state's verified tree: " + err.Error()
	}
	if !bytes.Equal(t.root(), v.Root) {
		return "the audit state's tree edge does not hash to its root"
	}
	if len(v.IDHashes)%8 != 0 {
		return "the audit state's id hashes are malformed"
	}
	ids := make([]uint64, len(v.IDHashes)/8)
	for i := range ids {
		ids[i] = binary.BigEndian.Uint64(v.IDHashes[8*i:])
		if i > 0 && ids[i] < ids[i-1] {
			return "the audit state's id hashes are not sorted"
		}
	}
	for i, e := range v.Registry {
		if (i == 0) != (e.Index == 0) || (i > 0 && e.Index <= v.Registry[i-1].Index) || e.Index >= v.Size {
			return "the audit state's registry entries are out of order"
		}
		s, _, err := a.reg.Check(e.Entry, e.Index)
		if err == nil {
			err = a.reg.Apply(s, e.Index)
		}
		if err != nil {
			return fmt.Sprintf("the audit state's registry entry at index %d: %v", e.Index, err)
		}
	}
	if len(v.Registry) == 0 {
		return "the audit state has no registry"
	}
	a.verified, a.from, a.tree, a.oldIDs = v, v.Size, t, ids
	a.regEntries = slices.Clone(v.Registry)
	a.ids = map[string]uint64{}
	return ""
}

// extends reports whether the log's tiles prove the new checkpoint
// consistent with the verified tree.
func (a *auditor) extends() bool {
	pb, err := client.NewProofBuilder(a.ctx, a.cp.Size, a.f.ReadTile)
	if err != nil {
		return false
	}
	p, err := pb.ConsistencyProof(a.ctx, a.from, a.cp.Size)
	return err == nil && proof.VerifyConsistency(rfc6962.DefaultHasher, a.from, a.cp.Size, p, a.verified.Root, a.cp.Hash) == nil
}

// rewritten is the problem of a log whose tree no longer has the root of
// the checkpoint s seen before, with the evidence.
func (a *auditor) rewritten(s SeenCheckpoint) *Problem {
	ev := &Evidence{Earlier: s.Checkpoint, Later: string(a.cpRaw)}
	if pb, err := client.NewProofBuilder(a.ctx, a.cp.Size, a.f.ReadTile); err == nil && s.Size > 0 && s.Size < a.cp.Size {
		ev.Proof, _ = pb.ConsistencyProof(a.ctx, s.Size, a.cp.Size)
	}
	return &Problem{Where: "checkpoint", What: fmt.Sprintf("inconsistent with the checkpoint of size %d seen on %s: the log was rewritten", s.Size, s.SeenAt.Format(time.RFC3339)), Evidence: ev}
}

// registryIncluded checks that the registry entries the state carried are
// entries of the log (inclusion proofs in the new checkpoint's tree).
func (a *auditor) registryIncluded() string {
	pb, err := client.NewProofBuilder(a.ctx, a.cp.Size, a.f.ReadTile)
	if err != nil {
		return "cannot read the tiles to prove the audit state's registry entries: " + err.Error()
	}
	for _, e := range a.verified.Registry {
		p, err := pb.InclusionProof(a.ctx, e.Index)
		if err == nil {
			err = proof.VerifyInclusion(rfc6962.DefaultHasher, e.Index, a.cp.Size, rfc6962.DefaultHasher.HashLeaf(e.Entry), p, a.cp.Hash)
		}
		if err != nil {
			return fmt.Sprintf("the audit state's registry entry at index %d is not the log's: %v", e.Index, err)
		}
	}
	return ""
}

func (a *auditor) kinds() map[string]int {
	out := map[string]int{}
	if a.verified != nil {
		maps.Copy(out, a.verified.Kinds)
	}
	for k, n := range a.newKinds {
		out[k] += n
	}
	return out
}

// verifiedTree is the state the next audit continues from.
func (a *auditor) verifiedTree() *VerifiedTree {
	hashes := slices.Clone(a.oldIDs)
	for id := range a.ids {
		hashes = append(hashes, idHash(id))
	}
	slices.Sort(hashes)
	ids := make([]byte, 0, 8*len(hashes))
	for _, h := range hashes {
		ids = binary.BigEndian.AppendUint64(ids, h)
	}
	v := &VerifiedTree{Size: a.cp.Size, Root: a.cp.Hash, EdgeTiles: a.tree.tiles(), Registry: a.regEntries, IDHashes: ids, Kinds: a.kinds()}
	v.SHA256 = v.sum()
	return v
}

func idHash(id string) uint64 {
	h := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(h[:8])
}

type checkedEntry struct {
	leaf   []byte
	signed *record.Signed
	err    error
}

// bundleJob is an entry bundle read, and its entries checked on the
// worker goroutines.
type bundleJob struct {
	index   uint64
	where   string
	entries [][]byte
	problem *Problem
	checked []checkedEntry
	gen     uint64 // the registry generation the entries were checked with
	done    chan struct{}
}

type regSnapshot struct {
	reg *record.Registry
	gen uint64
}

// checkEntry checks one entry against reg (the genesis record, at index 0,
// against nothing: it names its own key).
func checkEntry(reg *record.Registry, e []byte, idx uint64) checkedEntry {
	if idx == 0 {
		reg = &record.Registry{}
	}
	s, _, err := reg.Check(e, idx)
	return checkedEntry{rfc6962.DefaultHasher.HashLeaf(e), s, err}
}

// checkParallel checks entries (the first at index first) against reg on
// every core. reg is only read.
func checkParallel(reg *record.Registry, entries [][]byte, first uint64) []checkedEntry {
	out := make([]checkedEntry, len(entries))
	workers := min(runtime.GOMAXPROCS(0), len(entries))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(entries); i += workers {
				out[i] = checkEntry(reg, entries[i], first+uint64(i))
			}
		})
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

// run reads the bundles from the one that holds entry from, checks their
// records on every core (a goroutine reads ahead, one a core checks whole
// bundles against a snapshot of the registry) and, in log order, applies
// them to the registry, adds their leaves to the tree and checks each tile
// as it fills. A record checked against a registry that a record before it
// then changed is checked again.
func (a *auditor) run() (*Problem, string, error) {
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	size := a.cp.Size
	workers := runtime.GOMAXPROCS(0)
	var snap atomic.Pointer[regSnapshot]
	snap.Store(&regSnapshot{reg: a.reg.Clone(), gen: 0})
	jobs := make(chan *bundleJob, workers)
	ordered := make(chan *bundleJob, 2*workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() {
		defer close(ordered)
		defer close(jobs)
		for b := a.from / layout.EntryBundleWidth; b*layout.EntryBundleWidth < size; b++ {
			job := a.readBundle(ctx, b)
			select {
			case ordered <- job:
			case <-ctx.Done():
				return
			}
			if job.problem != nil {
				close(job.done)
				return
			}
			select {
			case jobs <- job:
			case <-ctx.Done():
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			for job := range jobs {
				s := snap.Load()
				first := job.index * layout.EntryBundleWidth
				for j, e := range job.entries {
					if idx := first + uint64(j); idx >= a.from {
						job.checked[j] = checkEntry(s.reg, e, idx)
					} else {
						job.checked[j] = checkedEntry{leaf: rfc6962.DefaultHasher.HashLeaf(e)}
					}
				}
				job.gen = s.gen
				close(job.done)
			}
		})
	}

	gen := uint64(0)
	a.newKinds = map[string]int{}
	a.tree.onTile = a.checkTile
	for job := range ordered {
		<-job.done
		if job.problem != nil {
			return job.problem, "", nil
		}
		a.markRead(job.where)
		a.checkedFiles++
		first := job.index * layout.EntryBundleWidth
		for j, e := range job.entries {
			idx := first + uint64(j)
			if idx < a.from {
				// The part of the boundary bundle that the verified tree
				// holds must still be what it commits to.
				if old := a.tree.edge[0][j]; !bytes.Equal(old, job.checked[j].leaf) {
					a.noteFileProblem(problemAt(idx, job.where, "the entry differs from the one the audited tree commits to"))
				}
				continue
			}
			if job.gen != gen && idx != 0 {
				copy(job.checked[j:], checkParallel(snap.Load().reg, job.entries[j:], idx))
				job.gen = gen
			}
			c := job.checked[j]
			a.tree.add(c.leaf)
			if root, ok := a.wantRoots[idx+1]; ok && root == nil {
				a.wantRoots[idx+1] = a.tree.root()
			}
			if c.err != nil {
				return problemAt(idx, job.where, "record does not verify: %v", c.err), "", nil
			}
			id := c.signed.Record.ID
			if at, dup := a.ids[id]; dup {
				return problemAt(idx, job.where, "record id %q repeats the record at index %d", id, at), "", nil
			}
			if a.oldIDs != nil {
				if _, found := slices.BinarySearch(a.oldIDs, idHash(id)); found {
					return nil, fmt.Sprintf("the id %q of the record at index %d may repeat an earlier record's", id, idx), nil
				}
			}
			a.ids[id] = idx
			a.newKinds[string(c.signed.Record.Kind)]++
			if a.opt.Each != nil {
				a.opt.Each(idx, c.signed)
			}
			if k := c.signed.Record.Kind; k == record.Genesis || k == record.KeyRegistration || k == record.KeyRevocation {
				if idx != 0 { // the genesis record founded the registry already
					if err := a.reg.Apply(c.signed, idx); err != nil {
						return problemAt(idx, job.where, "%v", err), "", nil
					}
					gen++
					snap.Store(&regSnapshot{reg: a.reg.Clone(), gen: gen})
				}
				a.regEntries = append(a.regEntries, RegistryEntry{Index: idx, Entry: e})
			}
		}
		if a.opt.Progress != nil {
			a.opt.Progress(first+uint64(len(job.entries)), size)
		}
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
	}
	if err := a.ctx.Err(); err != nil {
		return nil, "", err
	}
	// The partial tile at the edge of each level.
	for l, nodes := range a.tree.edge {
		if len(nodes) > 0 {
			a.checkTile(uint64(l), a.tree.done[l], nodes)
		}
	}
	return nil, "", nil
}

// readBundle reads and parses entry bundle b of the checkpoint's tree.
func (a *auditor) readBundle(ctx context.Context, b uint64) *bundleJob {
	size := a.cp.Size
	first := b * layout.EntryBundleWidth
	p := layout.PartialTileSize(0, b, size)
	job := &bundleJob{index: b, where: layout.EntriesPath(b, p), done: make(chan struct{})}
	raw, err := a.f.ReadEntryBundle(ctx, b, p)
	if err != nil {
		job.problem = problemAt(first, job.where, "cannot read: %v", err)
		return job
	}
	var eb api.EntryBundle
	if err := eb.UnmarshalText(raw); err != nil {
		job.problem = problemAt(first, job.where, "malformed entry bundle: %v", err)
		return job
	}
	want := min(uint64(layout.EntryBundleWidth), size-first)
	if uint64(len(eb.Entries)) < want {
		job.problem = problemAt(first+uint64(len(eb.Entries)), job.where, "the bundle holds %d entries, the checkpoint needs %d", len(eb.Entries), want)
		return job
	}
	job.entries = eb.Entries[:want]
	job.checked = make([]checkedEntry, want)
	return job
}

func (a *auditor) markRead(rel string) {
	if a.files != nil {
		if a.read == nil {
			a.read = map[string]bool{}
		}
		a.read[rel] = true
	}
}

func (a *auditor) noteFileProblem(p *Problem) {
	if a.fileProblem == nil {
		a.fileProblem = p
	}
}

// checkTile checks the tile of the checkpoint's tree at level and index,
// whose nodes are known (all 256, or those of the partial tile at the
// edge), and the files of a directory that hold it.
func (a *auditor) checkTile(level, index uint64, nodes [][]byte) {
	w := uint64(len(nodes)) % layout.TileWidth
	got, err := a.f.ReadTile(a.ctx, level, index, uint8(w))
	a.checkedFiles++
	switch {
	case err != nil:
		a.noteFileProblem(tileProblem(level, index, w, 0, fmt.Sprintf("cannot read: %v", err)))
	default:
		a.markRead(layout.TilePath(level, index, uint8(w)))
		if node, bad := mismatch(got, bytes.Join(nodes, nil)); bad {
			p := tileProblem(level, index, w, node, "the tile does not match the tree recomputed from the entries")
			if level == 0 && a.firstLeafMismatch == nil {
				a.firstLeafMismatch = tileProblem(level, index, w, node, "")
			}
			a.noteFileProblem(p)
		}
	}
	if a.files != nil {
		a.checkFiles(fileKey{level: level, index: index}, nodes)
		if level == 0 {
			a.checkFiles(fileKey{bundle: true, index: index}, nodes)
		}
	}
}

// listFiles lists a directory's tile and bundle files, those that hold
// entries this audit checks: an incremental audit leaves the tiles and
// bundles before the verified tree's edge, which earlier audits checked.
func (a *auditor) listFiles() {
	a.files = map[fileKey][]fileRef{}
	err := fs.WalkDir(a.opt.Files, "tile", func(rel string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while the walk ran (a log being written)
		}
		if err != nil || d.IsDir() {
			return err
		}
		f, err := parseLogPath(rel)
		if err != nil {
			a.walked.stray = append(a.walked.stray, rel)
			return nil
		}
		k := fileKey{bundle: f.kind == bundleFile, level: f.level, index: f.index}
		if k.bundle {
			k.level = 0
		}
		if k.index < (a.from>>(k.level*layout.TileHeight))/layout.TileWidth {
			return nil
		}
		a.files[k] = append(a.files[k], fileRef{rel: rel, width: uint64(f.width)})
		return nil
	})
	if err != nil {
		a.noteFileProblem(&Problem{Where: "tile", What: err.Error()})
	}
}

// checkFiles checks the files of one tile or bundle against the nodes of
// the tree it holds (nil for one wholly beyond the tree).
func (a *auditor) checkFiles(k fileKey, nodes [][]byte) {
	refs := a.files[k]
	delete(a.files, k)
	for _, r := range refs {
		if a.read[r.rel] {
			continue
		}
		got, err := fs.ReadFile(a.opt.Files, r.rel)
		if errors.Is(err, fs.ErrNotExist) {
			continue // tessera replaced a partial tile or bundle meanwhile
		}
		if err != nil {
			a.noteFileProblem(&Problem{Where: r.rel, What: err.Error()})
			continue
		}
		a.checkedFiles++
		width := r.width
		if width == 0 {
			width = layout.TileWidth
		}
		within := width <= uint64(len(nodes))
		// superseded: a partial file wholly within the tree that disagrees
		// with it but that no verified checkpoint reads is listed, not a
		// problem (a reader of a checkpoint that read it would find the
		// fork through the consistency check with that checkpoint).
		var p *Problem
		if k.bundle {
			var beyond bool
			p, beyond = checkBundleFile(r.rel, got, k.index, r.width, nodes)
			if beyond && p == nil {
				a.walked.unpublished++
			}
		} else if within {
			if node, bad := mismatch(got, bytes.Join(nodes[:width], nil)); bad {
				p = tileProblem(k.level, k.index, r.width, node, "the tile does not match the tree recomputed from the entries")
			}
		} else {
			// The tile reaches beyond the audited tree: check the nodes
			// the tree has, and count the file as not yet published. The
			// part the checkpoint covers is final: a file that reaches
			// beyond it must agree there.
			a.walked.unpublished++
			if len(got) != tileBytes(r.width) {
				p = tileProblem(k.level, k.index, r.width, 0, fmt.Sprintf("the tile holds %d bytes, its name says %d", len(got), tileBytes(r.width)))
			} else if node, bad := mismatch(got[:32*len(nodes)], bytes.Join(nodes, nil)); bad {
				p = tileProblem(k.level, k.index, r.width, node, "the tile does not match the tree recomputed from the entries")
			}
		}
		if p != nil && within && r.width != 0 && !readBy(a.sizes, k.level, k.index, r.width) {
			a.walked.superseded = append(a.walked.superseded, r.rel)
			continue
		}
		if p != nil {
			a.noteFileProblem(p)
		}
	}
}

// finishFiles checks the files the tree did not reach: tiles and bundles
// beyond the checkpoint, or for the edge of a level whose partial tile is
// empty.
func (a *auditor) finishFiles() {
	keys := slices.SortedFunc(maps.Keys(a.files), func(x, y fileKey) int {
		if x.bundle != y.bundle {
			if x.bundle {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(x.level, y.level), cmp.Compare(x.index, y.index))
	})
	for _, k := range keys {
		a.checkFiles(k, nil)
	}
	slices.Sort(a.walked.stray)
	slices.Sort(a.walked.superseded)
}

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

// tileBytes is the size of a tile file of width (0: a full tile).
func tileBytes(width uint64) int {
	if width == 0 {
		width = layout.TileWidth
	}
	return int(width) * 32
}

// checkBundleFile checks the entries of a bundle file that the audited tree
// holds (their leaves are leaves); beyond reports that the bundle also
// holds entries past it.
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
		if j >= len(leaves) {
			return nil, true
		}
		if !bytes.Equal(rfc6962.DefaultHasher.HashLeaf(e), leaves[j]) {
			return problemAt(first+uint64(j), rel, "the entry differs from the one the signed tree commits to"), false
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
