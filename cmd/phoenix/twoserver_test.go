package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/smtptest"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/mail"
	"github.com/phoenix-eap/phoenix/store"
)

// TestTwoServers runs two Phoenix servers on one PostgreSQL database, as two servers
// behind a load balancer. A request submitted through one is decided through the
// other, and a session cookie from one works on the other. Each email is sent once and
// each timer fires once. When one server stops, the other finishes the queued work.
func TestTwoServers(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	ctx := context.Background()
	smtp := smtptest.Start(t)
	clock := phoenix.NewSetClock(testenv.Start)
	a := startServer(t, "a", dsn, clock, smtp)
	b := startServer(t, "b", dsn, clock, smtp)

	env := &testenv.Env{DB: a.DB, Svc: a.Service, Clock: clock, DSN: dsn}
	f := env.Seed(t)
	var case2, case3 phoenix.Case
	testenv.Must(t, a.DB.InTx(ctx, func(c *store.Conn) error {
		opened := phoenix.DateIn(testenv.Start, testenv.Melbourne).AddDays(-100)
		names := [][2]string{{"Morgan", "Reyes"}, {"Taylor", "Brooks"}}
		for i, k := range []*phoenix.Case{&case2, &case3} {
			client, err := env.AddClient(ctx, c, f.Org.ID, names[i][0], names[i][1])
			if err != nil {
				return err
			}
			if *k, err = env.AddCase(ctx, c, client, f.Consultant.ID, 6, opened); err != nil {
				return err
			}
		}
		return nil
	}))

	consultant := signIn(t, a, f.Consultant.Email)
	reviewer := signIn(t, a, f.Reviewer.Email)

	// A session cookie made by A works on B, and B's response names the same user.
	var me struct {
		User struct{ Email string } `json:"user"`
	}
	consultant.call(t, b, "GET", "/me", nil, http.StatusOK, &me)
	if me.User.Email != f.Consultant.Email {
		t.Errorf("GET /me on B with A's cookie = %q, want %q", me.User.Email, f.Consultant.Email)
	}

	t.Run("submit on A, decide on B", func(t *testing.T) {
		r1 := submit(t, consultant, a, f.Case.ID, env, "two-server-1")
		var decided struct {
			Request struct{ State string } `json:"request"`
		}
		reviewer.call(t, b, "POST", fmt.Sprintf("/review/requests/%d/decision", r1),
			map[string]string{"decision": "approve", "sessions": "2"}, http.StatusOK, &decided)
		if decided.Request.State != string(phoenix.StateApproved) {
			t.Errorf("state after the decision on B = %q, want approved", decided.Request.State)
		}
		// The same decision sent again, through A, finds the request decided.
		reviewer.call(t, a, "POST", fmt.Sprintf("/review/requests/%d/decision", r1),
			map[string]string{"decision": "approve", "sessions": "2"}, http.StatusConflict, nil)

		k, err := b.DB.Conn().Case(ctx, f.Case.ID)
		testenv.Must(t, err)
		if k.Allowance != f.Case.Allowance+2 {
			t.Errorf("allowance after approving 2 = %d, want %d", k.Allowance, f.Case.Allowance+2)
		}
		waitForOutbox(t, a.DB, smtp)
	})

	t.Run("timers fire once", func(t *testing.T) {
		id := submit(t, consultant, b, case2.ID, env, "two-server-2")
		r, err := a.DB.Conn().Request(ctx, id)
		testenv.Must(t, err)
		waitForOutbox(t, a.DB, smtp)

		clock.Set(r.Goal.Add(time.Minute))
		waitForEvents(t, a.DB, id, "goal", 1)
		waitForOutbox(t, a.DB, smtp)
		clock.Set(r.Deadline.Add(time.Minute))
		waitForEvents(t, a.DB, id, "deadline", 1)
		waitForOutbox(t, a.DB, smtp)

		reminder := fmt.Sprintf("Reminder: extra sessions request %s is due", r.Reference())
		escalation := fmt.Sprintf("Overdue: extra sessions request %s from %s", r.Reference(),
			f.Org.Name)
		wantDelivered(t, smtp, f.Reviewer.Email, reminder, 1)
		wantDelivered(t, smtp, f.Admin.Email, escalation, 1)
		r, err = a.DB.Conn().Request(ctx, id)
		testenv.Must(t, err)
		if !r.Overdue {
			t.Error("request not flagged overdue after its deadline")
		}
	})

	t.Run("B finishes A's queue", func(t *testing.T) {
		// More reviewers make more email. Every delivery fails for now, so the
		// messages stay queued, whichever server tried them.
		for i := range 4 {
			env.AddUser(t, phoenix.User{Email: fmt.Sprintf("reviewer%d@acme.test", i),
				Name: fmt.Sprintf("Reviewer %d", i), Role: phoenix.RoleReviewer,
				OrganisationID: f.Org.ID})
		}
		// The clock passed the first session's 12 hours; this one is made on B and
		// used on A.
		consultant := signIn(t, b, f.Consultant.Email)
		smtp.RejectNext(1_000_000, 451, "Try again later")
		id := submit(t, consultant, a, case3.ID, env, "two-server-3")
		testenv.WaitFor(t, 30*time.Second, "a first, failed attempt at each new email", func() bool {
			list, err := a.DB.Conn().Emails(ctx, store.EmailFilter{RequestID: id})
			testenv.Must(t, err)
			tried := 0
			for _, e := range list {
				if e.Attempts > 0 {
					tried++
				}
			}
			return len(list) == 5 && tried == 5
		})
		r, err := a.DB.Conn().Request(ctx, id)
		testenv.Must(t, err)

		a.stop(t)
		smtp.RejectNext(0, 0, "")
		// The session used on A still works on B after A stops.
		consultant.call(t, b, "GET", "/me", nil, http.StatusOK, nil)

		// The retries and both timers fall due once the clock passes the deadline and
		// the retry times, which River counts from the real clock. Only River's leader
		// moves due jobs to the queue, so B delivering them shows it took over as leader.
		clock.Set(later(*r.Deadline, time.Now()).Add(time.Hour))
		waitForEvents(t, b.DB, id, "goal", 1)
		waitForEvents(t, b.DB, id, "deadline", 1)
		waitForOutbox(t, b.DB, smtp)
		for i := range 4 {
			wantDelivered(t, smtp, fmt.Sprintf("reviewer%d@acme.test", i),
				fmt.Sprintf("Extra sessions request %s awaits your review", r.Reference()), 1)
		}
	})

	// Over the whole run, each message in the outbox reached the SMTP server once.
	wantEachOnce(t, b.DB, smtp)
}

