package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrEmpty is the error of a document with nothing in it.
var ErrEmpty = errors.New("empty document")

// DecodeYAML decodes data, one YAML document (JSON reads as YAML), into v
// (a pointer), strictly: a field that v does not have is an *Error naming
// it, its line and the closest known name (see UnknownField); an *Error
// that v's own decoding returns is returned as it is; a second document
// is refused. Other errors start with what ("scenario", "agreement"); an
// empty document's wraps ErrEmpty.
func DecodeYAML(what string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w", what, ErrEmpty)
		}
		var ie *Error
		if errors.As(err, &ie) {
			return ie
		}
		if ue := UnknownField(err, v); ue != nil {
			return ue
		}
		return fmt.Errorf("%s: %s", what, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: more than one document", what)
	}
	return nil
}
