package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/keyfile"
)

// A key file signs the client in: its token is the server's, its room is
// acted in as the key; a refused sign-in names the key.
func TestSignInWithKeyFile(t *testing.T) {
	refuse := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/v1/auth/challenge":
			_, _ = w.Write([]byte(`{"challenge":"c"}`))
		case r.URL.Path == "/api/v1/auth/token" && !refuse:
			_, _ = w.Write([]byte(`{"token":"T"}`))
		default:
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":{"code":"forbidden","message":"no"}}`))
		}
	}))
	defer srv.Close()
	base, _, err := keyfile.Make(t.TempDir(), "us")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if tok, err := ReadTokenWithKey(ctx, srv.URL, base+".key"); err != nil || tok != "T" {
		t.Errorf("ReadTokenWithKey = %q, %v; want T", tok, err)
	}
	if r, err := OpenRoom(ctx, srv.URL, base+".key", "r1"); err != nil || r.ID != "r1" || r.Party() != "us" {
		t.Errorf("OpenRoom = %+v, %v; want room r1 as us", r, err)
	}
	refuse = true
	if _, err := OpenRoom(ctx, srv.URL, base+".key", "r1"); err == nil || !strings.HasPrefix(err.Error(), "a read token for us: ") {
		t.Errorf("OpenRoom refused: %v; want an error naming the key", err)
	}
	if _, err := ReadTokenWithKey(ctx, srv.URL, filepath.Join(t.TempDir(), "none.key")); err == nil {
		t.Error("ReadTokenWithKey(no key file): no error")
	}
}
