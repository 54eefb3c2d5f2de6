// Package input has the one error for bad input, wherever it is read: the
// field (or flag, or column) at fault and the rule it broke. Every parser
// and validator returns it, so the API, the dashboard and the CLI can name
// the field without knowing which package checked it.
package input

import (
	"errors"
	"fmt"
)

// Error names the field and the rule: "commitments[0].limit.unit: metric
// max_enrichment_pct is in "%", got "kg"".
type Error struct {
	Field string
	Rule  string
}

func (e *Error) Error() string { return e.Field + ": " + e.Rule }

// ErrorCode classifies bad input for callers that map errors to statuses.
func (e *Error) ErrorCode() string { return "invalid" }

// Errorf returns an *Error for field, the rule formatted as by fmt.Sprintf.
func Errorf(field, format string, a ...any) error {
	return &Error{Field: field, Rule: fmt.Sprintf(format, a...)}
}

// Prefix returns err with its field prefixed by prefix ("body.",
// "red_lines[2].") when it is or wraps an *Error, and err unchanged
// otherwise.
func Prefix(prefix string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return &Error{Field: prefix + e.Field, Rule: e.Rule}
	}
	return err
}
