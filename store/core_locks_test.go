package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

// lockCase is one of the store's row locks, with a write under it and a read of that
// write.
type lockCase struct {
	name  string
	lock  func(ctx context.Context, c *store.Conn) error
	write func(ctx context.Context, c *store.Conn) error
	// read returns what the write changed, as the second transaction reads it.
	read func(ctx context.Context, c *store.Conn) (string, error)
	want string
}

func lockCases(w *world, r phoenix.Request, emailID int64) []lockCase {
	return []lockCase{
		{
			name: "LockCase",
			lock: func(ctx context.Context, c *store.Conn) error {
				_, err := c.LockCase(ctx, w.kase.ID)
				return err
			},
			write: func(ctx context.Context, c *store.Conn) error {
				return c.AddGrant(ctx, w.kase.ID, w.client.ID, phoenix.MustParseDate("2026-11-02"), 2, 0)
			},
			read: func(ctx context.Context, c *store.Conn) (string, error) {
				k, err := c.LockCase(ctx, w.kase.ID)
				return fmt.Sprint(k.Allowance), err
			},
			want: "8",
		},
		{
			name: "LockRequest",
			lock: func(ctx context.Context, c *store.Conn) error {
				_, err := c.LockRequest(ctx, r.ID)
				return err
			},
			write: func(ctx context.Context, c *store.Conn) error {
				decided := r
				decided.State, decided.Approved = phoenix.StateApproved, 2
				return c.UpdateRequest(ctx, decided)
			},
			read: func(ctx context.Context, c *store.Conn) (string, error) {
				got, err := c.LockRequest(ctx, r.ID)
				return string(got.State), err
			},
			want: string(phoenix.StateApproved),
		},
		{
			name: "LockEmail",
			lock: func(ctx context.Context, c *store.Conn) error {
				_, err := c.LockEmail(ctx, emailID)
				return err
			},
			write: func(ctx context.Context, c *store.Conn) error {
				sent := t0
				return c.MarkEmail(ctx, emailID, store.EmailSent, "", 1, &sent)
			},
			read: func(ctx context.Context, c *store.Conn) (string, error) {
				e, err := c.LockEmail(ctx, emailID)
				return e.Status, err
			},
			want: store.EmailSent,
		},
	}
}

// TestLockWaits runs two transactions that lock one row: the second waits for the
// first to commit and then reads its write. The order is taken from a log that each
// transaction appends to, never from timings.
func TestLockWaits(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		r := w.addRequest(t, w.request(w.kase), "key-1")
		emailID := newID(t)(w.db.Conn().CreateEmail(context.Background(), store.Email{
			RequestID: r.ID, Audience: "organisation", To: w.reviewer.Email, Subject: "s",
			Body: "b", CreatedAt: t0}))
		for _, lc := range lockCases(w, r, emailID) {
			t.Run(lc.name, func(t *testing.T) { testLockWaits(t, w.db, lc) })
		}
	})
}

func testLockWaits(t *testing.T, db *store.DB, lc lockCase) {
	ctx := context.Background()
	var mu sync.Mutex
	var order []string
	log := func(step string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, step)
	}
	locked, proceed := make(chan struct{}), make(chan struct{})
	firstDone, secondDone := make(chan error, 1), make(chan error, 1)
	var seen string
	// release lets the first transaction go on. It is deferred too, so that a failed
	// test does not leave that transaction waiting.
	release := sync.OnceFunc(func() { close(proceed) })
	defer release()

	go func() {
		firstDone <- db.InTx(ctx, func(c *store.Conn) error {
			if err := lc.lock(ctx, c); err != nil {
				return err
			}
			log("first locked")
			close(locked)
			<-proceed
			if err := lc.write(ctx, c); err != nil {
				return err
			}
			log("first wrote")
			return nil
		})
	}()
	<-locked

	go func() {
		secondDone <- db.InTx(ctx, func(c *store.Conn) error {
			v, err := lc.read(ctx, c)
			if err != nil {
				return err
			}
			log("second locked")
			seen = v
			return nil
		})
	}()
	waitUntilBlocked(t, db, secondDone)
	release()

	testenv.Must(t, <-firstDone)
	testenv.Must(t, <-secondDone)
	want := []string{"first locked", "first wrote", "second locked"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("%s: order = %q, want %q", lc.name, order, want)
	}
	if seen != lc.want {
		t.Errorf("%s: second transaction read %q, want the first's write %q", lc.name, seen, lc.want)
	}
}

