package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// UnavailableError is a database the store cannot use for now: down,
// restarting, the connection lost, or its disk full. Nothing was written;
// the same call may succeed later.
type UnavailableError struct{ Err error }

func (e *UnavailableError) Error() string {
	return "store: the index database is unavailable: " + e.Err.Error()
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable marks the error as temporary for callers that do not import
// this package.
func (e *UnavailableError) Unavailable() bool { return true }

// ErrorCode classifies the outage for callers that map errors to statuses.
func (e *UnavailableError) ErrorCode() string { return "unavailable" }

// unavailable wraps err in an *UnavailableError when it says the database
// cannot be reached or cannot take writes; other errors are returned as
// they are.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var ue *UnavailableError
	if errors.As(err, &ue) || !temporary(err) {
		return err
	}
	return &UnavailableError{Err: err}
}

// outage marks *err as an *UnavailableError when it says the database is
// down for now; every exported method defers it, so that callers classify
// outages from any method alike.
func outage(err *error) { *err = unavailable(*err) }

func temporary(err error) bool {
	var (
		ne net.Error
		ce *pgconn.ConnectError
		pe *pgconn.PgError
	)
	switch {
	case errors.As(err, &ne), errors.As(err, &ce),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ENOSPC), pgconn.SafeToRetry(err):
		return true
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01-57P03: the server is
		// shutting down or starting; 53100: disk full.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53100"
	}
	// SQLite reports a full disk as SQLITE_FULL (13), in its message.
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "(SQLITE_FULL)") ||
		strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection refused")
}

// corrupt reports whether err says a SQLite file is not a database or is
// damaged.
func corrupt(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "file is not a database") || strings.Contains(msg, "database disk image is malformed") ||
		strings.Contains(msg, "SQLITE_NOTADB") || strings.Contains(msg, "SQLITE_CORRUPT")
}
