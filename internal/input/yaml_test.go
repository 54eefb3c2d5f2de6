package input

import (
	"errors"
	"strings"
	"testing"
)

type sample struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
	Kind  kind   `yaml:"kind"`
}

type kind string

// UnmarshalYAML refuses one value with the package's own error, as the
// formats' custom fields do.
func (k *kind) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err != nil {
		return err
	}
	if s == "bad" {
		return &Error{Field: "kind", Rule: "must not be bad"}
	}
	*k = kind(s)
	return nil
}

func TestDecodeYAML(t *testing.T) {
	var ok sample
	if err := DecodeYAML("sample", []byte("name: a\ncount: 2\n"), &ok); err != nil || ok.Name != "a" || ok.Count != 2 {
		t.Fatalf("a valid document: %+v, %v", ok, err)
	}
	for _, c := range []struct{ doc, field, want string }{
		{"", "", "sample: empty document"},
		{"name: a\ncout: 2\n", "cout", "unknown field, line 2 (did you mean count?"},
		{"name: a\n---\nname: b\n", "", "sample: more than one document"},
		{"count: many\n", "", "line 1: cannot unmarshal !!str `many` into int"},
		{"kind: bad\n", "kind", "must not be bad"},
	} {
		var v sample
		err := DecodeYAML("sample", []byte(c.doc), &v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", c.doc, err, c.want)
			continue
		}
		var ie *Error
		if got := errors.As(err, &ie); got != (c.field != "") || (got && ie.Field != c.field) {
			t.Errorf("%q: error %v names field %v, want %q", c.doc, err, ie, c.field)
		}
	}
	if err := DecodeYAML("sample", nil, &sample{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("an empty document: %v, want ErrEmpty", err)
	}
}