// waitUntilBlocked returns once a second transaction waits for a lock. PostgreSQL shows
// the wait in pg_locks. SQLite waits in BEGIN IMMEDIATE, which it does not show, so
// there the sign is the second connection taken from the pool: the transaction that
// took it is in, or about to enter, its BEGIN. It fails the test when the second
// transaction ends first, since it should have waited.
func waitUntilBlocked(t *testing.T, db *store.DB, done chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the second transaction ended (error %v) while the first held the lock", err)
		default:
		}
		if blocked(t, db) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the second transaction did not start waiting for the lock in 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func blocked(t *testing.T, db *store.DB) bool {
	if db.Dialect() != store.Postgres {
		return db.SQL().Stats().InUse >= 2
	}
	var n int
	err := db.SQL().QueryRow(`SELECT count(*) FROM pg_locks l
		JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE NOT l.granted AND a.datname = current_database()`).Scan(&n)
	testenv.Must(t, err)
	return n > 0
}

// TestConcurrentSubmissions starts submissions on one case at once. Under the case's
// lock each checks for an open request before it creates one, so exactly one succeeds
// and every other finds it, rather than falling back on the unique index.
func TestConcurrentSubmissions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		const n = 8
		errOpen := errors.New("the case already has an open request")

		results := runTogether(n, func(i int) error {
			return w.db.InTx(ctx, func(c *store.Conn) error {
				if _, err := c.LockCase(ctx, w.kase.ID); err != nil {
					return err
				}
				if _, ok, err := c.OpenRequest(ctx, w.kase.ID); err != nil {
					return err
				} else if ok {
					return errOpen
				}
				_, err := c.CreateRequest(ctx, w.request(w.kase), w.consultant.ID,
					fmt.Sprintf("key-%d", i))
				return err
			})
		})

		created, found := 0, 0
		for i, err := range results {
			switch {
			case err == nil:
				created++
			case errors.Is(err, errOpen):
				found++
			default:
				t.Errorf("submission %d: %v, want success or the open request found", i, err)
			}
		}
		if created != 1 || found != n-1 {
			t.Errorf("submissions: %d created, %d found the open request; want 1 and %d",
				created, found, n-1)
		}
		if got := count(t, w.db, "requests", ""); got != 1 {
			t.Errorf("requests stored = %d, want 1", got)
		}
	})
}

// TestConcurrentDecisions decides one request from several transactions at once: the
// request's lock lets one decide and grant, and every other finds the decision.
func TestConcurrentDecisions(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		r := w.addRequest(t, w.request(w.kase), "key-1")
		const n = 8
		errDecided := errors.New("the request is already decided")

		results := runTogether(n, func(i int) error {
			return w.db.InTx(ctx, func(c *store.Conn) error {
				got, err := c.LockRequest(ctx, r.ID)
				if err != nil {
					return err
				}
				if got.State != phoenix.StateAwaitingOrganisation {
					return errDecided
				}
				decided := t0.Add(time.Duration(i) * time.Second)
				got.State, got.Approved, got.DecidedAt = phoenix.StateApproved, 2, &decided
				got.Reason = fmt.Sprintf("decision %d", i)
				if err := c.UpdateRequest(ctx, got); err != nil {
					return err
				}
				return c.AddGrant(ctx, got.CaseID, got.ClientID,
					phoenix.MustParseDate("2026-11-02"), got.Approved, got.ID)
			})
		})

		decided, refused := 0, 0
		for i, err := range results {
			switch {
			case err == nil:
				decided++
			case errors.Is(err, errDecided):
				refused++
			default:
				t.Errorf("decision %d: %v, want success or already decided", i, err)
			}
		}
		if decided != 1 || refused != n-1 {
			t.Errorf("decisions: %d decided, %d found it decided; want 1 and %d", decided,
				refused, n-1)
		}
		k, err := w.db.Conn().Case(ctx, w.kase.ID)
		testenv.Must(t, err)
		if k.Allowance != 8 {
			t.Errorf("allowance = %d after one approval of 2, want 8", k.Allowance)
		}
		if got := count(t, w.db, "grants", "request_id IS NOT NULL"); got != 1 {
			t.Errorf("grants for the request = %d, want 1", got)
		}
	})
}

// runTogether runs fn n times at once, released together, and returns each error.
func runTogether(n int, fn func(i int) error) []error {
	start := make(chan struct{})
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return results
}
