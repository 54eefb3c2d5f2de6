package app

import (
	"cmp"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	f_note "github.com/transparency-dev/formats/note"

	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
)

// WitnessService is a party's witness of one log, from its key files.
type WitnessService struct {
	*ledger.Witness
	// Name is the witness's, LogName the log's; CosignatureKey is the
	// witness's key in the form witness policies name.
	Name, LogName, CosignatureKey string
}

// NewWitnessService loads the witness's private key, the log operator's
// public key and the witness's state (the last checkpoint it cosigned).
func NewWitnessService(keyFile, logPub, stateFile string) (*WitnessService, error) {
	_, skey, err := keyfile.LoadSigner(keyFile)
	if err != nil {
		return nil, err
	}
	cosigner, err := f_note.NewSignerForCosignatureV1(skey)
	if err != nil {
		return nil, err
	}
	_, lv, err := keyfile.LoadVerifier(logPub)
	if err != nil {
		return nil, err
	}
	w, err := ledger.NewWitness(stateFile, cosigner, lv)
	if err != nil {
		return nil, err
	}
	vkey, err := keyfile.VerifierKey(skey)
	if err != nil {
		return nil, err
	}
	ckey, err := ledger.CosignatureKey(vkey)
	if err != nil {
		return nil, err
	}
	return &WitnessService{Witness: w, Name: cosigner.Name(), LogName: lv.Name(), CosignatureKey: ckey}, nil
}

// Serve serves the witness (c2sp.org/tlog-witness) on ln until ctx ends,
// then shuts down, letting requests in flight finish for up to five
// seconds.
func (w *WitnessService) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: w, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// WriteAddr writes addr to path, whole or not at all (a temporary file
// renamed into place), so that a program waiting for the file never reads
// half an address: how a caller learns the port the system chose for a
// listener on port 0.
func WriteAddr(path string, addr net.Addr) error {
	dir, name := filepath.Split(path)
	f, err := os.CreateTemp(cmp.Or(dir, "."), "."+name+"-*")
	if err != nil {
		return err
	}
	_, err = f.WriteString(addr.String() + "\n")
	if err = errors.Join(err, f.Close()); err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
