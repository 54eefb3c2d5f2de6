package ledger

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	f_log "github.com/transparency-dev/formats/log"
	f_note "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/record"
)

// ReceiptFormat identifies the receipt format.
const ReceiptFormat = "accord.receipt/v1"

// Receipt proves that a record is in the log: its index, the inclusion
// proof to a checkpoint, and the checkpoint signed by the operator and
// cosigned by the witnesses. Anyone holding it and the log's keys can
// verify it offline.
type Receipt struct {
	Format string `json:"format"`
	Origin string `json:"origin"`
	Index  uint64 `json:"index"`
	// Record is the signed record, byte for byte as logged.
	Record string `json:"record"`
	// InclusionProof is the RFC 6962 audit path, base64 in JSON.
	InclusionProof [][]byte `json:"inclusion_proof"`
	// Checkpoint is the signed, cosigned checkpoint the proof leads to.
	Checkpoint string `json:"checkpoint"`
}

// ErrNotPublished means the record is durably sequenced but no checkpoint
// covering it was published in time (typically, a required witness is
// down). The record is in the log; its receipt comes later.
var ErrNotPublished = errors.New("sequenced, but no published checkpoint covers it yet")

// publicationPoll is how often the published checkpoint is read while
// anyone waits for a receipt.
const publicationPoll = 20 * time.Millisecond

// Receipt waits until a published checkpoint covers index (bounded by ctx)
// and returns the receipt of the entry at index. The waits of all callers
// share one reader of the checkpoint.
func (l *Log) Receipt(ctx context.Context, index uint64) (*Receipt, error) {
	cp, size, err := l.published.await(ctx, index)
	if err != nil {
		return nil, fmt.Errorf("index %d: %w", index, err)
	}
	return l.receiptAt(ctx, index, cp, size)
}

func (l *Log) receiptAt(ctx context.Context, index uint64, cpRaw []byte, size uint64) (*Receipt, error) {
	entry, err := l.Entry(ctx, index)
	if err != nil {
		return nil, err
	}
	pb, err := client.NewProofBuilder(ctx, size, l.reader.ReadTile)
	if err != nil {
		return nil, err
	}
	p, err := pb.InclusionProof(ctx, index)
	if err != nil {
		return nil, err
	}
	return &Receipt{Format: ReceiptFormat, Origin: l.origin, Index: index, Record: string(entry), InclusionProof: p, Checkpoint: string(cpRaw)}, nil
}

