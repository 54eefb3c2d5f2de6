package input

// IDRule says in words what an id must be (IsID).
const IDRule = "must be 1-128 characters of letters, digits and . _ : -, starting with a letter or digit"

// IsID reports whether s is an id: of a record, of a party, of a talks
// room. Such an id is safe as one segment of a URL's path: no slash, no
// ? or #, no dot segment.
func IsID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == ':' || c == '-'):
		default:
			return false
		}
	}
	return true
}
