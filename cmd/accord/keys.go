package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/keyfile"
)

func newKeygenCmd() *cobra.Command {
	var name, out string
	cmd := &cobra.Command{
		Use:   "keygen --name NAME --out DIR",
		Short: "Make an Ed25519 signing key: NAME.key (mode 0600) and NAME.pub",
		Long: `keygen makes an Ed25519 key in the signed-note format. NAME.key is the
private key, written with mode 0600; NAME.pub the public (verifier) key to
share. Name a party's key after the party (iran, iaea, us); name the log
operator's key after the log's origin (accord.example/jcpoa), since
checkpoints carry the operator key's name as the origin. A "/" in NAME
becomes "_" in the file names.`,
		Example: `  accord keygen --name iaea --out keys
  accord keygen --name accord.example/jcpoa --out keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" || out == "" {
				return usageError{errors.New("--name and --out are required")}
			}
			base, vkey, err := keyfile.Make(out, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s.key (private, 0600)\n%s.pub  %s\n", base, base, vkey)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "key name: the party, or the log's origin for the operator")
	cmd.Flags().StringVar(&out, "out", "", "directory for NAME.key and NAME.pub")
	return cmd
}
