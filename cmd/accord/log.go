package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/progress"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/report"
)

func newLogCmd() *cobra.Command {
	return group("log", "Create an evidence log", "", newLogInitCmd())
}

func newLogInitCmd() *cobra.Command {
	var (
		dir, originName, operatorKey, agreementID string
		members, witnesses, confidential          []string
		required                                  int
	)
	cmd := &cobra.Command{
		Annotations: map[string]string{noEnv: "log"},
		Use:         "init --log DIR --origin ORIGIN --operator-key KEY --member ROLE:NAME.pub ...",
		Short:       "Start a log whose genesis record names the parties, their roles and keys, and the witnesses",
		Long: `log init writes the genesis record, signed by the operator, as entry 0 of a
new log in DIR. Each --member ROLE:FILE.pub registers a party's key with its
role (inspectorate, state, party, mediator, observer); the party's id is
the key's name, and the encryption key on the file's second line (keygen
writes it) is registered with it, so that records can be sealed to the
party. --confidential names the record kinds the log accepts only sealed
(default: talks_commitment): every member copies the log, so content only
some may read is kept in it encrypted to them. Each --witness FILE.pub=URL names a witness whose
cosignature checkpoints need; --witnesses-required says how many (default:
all). The operator key's name must be the origin; the operator is the party
"operator", which no member may share: what is sealed to the operator (every
talks commitment, which the server checks) opens with every key of its party.`,
		Example: `  accord log init --log evidence --origin accord.example/jcpoa \
    --operator-key keys/accord.example_jcpoa.key \
    --member inspectorate:keys/iaea.pub --member state:keys/iran.pub \
    --member party:keys/us.pub --member party:keys/e3.pub \
    --witness keys/witness-us.pub=http://127.0.0.1:7001 \
    --witness keys/witness-iran.pub=http://127.0.0.1:7002`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" || originName == "" || operatorKey == "" {
				return usageError{errors.New("--log, --origin and --operator-key are required")}
			}
			op, opPub, opRcpt, err := app.OperatorKeys(operatorKey)
			if err != nil {
				return err
			}
			n := app.NewLog{Dir: dir, Origin: originName, Agreement: agreementID, Operator: op, OperatorKey: opPub, OperatorRecipient: opRcpt}
			for _, k := range confidential {
				n.Confidential = append(n.Confidential, record.Kind(k))
			}
			for _, m := range members {
				role, file, ok := strings.Cut(m, ":")
				if !ok {
					return usageError{fmt.Errorf("--member %q: want ROLE:FILE.pub", m)}
				}
				member, err := app.Member(role, file)
				if err != nil {
					return fmt.Errorf("--member %s: %w", m, err)
				}
				n.Members = append(n.Members, member)
			}
			for _, w := range witnesses {
				file, u, _ := strings.Cut(w, "=")
				witness, err := app.Witness(file, u)
				if err != nil {
					return fmt.Errorf("--witness %s: %w", w, err)
				}
				n.Witnesses = append(n.Witnesses, witness)
			}
			if cmd.Flags().Changed("witnesses-required") {
				n.Required = &required
			}
			g, published, err := app.CreateLog(cmd.Context(), n)
			if err != nil {
				return err
			}
			if !published {
				fmt.Fprintln(cmd.OutOrStdout(), "entry 0 stored; no checkpoint published yet (are the witnesses running?)")
			}
			fmt.Fprintf(cmd.OutOrStdout(), "log %s created in %s: %d members, %d witnesses (%d required)\n", originName, dir, len(g.Members), len(g.Witnesses), g.WitnessesRequired)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dir, "log", "", "directory of the new log")
	alias(fl, "log", "dir")
	fl.StringVar(&originName, "origin", "", "the log's origin, e.g. accord.example/jcpoa (the operator key's name)")
	fl.StringVar(&operatorKey, "operator-key", "", "the operator's private key file")
	fl.StringArrayVar(&members, "member", nil, "ROLE:FILE.pub, a party's key and role (repeatable)")
	fl.StringArrayVar(&witnesses, "witness", nil, "FILE.pub=URL, a witness's key and address (repeatable)")
	fl.IntVar(&required, "witnesses-required", 0, "how many witnesses must cosign a checkpoint (default all)")
	fl.StringVar(&agreementID, "agreement", "jcpoa", "the agreement the log records")
	fl.StringSliceVar(&confidential, "confidential", record.Names(record.DefaultConfidential), "record kinds accepted only sealed to their recipients (repeatable)")
	return cmd
}

