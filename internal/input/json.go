package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CheckJSON returns an *Error naming the first key that appears twice in
// one object of data, anywhere in the document ("body.site"), or an error
// saying that data is not JSON or that something follows its one value.
// Go's decoder keeps the last of two equal keys, so without this check one
// text could be read two ways: a signed record, or a request that says two
// things.
func CheckJSON(data []byte) error {
	type frame struct {
		object    bool
		keys      map[string]bool
		key       string // an object's current key
		index     int    // an array's current element
		expectKey bool
	}
	var stack []*frame
	path := func(last string) string {
		var b strings.Builder
		for _, f := range stack {
			if f.object {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			} else {
				fmt.Fprintf(&b, "[%d]", f.index)
			}
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(last)
		return b.String()
	}
	// value ends a value in the innermost container.
	value := func() {
		if len(stack) == 0 {
			return
		}
		if top := stack[len(stack)-1]; top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	values := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(stack) == 0 {
			if values++; values > 1 {
				return errors.New("more than one JSON value")
			}
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, &frame{object: d == '{', keys: map[string]bool{}, expectKey: d == '{'})
			default:
				stack = stack[:len(stack)-1]
				value()
			}
			continue
		}
		if top := len(stack) - 1; top >= 0 && stack[top].object && stack[top].expectKey {
			f := stack[top]
			key, _ := tok.(string)
			if f.keys[key] {
				stack = stack[:top]
				p := path(key)
				return Errorf(p, "the key %q appears twice in one object: give each key once", key)
			}
			f.keys[key], f.key, f.expectKey = true, key, false
			continue
		}
		value()
	}
}
