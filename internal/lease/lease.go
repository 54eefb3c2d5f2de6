// Package lease gives a log exactly one writer among the processes that
// serve it. The writer holds a lock on a file beside the log's directory
// (flock) and, when the index is PostgreSQL, a session advisory lock keyed
// by the log's origin and the index's schema. Both belong to the process:
// the kernel drops the file lock when the process ends, however it ends,
// and PostgreSQL drops the advisory lock when the session's connection
// closes. Other processes read the log and poll for the lease.
//
// The writer records the address it advertises with the lease: in the lock
// file, and as the application name of its PostgreSQL session, so that a
// reader can name the writer to its callers.
package lease

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sys/unix"
)

// Config says which log the lease is for.
type Config struct {
	// Dir is the log's directory; the lock file is File(Dir).
	Dir string
	// Postgres is the index's postgres:// URL, or "" when the index is not
	// PostgreSQL (then the file lock alone is the lease).
	Postgres string
	// Origin is the log's origin.
	Origin string
	// Advertise is the address at which this process serves the API, for
	// readers to name to their callers ("" when it serves none).
	Advertise string
}

// File is the lock file of the log in dir: beside the directory, as the
// SQLite index is.
func File(dir string) string { return strings.TrimSuffix(dir, "/") + ".writer" }

// appPrefix starts the application name of a writer's PostgreSQL session;
// the rest is its advertised address.
const appPrefix = "accord writer "

// maxAppName is PostgreSQL's limit on an application name (NAMEDATALEN-1
// bytes); a longer one is cut short silently.
const maxAppName = 63

// Lease is one process's claim to write a log.
type Lease struct {
	cfg  Config
	path string

	mu   sync.Mutex
	file *os.File  // open and locked while held
	conn *pgx.Conn // the session that holds (or asks for) the advisory lock
	key  int64     // the advisory lock's key (set with conn)
}

// New prepares a lease; it takes nothing yet.
func New(cfg Config) (*Lease, error) {
	if cfg.Postgres != "" && len(appPrefix)+len(cfg.Advertise) > maxAppName {
		return nil, fmt.Errorf("the advertised address %q is too long: with a PostgreSQL index it is kept as the session's application name, at most %d bytes", cfg.Advertise, maxAppName-len(appPrefix))
	}
	return &Lease{cfg: cfg, path: File(cfg.Dir)}, nil
}

// holder is the content of the lock file.
type holder struct {
	Advertise string    `json:"advertise"`
	PID       int       `json:"pid"`
	Host      string    `json:"host"`
	Since     time.Time `json:"since"`
}

// TryAcquire takes the lease if no other process holds it, and reports
// whether this process now holds it. It does not wait.
func (l *Lease) TryAcquire(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file != nil {
		return true, nil
	}
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return false, fmt.Errorf("the writer's lock file: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return false, nil
		}
		return false, fmt.Errorf("the writer's lock file %s: %w", l.path, err)
	}
	// Whoever held it before may have replaced the file: the lock counts
	// only on the file the path names now.
	if !samePath(f, l.path) {
		f.Close()
		return false, nil
	}
	if l.cfg.Postgres != "" {
		ok, err := l.tryAdvisory(ctx)
		if err != nil || !ok {
			f.Close()
			return false, err
		}
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(holder{Advertise: l.cfg.Advertise, PID: os.Getpid(), Host: host, Since: time.Now().UTC()})
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(b, '\n'), 0)
		_ = f.Sync()
	}
	l.file = f
	return true, nil
}

// tryAdvisory asks for the advisory lock on the lease's session,
// connecting first if needed; l.mu is held.
func (l *Lease) tryAdvisory(ctx context.Context) (bool, error) {
	if err := l.connect(ctx); err != nil {
		return false, err
	}
	var ok bool
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := l.conn.QueryRow(qctx, "SELECT pg_try_advisory_lock($1)", l.key).Scan(&ok); err != nil {
		l.dropConn()
		return false, fmt.Errorf("the writer's lease in the index database: %w", err)
	}
	return ok, nil
}

