package report

// The check of a record's receipt, as JSON and in words.

import (
	"fmt"
	"io"
)

// ReceiptCheck is what the check of a receipt found.
type ReceiptCheck struct {
	OK    bool   `json:"ok"`
	Index uint64 `json:"index"`
	// Origin, Size and Root are the checkpoint the record is proved in.
	Origin string `json:"origin,omitempty"`
	Size   uint64 `json:"size,omitempty"`
	Root   string `json:"root_hex,omitempty"`
	// Error says why it does not verify.
	Error string `json:"error,omitempty"`
}

// TextReceiptCheck writes a receipt that verifies in one line.
func TextReceiptCheck(w io.Writer, c ReceiptCheck) error {
	_, err := fmt.Fprintf(w, "receipt OK: index %d is in %s at size %d (root %s)\n", c.Index, c.Origin, c.Size, c.Root)
	return err
}
