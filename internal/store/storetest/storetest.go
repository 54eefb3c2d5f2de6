// Package storetest gives tests a PostgreSQL database of their own.
package storetest

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// Env names the variable that holds the test PostgreSQL DSN (CI sets it).
const Env = "ACCORD_TEST_POSTGRES"

// PostgresDSN makes a fresh schema in the database of $ACCORD_TEST_POSTGRES,
// drops it when the test ends, and returns a DSN that uses it. Without the
// variable the test is skipped with a message.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		t.Skip("PostgreSQL tests skipped: set " + Env + " to a DSN (CI sets it)")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("accord_test_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("%s is set but unusable: %v", Env, err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// EndSessions ends the PostgreSQL sessions whose application_name is name,
// as a network partition or a restart of the database would, waiting up to
// 10 s for each to end.
func EndSessions(t testing.TB, dsn, name string) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = $1`, name); err != nil {
		t.Fatal(err)
	}
}
