package app_test

import (
	"path/filepath"
	"testing"

	"github.com/accordverify/accord/internal/app"
)

// The demo keeps its data in the user's data directory.
func TestDefaultDemoDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	if got, want := app.DefaultDemoDir(), filepath.Join("/data", "accord", "demo"); got != want {
		t.Errorf("with $XDG_DATA_HOME: %s, want %s", got, want)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if got, want := app.DefaultDemoDir(), filepath.Join("/home/u", ".local", "share", "accord", "demo"); got != want {
		t.Errorf("without: %s, want %s", got, want)
	}
}
