package app_test

import (
	"testing"

	"github.com/accordverify/accord/internal/app"
)

// A build names its version, and its revision when it knows it, with
// whether the checkout was modified.
func TestBuildString(t *testing.T) {
	for _, c := range []struct {
		b    app.Build
		want string
	}{
		{app.Build{Module: "v1.2.0", Go: "go1.26"}, "accord v1.2.0, built with go1.26"},
		{app.Build{Module: "(devel)", Revision: "abc", Time: "2026-01-02T03:04:05Z", Go: "go1.26"}, "accord (devel), revision abc of 2026-01-02T03:04:05Z, built with go1.26"},
		{app.Build{Module: "(devel)", Revision: "abc", Modified: true, Go: "go1.26"}, "accord (devel), revision abc (modified), built with go1.26"},
	} {
		if got := c.b.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	if b := app.BuildInfo(); b.Go == "" {
		t.Errorf("BuildInfo() = %+v: no Go version", b)
	}
}
