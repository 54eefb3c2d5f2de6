package progress_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/progress"
)

// Progress is for a person watching a terminal: into a buffer or a file it
// writes nothing, and its counter and spinner can be used all the same.
func TestNothingButOnATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "err"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	for _, w := range []interface{ Write([]byte) (int, error) }{&b, f} {
		c := progress.NewCounter(w, "counting", 3)
		if c != nil {
			t.Errorf("NewCounter(%T) = %v, want nil off a terminal", w, c)
		}
		c.SetTotal(4)
		c.Set(2)
		c.Finish()
		stop := progress.Spin(w, "spinning")
		time.Sleep(10 * time.Millisecond)
		stop()
		stop()
	}
	if st, _ := f.Stat(); b.Len() != 0 || st.Size() != 0 {
		t.Errorf("wrote %d bytes to a buffer and %d to a file, want none", b.Len(), st.Size())
	}
}
