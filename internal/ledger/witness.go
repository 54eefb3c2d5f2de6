package ledger

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	f_log "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// Witness is a C2SP tlog-witness for one log: it cosigns a checkpoint only
// when it is signed by the log's key and provably consistent with the last
// checkpoint it cosigned, which it keeps in a state file, persisted before
// it answers.
type Witness struct {
	mu        sync.Mutex
	stateFile string
	signer    note.Signer
	logKey    note.Verifier
	state     witnessState
	// Refused counts checkpoints refused as inconsistent (forks).
	Refused int
}

type witnessState struct {
	Origin     string `json:"origin"`
	Size       uint64 `json:"size"`
	Root       []byte `json:"root"`
	Checkpoint string `json:"checkpoint"`
}

// NewWitness loads (or starts) the witness state in stateFile. signer is
// the witness's cosignature signer; logKey the log operator's key, whose
// name is the log's origin.
func NewWitness(stateFile string, signer note.Signer, logKey note.Verifier) (*Witness, error) {
	w := &Witness{stateFile: stateFile, signer: signer, logKey: logKey, state: witnessState{Origin: logKey.Name()}}
	b, err := os.ReadFile(stateFile)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &w.state); err != nil {
			return nil, fmt.Errorf("witness state %s: %v", stateFile, err)
		}
		if w.state.Origin != logKey.Name() {
			return nil, fmt.Errorf("witness state %s is for log %q, not %q", stateFile, w.state.Origin, logKey.Name())
		}
	}
	return w, nil
}

// Size is the size of the last checkpoint the witness cosigned.
func (w *Witness) Size() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state.Size
}

// ServeHTTP answers POST /add-checkpoint (c2sp.org/tlog-witness).
func (w *Witness) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/add-checkpoint") {
		http.Error(rw, "POST /add-checkpoint", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		http.Error(rw, "cannot read the request", http.StatusBadRequest)
		return
	}
	status, resp := w.addCheckpoint(body)
	if status == http.StatusConflict {
		rw.Header().Set("Content-Type", "text/x.tlog.size")
	}
	rw.WriteHeader(status)
	_, _ = rw.Write(resp)
}

// addCheckpoint answers as c2sp.org/tlog-witness says, in its order: 404
// for a log it does not witness, 403 when no signature of the log's key
// verifies, 400 for an old size beyond the checkpoint's, 409 (with the
// size it holds) for an old size that is not the one it cosigned last or
// for its own size with another root, 422 for a consistency proof that
// does not verify (a proof from size 0 must be empty, and a checkpoint of
// size 0 must have the empty tree's root), then 200 with its cosignature,
// after the new checkpoint is persisted.
func (w *Witness) addCheckpoint(body []byte) (int, []byte) {
	old, proofHashes, cpRaw, err := parseAddCheckpoint(body)
	if err != nil {
		return http.StatusBadRequest, []byte(err.Error() + "\n")
	}
	if origin, _, _ := bytes.Cut(cpRaw, []byte("\n")); string(origin) != w.logKey.Name() {
		return http.StatusNotFound, []byte("unknown log: this witness witnesses " + w.logKey.Name() + "\n")
	}
	n, err := note.Open(cpRaw, note.VerifierList(w.logKey))
	if err != nil {
		return http.StatusForbidden, []byte("checkpoint not signed by the log's key\n")
	}
	var cp f_log.Checkpoint
	if rest, err := cp.Unmarshal([]byte(n.Text)); err != nil || len(rest) != 0 {
		return http.StatusBadRequest, []byte("malformed checkpoint\n")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	conflict := func() (int, []byte) { return http.StatusConflict, fmt.Appendf(nil, "%d\n", w.state.Size) }
	if old > cp.Size {
		return http.StatusBadRequest, []byte("old size is larger than the checkpoint's\n")
	}
	if old != w.state.Size {
		return conflict()
	}
	switch {
	case old == 0 && len(proofHashes) > 0:
		return http.StatusUnprocessableEntity, []byte("inconsistent: the proof from size 0 must be empty\n")
	case cp.Size == 0 && !bytes.Equal(cp.Hash, rfc6962.DefaultHasher.EmptyRoot()):
		w.Refused++
		return http.StatusUnprocessableEntity, []byte("inconsistent: a tree of size 0 has the empty tree's root\n")
	case old == cp.Size && old > 0 && !bytes.Equal(cp.Hash, w.state.Root):
		w.Refused++
		return conflict()
	case old > 0:
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, old, cp.Size, proofHashes, w.state.Root, cp.Hash); err != nil {
			w.Refused++
			return http.StatusUnprocessableEntity, []byte("inconsistent: " + err.Error() + "\n")
		}
	}
	next := witnessState{Origin: cp.Origin, Size: cp.Size, Root: cp.Hash, Checkpoint: string(cpRaw)}
	if err := writeFileAtomic(w.stateFile, mustJSON(next)); err != nil {
		return http.StatusInternalServerError, []byte("cannot persist the checkpoint\n")
	}
	w.state = next
	signed, err := note.Sign(&note.Note{Text: n.Text}, w.signer)
	if err != nil {
		return http.StatusInternalServerError, []byte("cannot sign\n")
	}
	_, sigs, _ := bytes.Cut(signed, []byte("\n\n"))
	return http.StatusOK, sigs
}

// parseAddCheckpoint reads "old N", proof lines, an empty line, then the
// checkpoint.
func parseAddCheckpoint(body []byte) (old uint64, proofHashes [][]byte, cp []byte, err error) {
	head, cp, found := bytes.Cut(body, []byte("\n\n"))
	if !found {
		return 0, nil, nil, fmt.Errorf("want old size, proof lines, an empty line and a checkpoint")
	}
	sc := bufio.NewScanner(bytes.NewReader(head))
	if !sc.Scan() {
		return 0, nil, nil, fmt.Errorf("missing old size")
	}
	oldStr, ok := strings.CutPrefix(sc.Text(), "old ")
	if !ok {
		return 0, nil, nil, fmt.Errorf("first line must be \"old <size>\"")
	}
	if old, err = strconv.ParseUint(oldStr, 10, 64); err != nil || (len(oldStr) > 1 && oldStr[0] == '0') {
		return 0, nil, nil, fmt.Errorf("bad old size")
	}
	for sc.Scan() {
		h, err := base64.StdEncoding.DecodeString(sc.Text())
		if err != nil || len(h) != 32 {
			return 0, nil, nil, fmt.Errorf("bad proof line")
		}
		proofHashes = append(proofHashes, h)
		if len(proofHashes) > 63 {
			return 0, nil, nil, fmt.Errorf("too many proof lines")
		}
	}
	return old, proofHashes, cp, nil
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// writeFileAtomic writes via a temporary file, fsyncs it, renames it into
// place and fsyncs the directory.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
