package client

import (
	"context"
	"fmt"

	"github.com/accordverify/accord/internal/keyfile"
)

// ReadTokenWithKey returns a read token of the server at base for the key
// in the private key file keyFile.
func ReadTokenWithKey(ctx context.Context, base, keyFile string) (string, error) {
	s, _, err := keyfile.LoadSigner(keyFile)
	if err != nil {
		return "", err
	}
	return ReadToken(ctx, base, s)
}

// OpenRoom signs in to the server at base with the private key file
// keyFile and returns the room id, acted in as that key.
func OpenRoom(ctx context.Context, base, keyFile, id string) (*Room, error) {
	s, _, err := keyfile.LoadSigner(keyFile)
	if err != nil {
		return nil, err
	}
	c := New(base)
	if err := c.SignIn(ctx, s); err != nil {
		return nil, fmt.Errorf("a read token for %s: %w", s.Name(), err)
	}
	return c.Room(id, s), nil
}
