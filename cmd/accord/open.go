package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/report"
)

func newRecordOpenCmd() *cobra.Command {
	var (
		logDir, keyFile string
		asJSON          bool
	)
	cmd := &cobra.Command{
		Use:   "open --log DIR --key PARTY.key INDEX",
		Short: "Open a sealed record sealed to your party, offline, from your copy of the log",
		Long: `open reads the entry at INDEX from a copy of the log, checks its signature
and its inclusion in the latest checkpoint (as record show does), and
decrypts it with the encryption key beside your signing key (PARTY.age
beside PARTY.key). It prints the record the sealed one hides. Exit status
3 when the log does not verify; 1 when the record is not sealed to you.
The dashboard's records page marks the sealed records; in a fresh demo the
first is at index 195.`,
		Example: `  accord record open --log ~/.local/share/accord/demo/log --key ~/.local/share/accord/demo/keys/us.key 195
  accord record open --log ~/.local/share/accord/demo/log --key ~/.local/share/accord/demo/keys/oman.key 195 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if logDir == "" || keyFile == "" {
				return usageError{errors.New("--log and --key are required")}
			}
			index, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("INDEX: want a log index, got %q", args[0])}
			}
			idFile := keyfile.IdentityFile(keyFile)
			id, err := keyfile.LoadIdentity(idFile)
			if err != nil {
				return fmt.Errorf("--key: the encryption key: %w", err)
			}
			signed, inner, err := app.OpenRecord(cmd.Context(), logDir, index, id, idFile)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), struct {
					Index  uint64         `json:"index"`
					To     []string       `json:"sealed_to"`
					Signer string         `json:"signer"`
					Record *record.Record `json:"record"`
				}{index, record.SealedTo(signed.Record), signed.Signer.Name, inner})
			}
			return report.TextSealedRecord(cmd.OutOrStdout(), index, signed, inner)
		},
	}
	cmd.Flags().StringVar(&logDir, "log", "", "the log directory (your copy)")
	cmd.Flags().StringVar(&keyFile, "key", "", "your private signing key file; the encryption key is the .age file beside it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