// Submit appends a signed record and waits, up to timeout, for its
// receipt. When the record is stored but not yet published it returns the
// Sequenced position with an error wrapping ErrNotPublished.
func (l *Log) Submit(ctx context.Context, entry []byte, timeout time.Duration) (Sequenced, *Receipt, error) {
	seq, err := l.Append(ctx, entry)
	if err != nil {
		return seq, nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, err := l.Receipt(rctx, seq.Index)
	return seq, r, err
}

// Trust is what a verifier pins: the operator's key and the witnesses'
// keys with how many must cosign.
type Trust struct {
	Operator  note.Verifier
	Witnesses []note.Verifier
	Required  int
}

// TrustFromGenesis builds the trust a log's genesis record declares.
func TrustFromGenesis(g *record.GenesisBody) (Trust, error) {
	var t Trust
	for _, m := range g.Members {
		if m.Role == record.RoleOperator {
			v, err := note.NewVerifier(m.Key)
			if err != nil {
				return t, err
			}
			if v.Name() == g.Origin {
				t.Operator = v
			}
		}
	}
	if t.Operator == nil {
		return t, fmt.Errorf("genesis: no operator key named %q", g.Origin)
	}
	for _, w := range g.Witnesses {
		v, err := CosignatureVerifier(w.Key)
		if err != nil {
			return t, err
		}
		t.Witnesses = append(t.Witnesses, v)
	}
	t.Required = g.WitnessesRequired
	return t, nil
}

// CosignatureVerifier returns the verifier of a witness's cosignatures
// (c2sp.org/tlog-cosignature) for its public key, in either form (see
// CosignatureKey).
func CosignatureVerifier(vkey string) (note.Verifier, error) {
	return f_note.NewVerifierForCosignatureV1(vkey)
}

// CosignatureKey is a witness's verifier key in the form
// c2sp.org/tlog-cosignature names: signature type 0x04 (Ed25519
// cosignature/v1), with its key hash. A key already in that form is
// returned as it is; an Ed25519 note key (type 0x01, what keygen writes)
// is converted. Genesis records name witnesses by this form, which other
// witness tools and policies expect.
func CosignatureKey(vkey string) (string, error) {
	if _, err := note.NewVerifier(vkey); err != nil {
		if _, err2 := f_note.NewVerifierForCosignatureV1(vkey); err2 != nil {
			return "", fmt.Errorf("not an Ed25519 verifier key: %v", err)
		}
		return vkey, nil
	}
	return f_note.VKeyToCosignatureV1(vkey)
}

// VerifyCheckpoint checks the operator's signature and the witness
// cosignatures of a checkpoint; every signature by a known key must be
// valid, and at least Required witnesses must have cosigned. It returns the
// parsed checkpoint and the names of the witnesses that cosigned.
func (t Trust) VerifyCheckpoint(raw []byte) (*f_log.Checkpoint, []string, error) {
	verifiers := append([]note.Verifier{t.Operator}, t.Witnesses...)
	n, err := note.Open(raw, note.VerifierList(verifiers...))
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint signatures: %v", err)
	}
	operatorSigned := false
	var cosigners []string
	for _, s := range n.Sigs {
		// note.Open accepts base64 with stray padding bits; a checkpoint is
		// evidence, so its encoding must be the one canonical form too.
		if _, err := base64.StdEncoding.Strict().DecodeString(s.Base64); err != nil {
			return nil, nil, fmt.Errorf("checkpoint: signature of %s is not canonical base64", s.Name)
		}
		if s.Name == t.Operator.Name() && s.Hash == t.Operator.KeyHash() {
			operatorSigned = true
			continue
		}
		cosigners = append(cosigners, s.Name)
	}
	if !operatorSigned {
		return nil, nil, fmt.Errorf("checkpoint: not signed by the operator key %s", t.Operator.Name())
	}
	if len(cosigners) < t.Required {
		return nil, cosigners, fmt.Errorf("checkpoint: %d witness cosignatures, the policy needs %d", len(cosigners), t.Required)
	}
	var cp f_log.Checkpoint
	if rest, err := cp.Unmarshal([]byte(n.Text)); err != nil || len(rest) != 0 {
		return nil, nil, fmt.Errorf("checkpoint: malformed body")
	}
	if cp.Origin != t.Operator.Name() {
		return nil, nil, fmt.Errorf("checkpoint: origin %q is not the operator's %q", cp.Origin, t.Operator.Name())
	}
	return &cp, cosigners, nil
}

// Verify checks a receipt: the checkpoint's signatures under t, and the
// record's inclusion at its index. It does not check the record's own
// signature (the audit does, against the registry).
func (r *Receipt) Verify(t Trust) (*f_log.Checkpoint, error) {
	if r.Format != ReceiptFormat {
		return nil, fmt.Errorf("receipt: format %q, want %q", r.Format, ReceiptFormat)
	}
	cp, _, err := t.VerifyCheckpoint([]byte(r.Checkpoint))
	if err != nil {
		return nil, err
	}
	if r.Index >= cp.Size {
		return nil, fmt.Errorf("receipt: index %d is beyond the checkpoint's size %d", r.Index, cp.Size)
	}
	leaf := rfc6962.DefaultHasher.HashLeaf([]byte(r.Record))
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, r.Index, cp.Size, leaf, r.InclusionProof, cp.Hash); err != nil {
		return nil, fmt.Errorf("receipt: the record is not at index %d of the checkpoint's tree: %v", r.Index, err)
	}
	return cp, nil
}

// ParseReceipt reads a receipt from JSON.
func ParseReceipt(b []byte) (*Receipt, error) {
	var r Receipt
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("receipt: %v", err)
	}
	return &r, nil
}
