package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/accordverify/accord/internal/input"
)

// Bounds of a request. Every route reads its body through readBody (or
// decode, or parseForm), within the limit bodyLimit gives its pattern;
// ServeHTTP refuses a larger declared length before anything else.
const (
	// maxBody is the default: a talks request (a room, red lines, a
	// proposal, a message) and any route that reads no body.
	maxBody = 64 << 10
	// maxScenarioBody bounds a posted breakout scenario: 100 groups and
	// 100 lots, each with its ranges, in indented YAML or JSON.
	maxScenarioBody = 128 << 10
	// maxTokenBody bounds a token request: a signed note of two lines.
	maxTokenBody = 8 << 10
	// maxFormBody bounds a dashboard form.
	maxFormBody = 16 << 10
	// maxSamples bounds the band of an estimate a request asks for.
	maxSamples = 20_000
	// requestTimeout bounds a request's work: its context is done after
	// it, when the answer could no longer be written (WriteTimeout).
	requestTimeout = 60 * time.Second
)

// bodyLimit is the most a route reads of a request body, and what that
// body is, for the refusal.
type bodyLimit struct {
	max  int64
	what string
}

type bodyLimitKey struct{}

// bodyLimit returns the limit of the route with pattern.
func (s *Server) bodyLimit(pattern string) bodyLimit {
	switch pattern {
	case "POST /api/v1/records":
		return bodyLimit{s.cfg.MaxBodyBytes, "a signed record"}
	case "POST /api/v1/breakout":
		return bodyLimit{maxScenarioBody, "a breakout scenario"}
	case "POST /api/v1/auth/token":
		return bodyLimit{maxTokenBody, "a signed token request"}
	case "POST /signin", "POST /signout", "POST /talks/{room}/feasibility", "POST /talks/{room}/zone":
		return bodyLimit{maxFormBody, "a form"}
	}
	return bodyLimit{maxBody, "a request to this route"}
}

// limitBody refuses a declared body larger than the route's limit and
// bounds what the handler can read of any other; it returns the request
// to serve.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	_, pattern := s.mux.Handler(r)
	l := s.bodyLimit(pattern)
	if r.ContentLength > l.max {
		return r, tooLarge(l)
	}
	r.Body = http.MaxBytesReader(w, r.Body, l.max)
	return r.WithContext(context.WithValue(r.Context(), bodyLimitKey{}, l)), nil
}

func tooLarge(l bodyLimit) *Error {
	return &Error{Code: "too_large", Field: "body", Message: fmt.Sprintf("%s is at most %d bytes", l.what, l.max)}
}

// readBody reads the request body, within the route's limit.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyError(r, err)
	}
	return b, nil
}

// bodyError is the error of a failed read of the body: too large, or
// unreadable.
func bodyError(r *http.Request, err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		l, ok := r.Context().Value(bodyLimitKey{}).(bodyLimit)
		if !ok {
			l = bodyLimit{mb.Limit, "the request body"}
		}
		return tooLarge(l)
	}
	return badRequest("body", "cannot read the request body")
}

// decode reads the body as exactly one JSON value into v: unknown fields,
// and anything after the value but white space, are errors naming the
// body.
func decode(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeJSON(b, v)
}

// decodeJSON decodes b, exactly one JSON value, into v strictly (see
// decode).
func decodeJSON(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return badRequest("body", "is empty: send one JSON value")
	}
	// A key given twice would be read as its last value, silently.
	var fe *input.Error
	if err := input.CheckJSON(b); errors.As(err, &fe) {
		return badRequest(fe.Field, "%s", fe.Rule)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("body", "must be one JSON value, with nothing after it (at byte %d)", dec.InputOffset())
	}
	return nil
}

// parseForm reads a form post, within the route's limit.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return bodyError(r, err)
		}
		return badRequest("body", "cannot read the form")
	}
	return nil
}

// decodeError words a failed decoding of a request body by the field at
// fault and the rule, in JSON's terms rather than Go's.
func decodeError(err error) *Error {
	var (
		te *json.UnmarshalTypeError
		se *json.SyntaxError
		fe *input.Error
	)
	switch {
	case errors.As(err, &fe):
		return badRequest(fe.Field, "%s", fe.Rule)
	case errors.As(err, &te):
		return badRequest(cmp.Or(te.Field, "body"), "must be %s, got a JSON %s", jsonKind(te.Type), te.Value)
	case errors.As(err, &se):
		return badRequest("body", "is not valid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("body", "ends before its JSON value does")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return badRequest(strings.Trim(name, `"`), "is not a field of this request")
	}
	return badRequest("body", "%s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind is the JSON a Go type is read from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another JSON value"
}