// exitCode is an error with a specific exit status.
type exitCode struct {
	code int
	err  error
}

func (e exitCode) Error() string { return e.err.Error() }
func (e exitCode) Unwrap() error { return e.err }

func newAuditCmd() *cobra.Command {
	var (
		logLoc, stateFile, evidenceFile string
		asJSON, full                    bool
	)
	cmd := &cobra.Command{
		Use:   "audit --log DIR|URL",
		Short: "Audit a log alone: every entry, tile, signature and key, and consistency with what you saw before",
		Long: `audit recomputes the Merkle tree from every entry and checks it against the
signed checkpoint and every tile; checks the checkpoint's operator
signature and witness cosignatures; checks every record's signature against
the key history replayed from the log; and checks consistency with every
checkpoint this auditor has seen before, kept in a state file (by default in
your user configuration directory). It needs only the log's files: a copy
of the directory, or its URL.

The state file also keeps what the audit verified: the tree's size, root
and right edge, the key history and the record ids. The next audit then
checks only what was added since: the new checkpoint must extend the tree
verified before (a log rewritten or forked since fails, with the
evidence), the new records are checked against the key history carried
over, and the tiles and bundles that hold new entries against the tree.
--full checks every entry again and refreshes the state; a state file that
does not check out is not trusted, and the audit is a full one.

Exit status: 0 when everything holds; 3 on any integrity failure, naming
the first bad index and what is wrong, with the evidence (both signed
checkpoints and the proof) written to the evidence file.`,
		Example: `  accord audit --log evidence
  accord audit --log evidence --full
  accord audit --log https://log.example/jcpoa/ --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if logLoc == "" {
				return usageError{errors.New("--log is required (a directory or a URL)")}
			}
			if evidenceFile == "" {
				evidenceFile = "accord-audit-evidence.json"
			}
			ac := app.AuditConfig{Log: logLoc, StateFile: stateFile, Full: full, EvidenceFile: evidenceFile}
			if counter := progress.NewCounter(cmd.ErrOrStderr(), "auditing", 0); counter != nil && !asJSON {
				ac.Progress = func(done, total uint64) { counter.SetTotal(int(total)); counter.Set(int(done)) }
				defer counter.Finish()
			}
			res, stateFile, err := app.Audit(cmd.Context(), ac)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if res.Problem != nil {
				if asJSON {
					_ = writeJSON(out, res)
				}
				msg := fmt.Sprintf("audit FAILED: %v", res.Problem)
				if res.Problem.Evidence != nil {
					msg += fmt.Sprintf("; evidence kept in %s", evidenceFile)
				}
				return exitCode{3, errors.New(msg)}
			}
			if asJSON {
				return writeJSON(out, res)
			}
			return report.TextAudit(out, report.AuditSummary{Origin: res.Origin, Size: res.Size, FromSize: res.FromSize, EntriesChecked: res.EntriesChecked, Root: res.Root,
				Incremental: res.Mode == ledger.AuditIncremental, FullBecause: res.FullBecause, Cosigners: res.Cosigners, Keys: len(res.Keys), TilesChecked: res.TilesCheck,
				PriorSeen: res.PriorSeen, Unpublished: res.Unpublished, Superseded: res.Superseded, Stray: res.Stray, StateFile: stateFile})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&logLoc, "log", "", "the log: a directory, or an http(s) URL serving its files")
	fl.StringVar(&stateFile, "state", "", "the auditor's state file (default: in the user configuration directory)")
	fl.StringVar(&evidenceFile, "evidence", "", "where to keep evidence of a failure (default accord-audit-evidence.json)")
	fl.BoolVar(&full, "full", false, "check every entry, not only those added since the last audit")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
