package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/accordverify/accord/internal/input"
)

// Error is an API error: a code, a message for people and the field at
// fault. Its HTTP status follows from its code (statuses).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Index is where the record is in the log when it is there but not
	// acknowledged (code not_indexed).
	Index *uint64 `json:"index,omitempty"`
	// Writer is the address of the log's writer, when this server only
	// reads the log (code not_writer).
	Writer string `json:"writer,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// status is the HTTP status of e's code; an unknown code is internal.
func (e *Error) status() int {
	if s, ok := statuses[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// statuses is the one table from an error's code to its HTTP status. The
// application's errors carry their code: *Error, *input.Error (invalid,
// naming the field), and any error with an ErrorCode method (the store's
// outages, the ledger's rejections, an index's not-found). Every other
// error is internal: logged, never sent.
var statuses = map[string]int{
	"invalid":       http.StatusBadRequest,
	"unauthorized":  http.StatusUnauthorized,
	"forbidden":     http.StatusForbidden,
	"cross_origin":  http.StatusForbidden,
	"key":           http.StatusForbidden, // signed by a key the registry does not hold
	"not_found":     http.StatusNotFound,
	"duplicate":     http.StatusConflict,
	"too_large":     http.StatusRequestEntityTooLarge,
	"reference":     http.StatusUnprocessableEntity, // refers to a record the log lacks
	"unprocessable": http.StatusUnprocessableEntity, // the log's records do not add up
	"rate_limited":  http.StatusTooManyRequests,
	"internal":      http.StatusInternalServerError,
	"unavailable":   http.StatusServiceUnavailable,
	"timeout":       http.StatusServiceUnavailable, // the request's time ran out, or its client went
	"not_indexed":   http.StatusServiceUnavailable,
	"not_writer":    http.StatusServiceUnavailable, // a reader: the writer's address is in the answer
	"storage_full":  http.StatusInsufficientStorage,
}

// messages replace the text of errors whose own text is for the operator,
// not the caller.
var messages = map[string]string{
	"internal":     "internal error",
	"unavailable":  "the index database is unavailable; nothing was changed, try again",
	"storage_full": "the log's disk is full: nothing was stored; submissions succeed again once the operator frees space",
}

// problem classifies err as the *Error a client sees, logging what it does
// not show.
func problem(log *slog.Logger, path string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var c interface{ ErrorCode() string }
	if !errors.As(err, &c) && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		log.Warn("timeout", "path", path, "err", err)
		return &Error{Code: "timeout", Message: fmt.Sprintf("the request was stopped: it ran out of its %s, or its client went; nothing was changed", requestTimeout)}
	}
	if !errors.As(err, &c) || statuses[c.ErrorCode()] == 0 || c.ErrorCode() == "internal" {
		log.Error("internal error", "path", path, "err", err)
		return &Error{Code: "internal", Message: messages["internal"]}
	}
	e = &Error{Code: c.ErrorCode(), Message: err.Error()}
	var in *input.Error
	if errors.As(err, &in) {
		e.Field, e.Message = in.Field, in.Rule
	}
	if m, ok := messages[e.Code]; ok {
		log.Warn(e.Code, "path", path, "err", err)
		e.Message = m
	}
	var at interface{ LogIndex() uint64 }
	if errors.As(err, &at) {
		i := at.LogIndex()
		e.Index = &i
	}
	return e
}

// fail writes err as a JSON error.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	jsonError(w, problem(s.cfg.Logger, r.URL.Path, err))
}

// retryAfter is the one place that says when to try again: with every
// answer of status 503 (an outage: the index database down, a record not
// yet indexed, a request out of time) or 429 (rate limited), on every
// route, as JSON or as a page.
func retryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
}

// jsonError writes e with its status.
func jsonError(w http.ResponseWriter, e *Error) {
	retryAfter(w, e.status())
	// An error is of its moment: no cache keeps it.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status())
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]*Error{"error": e})
}

// badRequest is an invalid-input error naming the field.
func badRequest(field, format string, a ...any) *Error {
	return &Error{Code: "invalid", Field: field, Message: fmt.Sprintf(format, a...)}
}

// unavailable reports whether err says a backing store is down for now:
// not the caller's fault, whatever it was asking.
func unavailable(err error) bool {
	var c interface{ ErrorCode() string }
	return errors.As(err, &c) && c.ErrorCode() == "unavailable"
}
