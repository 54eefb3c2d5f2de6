// Package client is Accord's API client: every command that talks to a
// running server (tokens, records, talks rooms) goes through it.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/server"
)

// Client calls one server, as one key once SignIn has given it a token.
type Client struct {
	base  string
	http  *http.Client
	token string
}

// New returns a client of the server at base (http://host:port).
func New(base string) *Client {
	return &Client{base: strings.TrimSuffix(base, "/"), http: &http.Client{Timeout: time.Minute}}
}

// APIError is an error answer of the API: its HTTP status and the error
// it gives (code, message, field).
type APIError struct {
	Status  int
	Code    string
	Message string
	Field   string
	Index   *uint64
}

func (e *APIError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (HTTP %d)", e.Field, e.Message, e.Status)
	}
	return fmt.Sprintf("%s (HTTP %d)", e.Message, e.Status)
}

// atIndex finds the log index in the server's words for a duplicate.
var atIndex = regexp.MustCompile(`at index (\d+)`)

// Duplicate reports whether err is the server's answer that the record is
// already in the log, and at which index ("" when the server does not
// say).
func Duplicate(err error) (index string, ok bool) {
	var e *APIError
	switch {
	case !errors.As(err, &e) || e.Code != "duplicate":
		return "", false
	case e.Index != nil:
		return strconv.FormatUint(*e.Index, 10), true
	}
	if m := atIndex.FindStringSubmatch(e.Message); m != nil {
		return m[1], true
	}
	return "", true
}

// ErrorCode is the API's code for the error.
func (e *APIError) ErrorCode() string { return e.Code }

// Token returns the client's read token ("" before SignIn).
func (c *Client) Token() string { return c.token }

// SignIn obtains a read token for signer's key: it asks for a challenge,
// signs it, and exchanges the signature for a token, which the client then
// sends with every call.
func (c *Client) SignIn(ctx context.Context, signer note.Signer) error {
	var ch struct{ Challenge string }
	if err := c.call(ctx, "POST", "/api/v1/auth/challenge", "text/plain", nil, &ch); err != nil {
		return fmt.Errorf("challenge: %w", err)
	}
	if ch.Challenge == "" {
		return fmt.Errorf("challenge: the server gave none")
	}
	signed, err := note.Sign(&note.Note{Text: server.TokenRequestText(ch.Challenge)}, signer)
	if err != nil {
		return err
	}
	var tok struct{ Token string }
	if err := c.call(ctx, "POST", "/api/v1/auth/token", "text/plain", signed, &tok); err != nil {
		return err
	}
	c.token = tok.Token
	return nil
}

// ReadToken returns a read token of the server at base for signer's key.
func ReadToken(ctx context.Context, base string, signer note.Signer) (string, error) {
	c := New(base)
	if err := c.SignIn(ctx, signer); err != nil {
		return "", err
	}
	return c.token, nil
}

// Do calls the API with in as its JSON body (none when nil) and decodes
// the answer into out (when not nil); an error answer is an *APIError.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = b
	}
	return c.call(ctx, method, path, "application/json", body, out)
}

// Submit posts a signed record; the answer says where it is in the log and
// carries its receipt once published.
func (c *Client) Submit(ctx context.Context, signed []byte) (server.Submitted, error) {
	var s server.Submitted
	err := c.call(ctx, "POST", "/api/v1/records", "text/plain", signed, &s)
	return s, err
}

func (c *Client) call(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct{ Error server.Error }
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return &APIError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message, Field: e.Error.Field, Index: e.Error.Index}
		}
		return &APIError{Status: resp.StatusCode, Code: "http", Message: strings.TrimSpace(string(b))}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %v", method, path, err)
	}
	return nil
}

// Keys returns the log's key registry as the server publishes it, with the
// kinds the log keeps confidential and the party whose encryption key the
// server holds.
func (c *Client) Keys(ctx context.Context) (*server.KeysView, error) {
	var v server.KeysView
	if err := c.Do(ctx, "GET", "/api/v1/keys", nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
