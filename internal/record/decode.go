package record

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/accordverify/accord/internal/input"
)

// The decoding below is a shortcut for the records every append reads: one
// pass over the text that checks its syntax and its keys (none twice in one
// object), fills the envelope and decodes the body into its kind's Go type
// without encoding/json's machinery. It takes only what it is sure of:
// keys spelled exactly as the Go type names them, strings whose escapes it
// knows, numbers its type takes, no null. Anything else (an unknown or
// misspelt key, a null, a type mismatch, a duplicate, bad syntax) makes it
// give up, and the record is read again by encoding/json and checkStrict,
// which accept or refuse it, and name the field and rule, exactly as
// before. So the shortcut changes no outcome, only the cost; the fuzz test
// FuzzDecodeAgrees compares the two.

// maxFastDepth bounds the nesting the shortcut follows (encoding/json's
// own bound, 10000, is far beyond any record).
const maxFastDepth = 64

// parseFast reads a record as Parse does, before validation; ok is false
// when it cannot be sure, and Parse's full path must decide.
func parseFast(data []byte) (r *Record, ok bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	d := fastDecoder{data: data}
	d.ws()
	if !d.consume('{') {
		return nil, false
	}
	r = &Record{}
	var buf [8][]byte
	seen := buf[:0] // the keys read, none twice
	d.ws()
	if d.consume('}') {
		return nil, false // no body: let the full path say so
	}
	for {
		key, ok := d.member()
		if !ok {
			return nil, false
		}
		switch string(key) {
		case "schema":
			r.Schema, ok = d.interned(func(s []byte) (string, bool) { return Schema, string(s) == Schema })
		case "kind":
			var k string
			k, ok = d.interned(func(s []byte) (string, bool) {
				k, ok := kindNames[string(s)]
				return string(k), ok
			})
			r.Kind = Kind(k)
		case "id":
			r.ID, ok = d.plainString()
		case "author":
			r.Author, ok = d.plainString()
		case "created":
			start := d.pos
			if _, ok = d.plainString(); ok {
				ok = r.Created.UnmarshalJSON(d.data[start:d.pos]) == nil
			}
		case "refs":
			r.Refs, ok = d.plainStrings()
		case "corrects":
			r.Corrects, ok = d.plainString()
		case "body":
			if d.peek() != '{' {
				return nil, false
			}
			start := d.pos
			if ok = d.skipValue(1); ok {
				r.Body = append(json.RawMessage(nil), d.data[start:d.pos]...)
			}
		default:
			return nil, false
		}
		if !ok || hasKey(seen, key) {
			return nil, false
		}
		seen = append(seen, key)
		more, ok := d.next('}')
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
	}
	d.ws()
	if d.pos != len(d.data) {
		return nil, false
	}
	return r, true
}

// decodeBodyFast decodes a body (a JSON object) into v, a pointer to a
// struct, as json.Decoder with DisallowUnknownFields would; ok is false
// when it cannot be sure (v is then partly written and must be dropped).
func decodeBodyFast(data []byte, v any) (ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	p := plans.of(rv.Type().Elem())
	if p == nil || p.kind != reflect.Struct || !utf8.Valid(data) {
		return false
	}
	d := fastDecoder{data: data}
	d.ws()
	if !d.decode(p, rv.Elem(), 1) {
		return false
	}
	d.ws()
	return d.pos == len(d.data)
}

type fastDecoder struct {
	data []byte
	pos  int
}

func (d *fastDecoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *fastDecoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *fastDecoder) consume(c byte) bool {
	if d.peek() == c {
		d.pos++
		return true
	}
	return false
}

// rawString scans a string (at its opening quote) and returns its content
// as written and whether it holds an escape. Escapes are checked for
// syntax; control characters are refused.
func (d *fastDecoder) rawString() (s []byte, escaped, ok bool) {
	if !d.consume('"') {
		return nil, false, false
	}
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s = d.data[start:d.pos]
			d.pos++
			return s, escaped, true
		case c < 0x20:
			return nil, false, false
		case c == '\\':
			escaped = true
			if d.pos+1 >= len(d.data) {
				return nil, false, false
			}
			switch d.data[d.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.pos += 2
			case 'u':
				if d.pos+6 > len(d.data) {
					return nil, false, false
				}
				for _, h := range d.data[d.pos+2 : d.pos+6] {
					if !isHex(h) {
						return nil, false, false
					}
				}
				d.pos += 6
			default:
				return nil, false, false
			}
		default:
			d.pos++
		}
	}
	return nil, false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// member reads an object member's key, without escapes (an escaped key
