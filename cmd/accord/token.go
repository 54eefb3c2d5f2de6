package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/server"
)

// readToken obtains a read token from a server for a key: it asks for a
// challenge, signs it, and exchanges the signature for a token.
func readToken(base string, signer note.Signer) (string, error) {
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Post(strings.TrimSuffix(base, "/")+"/api/v1/auth/challenge", "text/plain", nil)
	if err != nil {
		return "", err
	}
	var ch struct{ Challenge string }
	err = json.NewDecoder(resp.Body).Decode(&ch)
	resp.Body.Close()
	if err != nil || ch.Challenge == "" {
		return "", fmt.Errorf("challenge: HTTP %d", resp.StatusCode)
	}
	signed, err := note.Sign(&note.Note{Text: server.TokenRequestText(ch.Challenge)}, signer)
	if err != nil {
		return "", err
	}
	resp, err = c.Post(strings.TrimSuffix(base, "/")+"/api/v1/auth/token", "text/plain", strings.NewReader(string(signed)))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var tok struct {
		Token string
		Error *server.Error
	}
	if err := json.Unmarshal(b, &tok); err != nil {
		return "", fmt.Errorf("token: HTTP %d", resp.StatusCode)
	}
	if tok.Error != nil {
		return "", errors.New(tok.Error.Message)
	}
	return tok.Token, nil
}

func newTokenCmd() *cobra.Command {
	var base, keyFile string
	cmd := &cobra.Command{
		Use:   "token --server URL --key KEY",
		Short: "Get a read token for your registered key (valid one hour)",
		Example: `  TOKEN=$(accord token --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/iaea.key)
  curl -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8080/api/v1/records?limit=5'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if base == "" || keyFile == "" {
				return usageError{errors.New("--server and --key are required")}
			}
			s, _, err := loadSigner(keyFile)
			if err != nil {
				return err
			}
			tok, err := readToken(base, s)
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
