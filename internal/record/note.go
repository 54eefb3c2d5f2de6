package record

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// openOneLine is note.Open for the notes the log holds: one line of text
// and one signature, by a key known has. It reports false for any other
// note, and for a note note.Open refuses for another reason than a bad
// signature; Open then asks note.Open, which says why. Otherwise it
// returns what note.Open returns (a test holds the two to that): the text
// (with its newline) and the signature, or note.Open's error for a
// signature that does not verify (checked once, not again by note.Open).
// It makes one pass over the note and copies only the signature line,
// where note.Open copies the text and builds two maps for the duplicate
// signatures a log's record never has.
func openOneLine(msg []byte, known note.Verifiers) (text []byte, sig note.Signature, ok bool, err error) {
	// note.Open's first rule: valid UTF-8 with no ASCII control character
	// but the newline.
	for i := 0; i < len(msg); {
		if c := msg[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' {
				return nil, sig, false, nil
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(msg[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, sig, false, nil
		}
		i += size
	}
	// One line of text, a blank line, one signature line.
	split := bytes.IndexByte(msg, '\n')
	if split < 0 || split+1 >= len(msg) || msg[split+1] != '\n' {
		return nil, sig, false, nil
	}
	text, line := msg[:split+1], msg[split+2:]
	if len(line) == 0 || bytes.IndexByte(line, '\n') != len(line)-1 {
		return nil, sig, false, nil
	}
	const sigPrefix = "— "
	if !bytes.HasPrefix(line, []byte(sigPrefix)) {
		return nil, sig, false, nil
	}
	nameBytes, b64Bytes, _ := bytes.Cut(line[len(sigPrefix):len(line)-1], []byte(" "))
	var buf [128]byte
	if len(b64Bytes) == 0 || base64.StdEncoding.DecodedLen(len(b64Bytes)) > len(buf) {
		return nil, sig, false, nil
	}
	n, decodeErr := base64.StdEncoding.Decode(buf[:], b64Bytes)
	if decodeErr != nil || n < 5 {
		return nil, sig, false, nil
	}
	// One string for the name and the signature that Signature keeps.
	both := string(line[len(sigPrefix) : len(line)-1])
	name, b64 := both[:len(nameBytes)], both[len(nameBytes)+1:]
	if !validName(name) {
		return nil, sig, false, nil
	}
	hash := binary.BigEndian.Uint32(buf[:4])
	v, keyErr := known.Verifier(name, hash)
	if keyErr != nil || v.Name() != name || v.KeyHash() != hash {
		return nil, sig, false, nil
	}
	if !v.Verify(text, buf[4:n]) {
		return nil, sig, true, &note.InvalidSignatureError{Name: name, Hash: hash}
	}
	return text, note.Signature{Name: name, Hash: hash, Base64: b64}, true, nil
}

// validName is note's rule for a key name.
func validName(name string) bool {
	return name != "" && utf8.ValidString(name) && strings.IndexFunc(name, unicode.IsSpace) < 0 && !strings.Contains(name, "+")
}