// may equal another once decoded: the full path decides), and the colon
// after it, leaving d at the value. The key is d's bytes, not a copy:
// compared or looked up as string(key), it costs no allocation.
func (d *fastDecoder) member() ([]byte, bool) {
	d.ws()
	k, escaped, ok := d.rawString()
	if !ok || escaped {
		return nil, false
	}
	d.ws()
	if !d.consume(':') {
		return nil, false
	}
	d.ws()
	return k, true
}

// hasKey reports whether keys holds k.
func hasKey(keys [][]byte, k []byte) bool {
	for _, key := range keys {
		if bytes.Equal(key, k) {
			return true
		}
	}
	return false
}

// next reads what follows an element of an array or a member of an
// object: more when a comma says another follows; else ok is whether end
// (] or }) ends the list.
func (d *fastDecoder) next(end byte) (more, ok bool) {
	d.ws()
	switch d.peek() {
	case ',':
		d.pos++
		return true, true
	case end:
		d.pos++
		return false, true
	}
	return false, false
}

// plainString reads a string without escapes.
func (d *fastDecoder) plainString() (string, bool) {
	s, escaped, ok := d.rawString()
	if !ok || escaped {
		return "", false
	}
	return string(s), true
}

// kindNames are the known kinds by name.
var kindNames = func() map[string]Kind {
	m := make(map[string]Kind, len(kinds))
	for k := range kinds {
		m[string(k)] = k
	}
	return m
}()

// interned reads a string without escapes; intern returns the string it
// holds already for the bytes read, if it does (the record's schema, a
// kind), which then costs no allocation.
func (d *fastDecoder) interned(intern func([]byte) (string, bool)) (string, bool) {
	s, escaped, ok := d.rawString()
	if !ok || escaped {
		return "", false
	}
	if v, ok := intern(s); ok {
		return v, true
	}
	return string(s), true
}

// plainStrings reads an array of strings without escapes; [] is an empty,
// non-nil slice, as encoding/json makes it.
func (d *fastDecoder) plainStrings() ([]string, bool) {
	if !d.consume('[') {
		return nil, false
	}
	out := []string{}
	d.ws()
	if d.consume(']') {
		return out, true
	}
	for {
		d.ws()
		s, ok := d.plainString()
		if !ok {
			return nil, false
		}
		out = append(out, s)
		if more, ok := d.next(']'); !more {
			return out, ok
		}
	}
}