// testServer is a Phoenix server started by a test.
type testServer struct {
	*Main
	name    string
	stopped bool
}

// startServer runs a Phoenix server on a free port of 127.0.0.1, on the shared database
// and clock, sending email to the test SMTP server. Its log goes to the test's
// temporary folder and is printed when the test fails.
func startServer(t *testing.T, name, dsn string, clock *phoenix.SetClock, smtp *smtptest.Server) *testServer {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Database = dsn
	cfg.Demo = false
	cfg.BaseURL = "http://phoenix.test"
	cfg.LogLevel = "info"
	cfg.JobPoll = 50 * time.Millisecond
	cfg.SMTP = mail.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: mail.TLSNone,
		From: "phoenix@provider.example", Timeout: 5 * time.Second, HeloName: "localhost"}
	s := &testServer{Main: NewMain(cfg), name: name}
	s.Clock = clock
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("creating server %s's log: %v", name, err)
	}
	s.LogOutput = logFile
	t.Cleanup(func() {
		if !s.stopped {
			if err := s.Close(); err != nil {
				t.Errorf("stopping server %s: %v", name, err)
			}
		}
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("server %s log:\n%s", name, b)
		}
	})
	if err := s.Run(context.Background()); err != nil {
		t.Fatalf("starting server %s: %v", name, err)
	}
	return s
}

// stop shuts the server down as a deployment does: it finishes the requests and jobs
// under way and leaves queued jobs in the database.
func (s *testServer) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.stopped = true
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("stopping server %s: %v", s.name, err)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// apiSession is a signed-in session used through the JSON API, on any server.
type apiSession struct {
	cookie *http.Cookie
	csrf   string
}

func signIn(t *testing.T, m *testServer, email string) apiSession {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": testenv.Password})
	req, err := http.NewRequest("POST", m.URL()+"/signin", bytes.NewReader(body))
	testenv.Must(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	testenv.Must(t, err)
	defer resp.Body.Close()
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /signin as %s = %d %s, want 200", email, resp.StatusCode, b)
	}
	testenv.Must(t, json.NewDecoder(resp.Body).Decode(&out))
	s := apiSession{csrf: out.CSRF}
	for _, c := range resp.Cookies() {
		if c.Name == "phoenix_session" {
			s.cookie = c
		}
	}
	if s.cookie == nil || s.csrf == "" {
		t.Fatalf("POST /signin as %s set no session cookie or CSRF token", email)
	}
	return s
}

