package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	tclient "github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

// NewLog is a log to create: its directory, origin (the operator key's
// name), the agreement it records, its members and witnesses.
type NewLog struct {
	Dir, Origin, Agreement string
	Operator               note.Signer
	// OperatorKey is the operator's public key; OperatorRecipient its
	// encryption key ("": none), which lets the server open the records
	// sealed to it.
	OperatorKey, OperatorRecipient string
	// Confidential are the kinds accepted only sealed (nil: the default,
	// record.DefaultConfidential).
	Confidential []record.Kind
	Members      []record.Member
	Witnesses    []record.WitnessEntry
	// Required is how many witnesses must cosign (nil: all).
	Required *int
}

// OperatorParty is the party of a log's operator in the logs Accord
// creates: a party of its own, so that what is sealed to the operator (the
// server checks every talks commitment) opens with the operator's keys
// alone, not with a member's of another role.
const OperatorParty = "operator"

// CreateLog signs the genesis record that names the members and witnesses,
// writes it as entry 0 of a new log, and waits up to five seconds for a
// checkpoint to publish it; published says whether one did. The operator
// is the party OperatorParty, which no member may share.
func CreateLog(ctx context.Context, n NewLog) (g record.GenesisBody, published bool, err error) {
	if n.Operator.Name() != n.Origin {
		return g, false, fmt.Errorf("--operator-key: the key is named %q but the origin is %q (make the operator key with accord keygen --name %s)", n.Operator.Name(), n.Origin, n.Origin)
	}
	for _, m := range n.Members {
		if m.Party == OperatorParty {
			return g, false, fmt.Errorf("--member %s: a member's key named %q would belong to the log operator's party and open every record sealed to the operator, every talks commitment among them (make the member's key with another name: accord keygen --name)", m.Role, OperatorParty)
		}
	}
	g = record.GenesisBody{Origin: n.Origin, Agreement: n.Agreement, Witnesses: n.Witnesses, Confidential: n.Confidential,
		Members: append([]record.Member{{Party: OperatorParty, Role: record.RoleOperator, Key: n.OperatorKey, Recipient: n.OperatorRecipient}}, n.Members...)}
	if g.Confidential == nil {
		g.Confidential = record.DefaultConfidential
	}
	g.WitnessesRequired = len(g.Witnesses)
	if n.Required != nil {
		g.WitnessesRequired = *n.Required
	}
	body, _ := json.Marshal(g)
	genesis, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: OperatorParty,
		Created: time.Now().UTC().Truncate(time.Second), Body: body}, n.Operator)
	if err != nil {
		return g, false, fmt.Errorf("genesis: %w", err)
	}
	l, err := ledger.Create(ctx, ledger.POSIX(n.Dir), ledger.Options{Operator: n.Operator}, genesis)
	if err != nil {
		return g, false, err
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, rerr := l.Receipt(rctx, 0)
	cancel()
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return g, rerr == nil, l.Close(cctx)
}

// AuditConfig says which log to audit and where the auditor keeps what it
// has seen.
type AuditConfig struct {
	// Log is a directory or an http(s) URL serving the log's files.
	Log string
	// StateFile keeps the checkpoints this auditor has seen ("": in the
	// user's configuration directory, by the log's origin).
	StateFile string
	// Progress, when set, is told how many entries are done.
	Progress func(done, total uint64)
	// Full checks every entry, even when the state lets the audit check
	// only those added since the last one.
	Full bool
	// EvidenceFile is where the evidence of a log that contradicts itself
	// or what was seen before is kept (indented JSON); "": not kept.
	EvidenceFile string
}

// Audit audits a log alone: every entry, tile, signature and key (or,
// after an earlier audit, those added since), and consistency with what
// the auditor saw before. It saves the auditor's state when the log
// passes, keeps the evidence of a failure in c.EvidenceFile, and returns
// the state file it used.
func Audit(ctx context.Context, c AuditConfig) (*ledger.AuditResult, string, error) {
	var f ledger.Fetcher
	opt := ledger.AuditOptions{Progress: c.Progress, Full: c.Full}
	if strings.HasPrefix(c.Log, "http://") || strings.HasPrefix(c.Log, "https://") {
		u, err := url.Parse(strings.TrimSuffix(c.Log, "/") + "/")
		if err != nil {
			return nil, "", err
		}
		hf, err := tclient.NewHTTPFetcher(u, &http.Client{Timeout: 30 * time.Second})
		if err != nil {
			return nil, "", err
		}
		f = hf
	} else {
		if _, err := os.Stat(filepath.Join(c.Log, "checkpoint")); err != nil {
			return nil, "", fmt.Errorf("--log %s: no checkpoint file: not a published log", c.Log)
		}
		f = tclient.FileFetcher{Root: c.Log}
		opt.Files = os.DirFS(c.Log)
	}
	raw, err := f.ReadCheckpoint(ctx)
	if err != nil {
		return nil, "", err
	}
	stateFile := c.StateFile
	if stateFile == "" {
		origin, _, _ := strings.Cut(string(raw), "\n")
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, "", fmt.Errorf("no user configuration directory; give --state FILE: %v", err)
		}
		stateFile = filepath.Join(dir, "accord", "audit", strings.NewReplacer("/", "_", ":", "_").Replace(origin)+".json")
	}
	state, err := ledger.LoadAuditState(stateFile)
	if err != nil {
		return nil, stateFile, err
	}
	opt.State = state
	res, err := ledger.Audit(ctx, f, opt)
	if err == nil && res.Problem != nil && res.Problem.Evidence != nil && c.EvidenceFile != "" {
		b, _ := json.MarshalIndent(res.Problem.Evidence, "", "  ")
		err = os.WriteFile(c.EvidenceFile, append(b, '\n'), 0o644)
	}
	if err != nil || res.Problem != nil {
		return res, stateFile, err
	}
	return res, stateFile, state.Save(stateFile)
}
