package app

// The files a command reads: a path, standard input, or a built-in example
// of that name, so that the examples work from any directory.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

// ReadInput reads a file, or standard input for "-".
func ReadInput(stdin io.Reader, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(stdin, 1<<20+1))
	}
	return os.ReadFile(path)
}

// ReadNamed reads the file at path, standard input for "-", or, when no
// such file exists, the built-in example of kind k of that name
// (feb-2025, muscat-2025).
func ReadNamed(stdin io.Reader, path string, k examples.Kind) ([]byte, error) {
	b, err := ReadInput(stdin, path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	if b, ok := examples.Read(k, path); ok {
		return b, nil
	}
	return nil, &NoSuchInput{Name: path, BuiltIn: examples.Names(k)}
}

// NoSuchInput is a name that is neither a file nor a built-in example: a
// mistake in how a command was called.
type NoSuchInput struct {
	Name    string
	BuiltIn []string
}

func (e *NoSuchInput) Error() string {
	return fmt.Sprintf("%s: no such file, and no built-in example of that name (built in: %s)", e.Name, strings.Join(e.BuiltIn, ", "))
}

// ParseFile parses the file at path with parse; what ("" for nothing)
// names the file in a parse error, before its path.
func ParseFile[T any](path, what string, parse func([]byte) (T, error)) (T, error) {
	b, err := os.ReadFile(path)
	return parsed(b, err, path, what, parse)
}

// parseNamed parses what ReadNamed reads with parse; what ("" for
// nothing) names it in a parse error, before its path.
func parseNamed[T any](stdin io.Reader, path string, k examples.Kind, what string, parse func([]byte) (T, error)) (T, error) {
	b, err := ReadNamed(stdin, path, k)
	return parsed(b, err, path, what, parse)
}

// parsed is parse(b) for the bytes read from path, unless reading them
// failed (err); what ("" for nothing) names the file in a parse error,
// before its path.
func parsed[T any](b []byte, err error, path, what string, parse func([]byte) (T, error)) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	v, err := parse(b)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", strings.TrimSpace(what+" "+path), err)
	}
	return v, nil
}

// LoadAgreement returns the agreement named: jcpoa (built in), a built-in
// example, or a file in the agreement format.
func LoadAgreement(name string) (*agreement.Agreement, error) {
	if name == "jcpoa" {
		return agreement.JCPOA(), nil
	}
	return parseNamed(nil, name, examples.Agreements, "agreement", agreement.Parse)
}

// LoadDataset returns the series in the CSV file at path, or the embedded
// IAEA series for "".
func LoadDataset(path string) (*dataset.Dataset, error) {
	if path == "" {
		return dataset.Embedded(), nil
	}
	return ParseFile(path, "series", func(b []byte) (*dataset.Dataset, error) {
		return dataset.Parse(bytes.NewReader(b), path)
	})
}

// PublicFacts are the facts of the series LoadDataset reads from path,
// with the continuity of knowledge of its public record.
func PublicFacts(path string) ([]state.Fact, error) {
	d, err := LoadDataset(path)
	if err != nil {
		return nil, err
	}
	return evidence.Public(d), nil
}

// LoadRoom reads a room file, or the built-in room of that name, into its
// spec and the mediator's room.
func LoadRoom(name string) (*talks.Spec, *talks.Room, error) {
	var room *talks.Room
	spec, err := parseNamed(nil, name, examples.Rooms, "", func(b []byte) (spec *talks.Spec, err error) {
		spec, room, err = talks.ParseSpec(b)
		return spec, err
	})
	if err != nil {
		return nil, nil, err
	}
	return spec, room, nil
}

// LoadScenario reads a breakout scenario: a file, standard input for "-",
// or a built-in scenario of that name.
func LoadScenario(stdin io.Reader, path string) (breakout.Scenario, error) {
	return parseNamed(stdin, path, examples.Scenarios, "scenario", breakout.ParseScenario)
}

// ReadReceipt reads a record's receipt from its file.
func ReadReceipt(path string) (*ledger.Receipt, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := ledger.ParseReceipt(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
