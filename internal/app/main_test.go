package app_test

import (
	"os"
	"testing"

	"github.com/accordverify/accord/internal/ledger"
)

func TestMain(m *testing.M) {
	ledger.SilenceTesseraLogs()
	os.Exit(m.Run())
}