// connect opens the lease's own session, named after the advertised
// address, and derives the lock's key from the log's origin and the
// session's schema (one database may hold the indexes of several logs,
// each in a schema of its own); l.mu is held.
func (l *Lease) connect(ctx context.Context) error {
	if l.conn != nil {
		return nil
	}
	cfg, err := pgx.ParseConfig(l.cfg.Postgres)
	if err != nil {
		return fmt.Errorf("the index database: %w", err)
	}
	cfg.RuntimeParams["application_name"] = appPrefix + l.cfg.Advertise
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return fmt.Errorf("the writer's lease in the index database: %w", err)
	}
	var schema string
	if err := conn.QueryRow(cctx, "SELECT coalesce(current_schema(), '')").Scan(&schema); err != nil {
		_ = conn.Close(context.Background())
		return fmt.Errorf("the writer's lease in the index database: %w", err)
	}
	l.conn, l.key = conn, Key(l.cfg.Origin, schema)
	return nil
}

func (l *Lease) dropConn() {
	if l.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = l.conn.Close(ctx)
		cancel()
		l.conn = nil
	}
}

// Key is the advisory lock key of a log's lease: the first 8 bytes of a
// hash of its origin and the index's schema.
func Key(origin, schema string) int64 {
	h := sha256.Sum256([]byte("accord writer lease\n" + origin + "\n" + schema))
	return int64(binary.BigEndian.Uint64(h[:8]))
}

// Held reports whether this process holds the lease (as far as it knows:
// Check asks).
func (l *Lease) Held() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.file != nil
}

// ErrLost is a lease that its holder no longer holds: its PostgreSQL
// session ended, or its lock file was removed or replaced.
var ErrLost = errors.New("the writer's lease was lost")

// Check returns an error wrapping ErrLost when the lease this process held
// is no longer its own, and releases what is left of it. It returns nil
// when the lease is held, or was not.
func (l *Lease) Check(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return nil
	}
	if !samePath(l.file, l.path) {
		l.releaseLocked()
		return fmt.Errorf("%w: the lock file %s was removed or replaced", ErrLost, l.path)
	}
	if l.cfg.Postgres == "" {
		return nil
	}
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var held bool
	err := l.conn.QueryRow(qctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
		AND objsubid = 1 AND classid::bigint = $1 AND objid::bigint = $2)`, int64(uint64(l.key)>>32), int64(uint64(l.key)&0xffffffff)).Scan(&held)
	switch {
	case err != nil:
		l.releaseLocked()
		return fmt.Errorf("%w: its session in the index database failed: %v", ErrLost, err)
	case !held:
		l.releaseLocked()
		return fmt.Errorf("%w: its session in the index database no longer holds it", ErrLost)
	}
	return nil
}

// Holder is the address the current writer advertises ("" when unknown).
// With PostgreSQL it is the application name of the session that holds the
// advisory lock; otherwise what the lock file says (the last writer's,
// which may have ended since).
func (l *Lease) Holder(ctx context.Context) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file != nil {
		return l.cfg.Advertise
	}
	if l.cfg.Postgres != "" && l.connect(ctx) == nil {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		var name string
		err := l.conn.QueryRow(qctx, `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid::bigint = $1 AND l.objid::bigint = $2
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
			int64(uint64(l.key)>>32), int64(uint64(l.key)&0xffffffff)).Scan(&name)
		if err == nil {
			return strings.TrimPrefix(name, appPrefix)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			l.dropConn()
		}
		return ""
	}
	b, err := os.ReadFile(l.path)
	if err != nil {
		return ""
	}
	var h holder
	if json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Advertise
}

// Release gives the lease up (a no-op when it is not held).
func (l *Lease) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.releaseLocked()
}

func (l *Lease) releaseLocked() {
	// Closing the session ends the advisory lock; closing the file, the
	// flock. The file stays: removing it would let a process lock a new
	// file while another still holds the old one.
	if l.file != nil {
		if l.conn != nil {
			// Unlock first: closing the connection ends the session, and
			// with it the lock, only once the server has noticed.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, _ = l.conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", l.key)
			cancel()
		}
		l.dropConn()
		_ = l.file.Close()
		l.file = nil
	}
}

// Close releases the lease and closes the session a reader polls with.
func (l *Lease) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.releaseLocked()
	l.dropConn()
}

// samePath reports whether path still names the open file f.
func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}