// call sends a JSON request to the server and decodes the JSON response into out.
func (s apiSession) call(t *testing.T, m *testServer, method, path string, in any, want int, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		testenv.Must(t, err)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, m.URL()+path, body)
	testenv.Must(t, err)
	req.AddCookie(s.cookie)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	resp, err := http.DefaultClient.Do(req)
	testenv.Must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	testenv.Must(t, err)
	if resp.StatusCode != want {
		t.Fatalf("%s %s on %s = %d %s, want %d", method, path, m.URL(), resp.StatusCode, b, want)
	}
	if out != nil {
		testenv.Must(t, json.Unmarshal(b, out))
	}
}

// submit submits a request for 2 extra sessions on the case through server m and
// returns its ID.
func submit(t *testing.T, s apiSession, m *testServer, caseID int64, env *testenv.Env, key string) int64 {
	t.Helper()
	var out struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	s.call(t, m, "POST", fmt.Sprintf("/cases/%d/requests", caseID), env.RequestInput(2, key),
		http.StatusCreated, &out)
	if out.State != string(phoenix.StateAwaitingOrganisation) {
		t.Fatalf("submitted request state = %q, want %q", out.State, phoenix.StateAwaitingOrganisation)
	}
	return out.ID
}

// waitForOutbox waits until no message is queued and the SMTP server holds one message
// for each message sent.
func waitForOutbox(t *testing.T, db *store.DB, smtp *smtptest.Server) {
	t.Helper()
	testenv.WaitFor(t, 60*time.Second, "the outbox to empty", func() bool {
		c := db.Conn()
		queued, err := c.Emails(context.Background(), store.EmailFilter{Status: store.EmailQueued})
		testenv.Must(t, err)
		sent, err := c.Emails(context.Background(), store.EmailFilter{Status: store.EmailSent,
			Page: store.Page{Limit: 200}})
		testenv.Must(t, err)
		return len(queued) == 0 && len(smtp.Messages()) >= len(sent)
	})
}

// waitForEvents waits until the request's timeline has n steps of the kind, and fails
// the test if it ever has more.
func waitForEvents(t *testing.T, db *store.DB, requestID int64, kind string, n int) {
	t.Helper()
	testenv.WaitFor(t, 60*time.Second, fmt.Sprintf("%d %q step(s)", n, kind), func() bool {
		events, err := db.Conn().Events(context.Background(), requestID)
		testenv.Must(t, err)
		got := 0
		for _, e := range events {
			if e.Kind == kind {
				got++
			}
		}
		if got > n {
			t.Fatalf("request %d has %d %q steps, want %d", requestID, got, kind, n)
		}
		return got == n
	})
}

// wantDelivered fails the test unless the SMTP server received n messages to the
// address with the subject.
func wantDelivered(t *testing.T, smtp *smtptest.Server, to, subject string, n int) {
	t.Helper()
	got := 0
	for _, m := range smtp.Messages() {
		if len(m.To) == 1 && m.To[0] == to && m.Subject == subject {
			got++
		}
	}
	if got != n {
		t.Errorf("messages to %s with subject %q = %d, want %d", to, subject, got, n)
	}
}

// wantEachOnce fails the test unless the messages the SMTP server received are exactly
// the outbox's sent messages, one each.
func wantEachOnce(t *testing.T, db *store.DB, smtp *smtptest.Server) {
	t.Helper()
	key := func(to, subject string) string { return to + " | " + subject }
	want := map[string]int{}
	for page := 0; ; page++ {
		list, err := db.Conn().Emails(context.Background(), store.EmailFilter{
			Page: store.Page{Limit: 200, Offset: page * 200}})
		testenv.Must(t, err)
		for _, e := range list {
			if e.Status != store.EmailSent {
				t.Errorf("email %d to %s is %s, want sent", e.ID, e.To, e.Status)
			}
			want[key(e.To, e.Subject)]++
		}
		if len(list) < 200 {
			break
		}
	}
	got := map[string]int{}
	for _, m := range smtp.Messages() {
		got[key(strings.Join(m.To, ","), m.Subject)]++
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if want[k] != 1 || got[k] != 1 {
			t.Errorf("%s: %d in the outbox, %d delivered; want 1 and 1", k, want[k], got[k])
		}
	}
	if len(keys) < 10 {
		t.Errorf("only %d distinct messages over the run, want at least 10", len(keys))
	}
}