// str reads a string and decodes its escapes as encoding/json does; it
// gives up on \u escapes of surrogates (encoding/json pairs or replaces
// them).
func (d *fastDecoder) str() (string, bool) {
	raw, escaped, ok := d.rawString()
	if !ok {
		return "", false
	}
	if !escaped {
		return string(raw), true
	}
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch raw[i] {
		case '"', '\\', '/':
			b = append(b, raw[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			n, err := strconv.ParseUint(string(raw[i+1:i+5]), 16, 32)
			if err != nil || 0xd800 <= n && n < 0xe000 {
				return "", false
			}
			b = utf8.AppendRune(b, rune(n))
			i += 4
		}
	}
	return string(b), true
}

// number scans a JSON number and returns its text.
func (d *fastDecoder) number() ([]byte, bool) {
	start := d.pos
	d.consume('-')
	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case '1' <= c && c <= '9':
		d.digits()
	default:
		return nil, false
	}
	if d.consume('.') {
		if !d.digits() {
			return nil, false
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.pos++
		if c := d.peek(); c == '+' || c == '-' {
			d.pos++
		}
		if !d.digits() {
			return nil, false
		}
	}
	return d.data[start:d.pos], true
}

func (d *fastDecoder) digits() bool {
	start := d.pos
	for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}

func (d *fastDecoder) literal(word string) bool {
	if strings.HasPrefix(string(d.data[d.pos:]), word) {
		d.pos += len(word)
		return true
	}
	return false
}

// skipValue checks the syntax of any value and that no object in it
// holds a key twice.
func (d *fastDecoder) skipValue(depth int) bool {
	if depth > maxFastDepth {
		return false
	}
	switch c := d.peek(); {
	case c == '{':
		d.pos++
		var buf [16][]byte
		keys := buf[:0]
		d.ws()
		if d.consume('}') {
			return true
		}
		for {
			k, ok := d.member()
			if !ok || hasKey(keys, k) {
				return false
			}
			keys = append(keys, k)
			if !d.skipValue(depth + 1) {
				return false
			}
			if more, ok := d.next('}'); !more {
				return ok
			}
		}
	case c == '[':
		d.pos++
		d.ws()
		if d.consume(']') {
			return true
		}
		for {
			d.ws()
			if !d.skipValue(depth + 1) {
				return false
			}
			if more, ok := d.next(']'); !more {
				return ok
			}
		}
	case c == '"':
		_, _, ok := d.rawString()
		return ok
	case c == '-' || '0' <= c && c <= '9':
		_, ok := d.number()
		return ok
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	}
	return false
}

// decode reads a value into v (settable, of the plan's type).
func (d *fastDecoder) decode(p *plan, v reflect.Value, depth int) bool {
	if depth > maxFastDepth {
		return false
	}
	switch p.kind {
	case reflect.String:
		if d.peek() != '"' {
			return false
		}
		s, ok := d.str()
		v.SetString(s)
		return ok
	case reflect.Float64:
		n, ok := d.number()
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(string(n), 64)
		v.SetFloat(f)
		return err == nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := d.number()
		if !ok {
			return false
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || v.OverflowInt(i) {
			return false
		}
		v.SetInt(i)
		return true
	case reflect.Pointer:
		if d.peek() == 'n' {
			return false
		}
		e := reflect.New(p.elem.typ)
		v.Set(e)
		return d.decode(p.elem, e.Elem(), depth)
	case reflect.Slice:
		if !d.consume('[') {
			return false
		}
		s := reflect.MakeSlice(p.typ, 0, 0)
		d.ws()
		if !d.consume(']') {
			for {
				d.ws()
				s = reflect.Append(s, reflect.Zero(p.elem.typ))
				if !d.decode(p.elem, s.Index(s.Len()-1), depth+1) {
					return false
				}
				more, ok := d.next(']')
				if !ok {
					return false
				}
				if !more {
					break
				}
			}
		}
		v.Set(s)
		return true
	case reflect.Struct:
		if !d.consume('{') {
			return false
		}
		var seen uint64
		d.ws()
		if d.consume('}') {
			return true
		}
		for {
			k, ok := d.member()
			if !ok {
				return false
			}
			i, ok := p.fields[string(k)]
			if !ok || seen&(1<<i) != 0 {
				return false
			}
			seen |= 1 << i
			f := p.field[i]
			if d.peek() == 'n' || !d.decode(f.plan, v.Field(f.index), depth+1) {
				return false
			}
			if more, ok := d.next('}'); !more {
				return ok
			}
		}
	}
	return false
}

// plan is how decode fills a Go type; nil when it cannot.
type plan struct {
	typ  reflect.Type
	kind reflect.Kind
	elem *plan // of a pointer or slice
	// fields of a struct, by their JSON name exactly.
	fields map[string]int
	field  []planField
}

type planField struct {
	index int
	plan  *plan
}

type planCache struct{ m sync.Map }

var plans planCache

func (c *planCache) of(t reflect.Type) *plan {
	if p, ok := c.m.Load(t); ok {
		return p.(*plan)
	}
	p := makePlan(t, 0)
	c.m.Store(t, p)
	return p
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

// makePlan returns the plan of t, or nil when t has a method of its own
// for decoding, or a field or kind the shortcut does not handle.
func makePlan(t reflect.Type, depth int) *plan {
	if depth > 8 || t == timeType {
		return nil
	}
	pt := reflect.PointerTo(t)
	if t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) || pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		return nil
	}
	p := &plan{typ: t, kind: t.Kind()}
	switch p.kind {
	case reflect.String, reflect.Float64, reflect.Int, reflect.Int64, reflect.Int32:
	case reflect.Pointer, reflect.Slice:
		if p.elem = makePlan(t.Elem(), depth+1); p.elem == nil {
			return nil
		}
	case reflect.Struct:
		p.fields = map[string]int{}
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				return nil
			}
			name, opts, ok := input.JSONField(f)
			if !ok {
				continue
			}
			if opts != "" && opts != "omitempty" || name == "" {
				return nil
			}
			fp := makePlan(f.Type, depth+1)
			if fp == nil {
				return nil
			}
			if _, dup := p.fields[name]; dup || len(p.field) >= 64 {
				return nil
			}
			p.fields[name] = len(p.field)
			p.field = append(p.field, planField{index: i, plan: fp})
		}
	default:
		return nil
	}
	return p
}
