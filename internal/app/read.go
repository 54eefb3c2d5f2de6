package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	f_log "github.com/transparency-dev/formats/log"
	tclient "github.com/transparency-dev/tessera/client"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
)

// AuditError is a log that does not pass its audit: nothing is computed
// from it.
type AuditError struct{ Err error }

func (e *AuditError) Error() string { return e.Err.Error() }
func (e *AuditError) Unwrap() error { return e.Err }

// ReadLog audits the published log at dir (every entry, signature and
// tile, as accord audit does) and gathers what its records give: facts,
// monitoring events and books (l.Err says whether a record could not be
// read into them). A log that fails the audit gives nothing but an
// *AuditError.
func ReadLog(ctx context.Context, dir string) (*evidence.Log, error) {
	if _, err := os.Stat(filepath.Join(dir, "checkpoint")); err != nil {
		return nil, fmt.Errorf("--log %s: no checkpoint file: not a published log", dir)
	}
	l := evidence.NewLog()
	reg := &record.Registry{}
	res, err := ledger.Audit(ctx, tclient.FileFetcher{Root: dir}, ledger.AuditOptions{Files: os.DirFS(dir), Each: func(i uint64, s *record.Signed) {
		role := record.RoleOperator
		if s.Record.Kind != record.Genesis {
			role = ""
			if k := reg.KeyFor(s.Signer); k != nil {
				role = k.Role
			}
		}
		_ = reg.Apply(s, i) // the audit has checked it applies
		l.Add(i, role, s.Record)
	}})
	if err != nil {
		return nil, err
	}
	if res.Problem != nil {
		return nil, &AuditError{fmt.Errorf("the log at %s does not pass the audit, so nothing is computed from it: %s", dir, res.Problem.Error())}
	}
	return l, nil
}

// LogFacts are the facts of the audited log in dir with the continuity of
// knowledge its monitoring events give (Log.Facts): what the server reads
// from its index. A record that cannot be read is an error, since figures
// left out would be taken for figures never reported.
func LogFacts(ctx context.Context, dir string) ([]state.Fact, error) {
	l, err := ReadLog(ctx, dir)
	if err == nil {
		err = l.Err()
	}
	if err != nil {
		return nil, err
	}
	return l.Facts(), nil
}

// ReadRecord reads the entry at index of the published log at dir as an
// auditor would: it replays the key registry up to the entry, checks the
// entry's signature, and builds and verifies its receipt against the
// published checkpoint. An entry or receipt that does not verify is an
// *AuditError.
func ReadRecord(ctx context.Context, dir string, index uint64) (*record.Signed, *ledger.Receipt, error) {
	f := tclient.FileFetcher{Root: dir}
	raw, err := f.ReadCheckpoint(ctx)
	if err != nil {
		return nil, nil, err
	}
	var cp f_log.Checkpoint
	if _, err := cp.Unmarshal(raw); err != nil {
		return nil, nil, fmt.Errorf("%s: malformed checkpoint", dir)
	}
	if index >= cp.Size {
		return nil, nil, fmt.Errorf("INDEX %d: the published log has %d entries", index, cp.Size)
	}
	reg := &record.Registry{}
	var entry []byte
	var signed *record.Signed
	for b := uint64(0); b <= index/256; b++ {
		eb, err := tclient.GetEntryBundle(ctx, f.ReadEntryBundle, b, cp.Size)
		if err != nil {
			return nil, nil, err
		}
		for j, e := range eb.Entries {
			i := b*256 + uint64(j)
			if i > index {
				break
			}
			s, _, err := reg.Check(e, i)
			if err != nil {
				return nil, nil, &AuditError{fmt.Errorf("entry %d does not verify (run accord audit): %v", i, err)}
			}
			if err := reg.Apply(s, i); err != nil {
				return nil, nil, err
			}
			entry, signed = e, s
		}
	}
	pb, err := tclient.NewProofBuilder(ctx, cp.Size, f.ReadTile)
	if err != nil {
		return nil, nil, err
	}
	proof, err := pb.InclusionProof(ctx, index)
	if err != nil {
		return nil, nil, err
	}
	r := &ledger.Receipt{Format: ledger.ReceiptFormat, Origin: cp.Origin, Index: index, Record: string(entry), InclusionProof: proof, Checkpoint: string(raw)}
	trust, err := ledger.TrustFromGenesis(reg.Genesis())
	if err != nil {
		return nil, nil, err
	}
	if _, err := r.Verify(trust); err != nil {
		return nil, nil, &AuditError{err}
	}
	return signed, r, nil
}

// MonitoringEvents are the monitoring events of the audited log in dir, or
// of the embedded public record when dir is "", with the name of their
// source.
func MonitoringEvents(ctx context.Context, dir string) (source string, events []accountancy.Event, err error) {
	if dir == "" {
		return "the public record (IAEA reports and press reports of them, listed on the Sources page)", evidence.PublicEvents(dataset.Embedded()), nil
	}
	l, err := ReadLog(ctx, dir)
	if err != nil {
		return "", nil, err
	}
	return "the monitoring events of the audited log " + dir, l.Events(), nil
}

// OpenRecord reads the sealed record at index of the published log in dir
// (checked as ReadRecord checks it) and opens it with id, the encryption
// key in the file idFile, which the error names when the record is not
// sealed to it.
func OpenRecord(ctx context.Context, dir string, index uint64, id *age.X25519Identity, idFile string) (sealed *record.Signed, inner *record.Record, err error) {
	sealed, _, err = ReadRecord(ctx, dir, index)
	if err != nil {
		return nil, nil, err
	}
	inner, err = record.OpenSealed(sealed.Record, id)
	if errors.Is(err, record.ErrNotRecipient) {
		return nil, nil, fmt.Errorf("index %d is sealed to %s: not to the key %s", index, strings.Join(record.SealedTo(sealed.Record), ", "), idFile)
	}
	return sealed, inner, err
}
