package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/report"
)

func newRecordCmd() *cobra.Command {
	return group("record", "Sign, submit, show and open evidence records",
		`Records are JSON documents of a known kind (`+strings.Join(record.KindNames(), ", ")+`),
signed by their author's key. docs/formats.md gives each kind's fields.`,
		newRecordSignCmd(), newRecordSubmitCmd(), newRecordShowCmd(), newRecordOpenCmd())
}

func newRecordSignCmd() *cobra.Command {
	var keyFile string
	cmd := &cobra.Command{
		Use:   "sign --key KEY FILE",
		Short: "Validate a record and print it signed with the author's key",
		Example: `  accord record sign --key keys/iaea.key finding.json > finding.signed
  accord record sign --key keys/iran.key - < declaration.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return usageError{errors.New("--key is required")}
			}
			signer, _, err := keyfile.LoadSigner(keyFile)
			if err != nil {
				return err
			}
			data, err := app.ReadInput(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			r, err := record.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			signed, err := record.Sign(r, signer)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			_, err = cmd.OutOrStdout().Write(signed)
			return err
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the author's private key file")
	return cmd
}

func newRecordSubmitCmd() *cobra.Command {
	var (
		logDir, operatorKey, serverURL, db string
		witnessURLs                        []string
		wait                               time.Duration
		asJSON                             bool
	)
	cmd := &cobra.Command{
		Use:   "submit (--log DIR --operator-key KEY | --server URL) FILE...",
		Short: "Append signed records to a log and write each one's receipt",
		Long: `submit opens the log as its writer (with the operator's key), checks each
signed record against the key registry and its rules, rejects duplicates,
appends it, indexes it, and waits for a published checkpoint to write its
receipt to FILE.receipt.json. A rejected record changes nothing. When the witnesses do
not cosign in time, the record is stored and its receipt comes later
(accord record show --log DIR INDEX).`,
		Example: `  accord record submit --log evidence --operator-key keys/accord.example_jcpoa.key finding.signed
  accord record submit --server http://127.0.0.1:8080 finding.signed`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if serverURL != "" {
				c := client.New(serverURL)
				return submitFiles(cmd, args, false, func(data []byte) (app.Submission, error) {
					out, err := c.Submit(cmd.Context(), data)
					// A refusal (4xx) stored nothing; a record the server
					// could not acknowledge (5xx) may be in the log.
					var ae *client.APIError
					if errors.As(err, &ae) && ae.Status < 500 {
						return app.Submission{}, app.Rejected{Err: fmt.Errorf("%s: %s", ae.Code, ae.Message)}
					}
					return app.Submission{Submitted: out, Pending: "its receipt comes once the witnesses cosign"}, err
				})
			}
			if logDir == "" || operatorKey == "" {
				return usageError{errors.New("give --server URL, or --log and --operator-key")}
			}
			ctx := cmd.Context()
			lf := logFlags{dir: logDir, operatorKey: operatorKey, db: db, witnessURLs: witnessURLs}
			a, err := lf.open(ctx, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer a.Close()
			return submitFiles(cmd, args, asJSON, func(data []byte) (app.Submission, error) { return a.SubmitWaiting(ctx, data, wait) })
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&logDir, "log", "", "the log directory")
	fl.StringVar(&operatorKey, "operator-key", "", "the operator's private key file")
	fl.StringVar(&serverURL, "server", "", "submit to a running accord server instead of a local log")
	fl.StringVar(&db, "db", os.Getenv("ACCORD_DB"), "the log's index (default DIR.index.db beside the log) [$ACCORD_DB]")
	fl.StringArrayVar(&witnessURLs, "witness-url", nil, "NAME=URL overriding a witness address of the genesis record")
	fl.DurationVar(&wait, "wait", 5*time.Second, "how long to wait for a published checkpoint")
	fl.BoolVar(&asJSON, "json", false, "print the receipts as JSON")
	return cmd
}

func newRecordShowCmd() *cobra.Command {
	var (
		logDir string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "show --log DIR INDEX",
		Short: "Show a record with its signer, and its receipt against the latest checkpoint",
		Example: `  accord record show --log evidence 12
  accord record show --log evidence 12 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if logDir == "" {
				return usageError{errors.New("--log is required")}
			}
			index, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("INDEX: want a log index, got %q", args[0])}
			}
			signed, r, err := app.ReadRecord(cmd.Context(), logDir, index)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), struct {
					Record  *record.Record  `json:"record"`
					Signer  string          `json:"signer"`
					Receipt *ledger.Receipt `json:"receipt"`
				}{signed.Record, signed.Signer.Name, r})
			}
			return report.TextRecord(cmd.OutOrStdout(), index, signed, r.Origin, r.Checkpoint, len(r.InclusionProof))
		},
	}
	cmd.Flags().StringVar(&logDir, "log", "", "the log directory")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the record and its receipt)")
	return cmd
}

func newReceiptCmd() *cobra.Command {
	return group("receipt", "Verify receipts offline", "", newReceiptVerifyCmd())
}

func newReceiptVerifyCmd() *cobra.Command {
	var logDir, operatorKey string
	var witnessKeys []string
	var required int
	var asJSON bool
	verify := &cobra.Command{
		// --operator-key is a public key here: the server's variable,
		// which names the private one, does not apply.
		Annotations: map[string]string{noEnv: "operator-key"},
		Use:         "verify FILE [--log DIR | --operator-key OPERATOR.pub --witness-key W.pub ...]",
		Short:       "Check a receipt: the checkpoint's signatures and the record's inclusion",
		Long: `receipt verify checks, offline, that the receipt's checkpoint is signed by the
log operator and cosigned by enough witnesses, and that the record is in
the checkpoint's tree at the receipt's index. The keys come from the log's
genesis record (--log DIR) or are given (--operator-key, --witness-key,
--witnesses-required). Exit status 3 when the receipt does not verify.`,
		Example: `  accord receipt verify finding.signed.receipt.json --log evidence`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := app.ReadReceipt(args[0])
			if err != nil {
				return err
			}
			keys := app.TrustKeys{Log: logDir, Operator: operatorKey, Witnesses: witnessKeys}
			if cmd.Flags().Changed("witnesses-required") {
				keys.Required = &required
			}
			trust, err := app.Trust(cmd.Context(), keys)
			if errors.Is(err, app.ErrNoTrust) {
				return usageError{errors.New("give --log DIR, or --operator-key with the --witness-key files")}
			} else if err != nil {
				return err
			}
			cp, err := r.Verify(trust)
			if err != nil {
				err = fmt.Errorf("%s: receipt does NOT verify: %v", args[0], err)
				if asJSON {
					_ = writeJSON(cmd.OutOrStdout(), report.ReceiptCheck{Index: r.Index, Error: err.Error()})
				}
				return exitCode{3, err}
			}
			check := report.ReceiptCheck{OK: true, Index: r.Index, Origin: cp.Origin, Size: cp.Size, Root: fmt.Sprintf("%x", cp.Hash)}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), check)
			}
			return report.TextReceiptCheck(cmd.OutOrStdout(), check)
		},
	}
	verify.Flags().StringVar(&logDir, "log", "", "take the keys from this log's genesis record")
	verify.Flags().StringVar(&operatorKey, "operator-key", "", "the operator's public key file")
	verify.Flags().StringArrayVar(&witnessKeys, "witness-key", nil, "a witness's public key file (repeatable)")
	verify.Flags().IntVar(&required, "witnesses-required", 0, "how many witnesses must have cosigned (default all given)")
	verify.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (also when it does not verify)")
	return verify
}

// submitFiles submits each signed record file with submit (app.SubmitFile
// keeps each receipt beside its file, FILE.receipt.json) and says what
// became of each record, or with asJSON prints the receipts. A rejected
// record is counted and the others go on; any other error stops.
func submitFiles(cmd *cobra.Command, files []string, asJSON bool, submit func(data []byte) (app.Submission, error)) error {
	var receipts []json.RawMessage
	failed := 0
	for _, file := range files {
		s, err := app.SubmitFile(file, submit)
		var rej app.Rejected
		switch {
		case errors.As(err, &rej):
			failed++
			fmt.Fprintf(cmd.ErrOrStderr(), "accord: error: %s: rejected, nothing stored: %v\n", file, rej.Err)
			continue
		case err != nil:
			return err
		case s.Receipt == nil:
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: stored at index %d (%s %s by %s); %s\n", file, s.Index, s.Kind, s.ID, s.Author, s.Pending)
			continue
		}
		receipts = append(receipts, s.Receipt)
		if !asJSON {
			fmt.Fprintf(cmd.OutOrStdout(), "%s: index %d (%s %s by %s), receipt in %s.receipt.json\n", file, s.Index, s.Kind, s.ID, s.Author, file)
		}
	}
	if asJSON {
		if err := writeJSON(cmd.OutOrStdout(), receipts); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d records rejected", failed, len(files))
	}
	return nil
}
