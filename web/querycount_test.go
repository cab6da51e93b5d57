package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
	"github.com/phoenix-eap/phoenix/web"
)

// TestPageQueries checks that the consultant's pages cost the same number of queries
// with 5 sessions as with 50: none of them runs a query per row.
func TestPageQueries(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		env := testenv.New(t, dsn, testenv.Options{NoQueue: true})
		f := env.Seed(t)
		srv, err := web.New(web.Config{Service: env.Svc, Logger: env.Logger})
		testenv.Must(t, err)
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		client := signedInClient(t, ts.URL, f.Consultant.Email)

		// Sessions go in the week of Monday 2 November, one client per five sessions,
		// each with its waiting task, so that lists and name lookups grow with them.
		monday := time.Date(2026, 11, 2, 8, 0, 0, 0, testenv.Melbourne)
		firstCase := f.Case
		addSessions := func(from, to int) {
			for i := from; i < to; i++ {
				k := f.Case
				if i%5 == 0 && i > 0 {
					k = newQueryClient(t, env, f, i)
				}
				at := monday.AddDate(0, 0, i%5).Add(time.Duration(i/5) * time.Hour)
				s := env.AddSession(t, k, at, phoenix.SessionScheduled)
				_, err := env.Conn().CreateTask(context.Background(), phoenix.Task{CaseID: k.ID,
					Kind: phoenix.TaskWaitingForCompletion, AssigneeID: f.Consultant.ID,
					SessionID: s.ID, Open: true, CreatedAt: at})
				testenv.Must(t, err)
			}
		}
		addSessions(0, 5)
		pages := []string{"/calendar?date=2026-11-02", "/calendar?date=2026-11-02&view=day",
			fmt.Sprintf("/cases/%d", firstCase.ID), "/cases", "/requests"}
		small := make([]int64, len(pages))
		for i, p := range pages {
			small[i] = countQueries(t, env, client, ts.URL+p)
			if small[i] == 0 {
				t.Errorf("GET %s ran no counted queries; the counter is not wired", p)
			}
		}

		// 45 more, five of them on the first case.
		addSessions(5, 50)
		for i := range 5 {
			env.AddSession(t, firstCase, monday.AddDate(0, 0, 7+i), phoenix.SessionScheduled)
		}
		for i, p := range pages {
			if large := countQueries(t, env, client, ts.URL+p); large != small[i] {
				t.Errorf("GET %s: %d queries with 50 sessions, %d with 5; want the same",
					p, large, small[i])
			}
		}
	})
}

func newQueryClient(t *testing.T, env *testenv.Env, f testenv.Fixture, i int) phoenix.Case {
	t.Helper()
	var k phoenix.Case
	ctx := context.Background()
	testenv.Must(t, env.DB.InTx(ctx, func(c *store.Conn) error {
		client, err := env.AddClient(ctx, c, f.Org.ID, "Client", fmt.Sprintf("Q%03d", i))
		if err != nil {
			return err
		}
		k, err = env.AddCase(ctx, c, client, f.Consultant.ID, 6,
			phoenix.MustParseDate("2026-10-01"))
		return err
	}))
	return k
}

// countQueries fetches a page and returns the number of statements it ran.
func countQueries(t *testing.T, env *testenv.Env, client *http.Client, target string) int64 {
	t.Helper()
	before := env.DB.QueryCount()
	resp, err := client.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d\n%.500s", target, resp.StatusCode, body)
	}
	return env.DB.QueryCount() - before
}

// signedInClient signs in through the sign-in form and returns a client that carries
// the session cookie.
func signedInClient(t *testing.T, base, email string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	testenv.Must(t, err)
	client := &http.Client{Jar: jar}
	form := url.Values{"email": {email}, "password": {testenv.Password}}
	resp, err := client.Post(base+"/signin", "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()))
	testenv.Must(t, err)
	resp.Body.Close()
	u, _ := url.Parse(base)
	if len(jar.Cookies(u)) == 0 {
		t.Fatalf("signing in as %s set no cookie (status %d)", email, resp.StatusCode)
	}
	return client
}
