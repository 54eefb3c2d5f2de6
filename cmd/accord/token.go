package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/client"
)

func newTokenCmd() *cobra.Command {
	var base, keyFile string
	cmd := &cobra.Command{
		Use:   "token --server URL --key KEY",
		Short: "Get a read token for your registered key (valid one hour)",
		Example: `  accord token --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/iaea.key
  TOKEN=$(accord token --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/iaea.key)
  curl -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8080/api/v1/records?limit=5'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if base == "" || keyFile == "" {
				return usageError{errors.New("--server and --key are required")}
			}
			tok, err := client.ReadTokenWithKey(cmd.Context(), base, keyFile)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
	cmd.Flags().StringVar(&base, "server", "", "the server's base URL")
	cmd.Flags().StringVar(&keyFile, "key", "", "your private key file (a key registered in the log)")
	return cmd
}
