package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
)

func newKeygenCmd() *cobra.Command {
	var name, out string
	var witness, asJSON bool
	cmd := &cobra.Command{
		Use:   "keygen --name NAME --out DIR [--witness]",
		Short: "Make a party's keys: NAME.key (signing, 0600), NAME.age (encryption, 0600) and NAME.pub (to share)",
		Long: `keygen makes an Ed25519 signing key in the signed-note format and an X25519
encryption key in age's format. NAME.key and NAME.age are private, written
with mode 0600: the first signs the party's records, the second opens the
records sealed to the party. NAME.pub is what to share: the verifier key on
its first line, the encryption key's recipient (age1...) on its second;
log init registers both. Name a party's key after the party (iran, iaea, us); name the log
operator's key after the log's origin (accord.example/jcpoa), since
checkpoints carry the operator key's name as the origin. A "/" in NAME
becomes "_" in the file names. With --witness it also prints the key in the
form witness policies name (C2SP tlog-cosignature, type 0x04), which is how
log init records a witness in the genesis record.`,
		Example: `  accord keygen --name iaea --out keys
  accord keygen --name accord.example/jcpoa --out keys
  accord keygen --name witness-us --out keys --witness`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" || out == "" {
				return usageError{errors.New("--name and --out are required")}
			}
			made, err := app.MakeKeys(out, name, witness)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), made)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (signing, private, 0600)\n%s (encryption, private, 0600)\n%s  %s\n%*s  %s\n", made.Key, made.Identity, made.Pub, made.VerifierKey, len(made.Pub), "", made.Recipient)
			if witness {
				fmt.Fprintf(cmd.OutOrStdout(), "as a witness, its cosignature key (c2sp.org/tlog-cosignature, type 0x04):\n  %s\n", made.CosignatureKey)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "key name: the party, or the log's origin for the operator")
	cmd.Flags().StringVar(&out, "out", "", "directory for NAME.key, NAME.age and NAME.pub")
	cmd.Flags().BoolVar(&witness, "witness", false, "also print the key's cosignature form, for a witness")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the files and keys as JSON")
	return cmd
}
