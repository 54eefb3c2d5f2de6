package record

import (
	"errors"
	"fmt"

	"github.com/accordverify/accord/internal/input"
)

// checkStrict is input.CheckJSON for a record: a key twice in one object
// names its path; any other fault is the record's.
func checkStrict(data []byte) error {
	err := input.CheckJSON(data)
	var fe *input.Error
	if err == nil || errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("record: %v", err)
}
