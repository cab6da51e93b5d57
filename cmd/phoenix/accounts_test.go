package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

const reviewerPassphrase = "harbour lights at dusk"

// accountLinkPath returns the path and query of the newest password link emailed to
// an address.
func accountLinkPath(t *testing.T, m *Main, to string) string {
	t.Helper()
	emails, err := m.DB.Conn().Emails(context.Background(), store.EmailFilter{
		Page: store.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emails {
		if e.To != to {
			continue
		}
		link := regexp.MustCompile(`https?://\S+/password/set\?token=[A-Za-z0-9_-]+`).FindString(e.Body)
		u, err := url.Parse(link)
		if link == "" || err != nil {
			t.Fatalf("email %q to %s holds no password link:\n%s", e.Subject, to, e.Body)
		}
		return u.RequestURI()
	}
	t.Fatalf("no email to %s in the outbox", to)
	return ""
}

// totpNow returns the current code of secret on the server's clock.
func totpNow(t *testing.T, m *Main, secret string) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, m.Clock.Now(), totp.ValidateOpts{
		Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestMainReviewerAccount walks an administrator creating a reviewer account, the
// reviewer setting a password from the emailed link, turning on two-factor sign-in,
// and signing in with a code, all through the HTML forms.
func TestMainReviewerAccount(t *testing.T) {
	m, _ := bootDemo(t, t.TempDir())
	admin := newWebClient(t, m.URL())
	csrf := admin.signIn("admin@provider.example")

	form := admin.page("/admin/users/new")
	expectStatus(t, "GET /admin/users/new", form, http.StatusOK)
	orgID := mustFind(t, form.body, `<option value="(\d+)" >Southbank Logistics`)
	created := admin.postForm("/admin/users", url.Values{"csrf_token": {csrf},
		"name": {"Rae Viewer"}, "email": {"rae@southbank.example"}, "role": {"org_reviewer"},
		"organisation_id": {orgID}})
	expectStatus(t, "POST /admin/users", created, http.StatusSeeOther)
	if !strings.HasPrefix(created.location(), "/admin/users/") {
		t.Errorf("POST /admin/users redirects to %q, want the account page", created.location())
	}

	reviewer := newWebClient(t, m.URL())
	link := accountLinkPath(t, m, "rae@southbank.example")
	expectStatus(t, "GET the password link", reviewer.page(link), http.StatusOK)
	token := strings.TrimPrefix(link, "/password/set?token=")
	set := reviewer.postForm("/password/set", url.Values{"token": {token},
		"password": {reviewerPassphrase}, "password_confirm": {reviewerPassphrase}})
	expectStatus(t, "POST /password/set", set, http.StatusSeeOther)
	expectStatus(t, "the link a second time", reviewer.page(link), http.StatusNotFound)

	signIn := reviewer.postForm("/signin", url.Values{"email": {"rae@southbank.example"},
		"password": {reviewerPassphrase}})
	expectStatus(t, "reviewer sign-in", signIn, http.StatusSeeOther)
	page := reviewer.page("/me/two-factor")
	if !strings.Contains(page.body, `src="data:image/png;base64,`) {
		t.Errorf("GET /me/two-factor shows no QR code:\n%.2000s", page.body)
	}
	secret := mustFind(t, page.body, `id="two-factor-secret">([A-Z2-7]+)<`)
	meCSRF := mustFind(t, page.body, `name="csrf_token" value="([^"]+)"`)
	on := reviewer.postForm("/me/two-factor", url.Values{"csrf_token": {meCSRF},
		"code": {totpNow(t, m, secret)}})
	expectStatus(t, "POST /me/two-factor", on, http.StatusOK)
	if n := strings.Count(on.body, "<li><code>"); n != 10 {
		t.Errorf("recovery codes shown = %d, want 10", n)
	}

	m.Clock.(*phoenix.SetClock).Advance(30 * time.Second)
	again := newWebClient(t, m.URL())
	step := again.postForm("/signin", url.Values{"email": {"rae@southbank.example"},
		"password": {reviewerPassphrase}, "next": {"/review"}})
	if step.status != http.StatusSeeOther || step.location() != "/signin/code?next=%2Freview" {
		t.Fatalf("sign-in with two-factor on = %d to %q, want 303 to the code page",
			step.status, step.location())
	}
	expectStatus(t, "GET /review before the code", again.page("/review"), http.StatusSeeOther)
	wrong := again.postForm("/signin/code", url.Values{"code": {"000000"}, "next": {"/review"}})
	expectStatus(t, "POST /signin/code wrong", wrong, http.StatusUnauthorized)
	done := again.postForm("/signin/code", url.Values{"code": {totpNow(t, m, secret)},
		"next": {"/review"}})
	if done.status != http.StatusSeeOther || done.location() != "/review" {
		t.Errorf("POST /signin/code = %d to %q, want 303 to /review", done.status, done.location())
	}
	expectStatus(t, "GET /review after the code", again.page("/review"), http.StatusOK)
}

// TestMainAccountsAccess checks that only administrators reach the account pages and
// API, by page and by JSON.
func TestMainAccountsAccess(t *testing.T) {
	m, _ := bootDemo(t, t.TempDir())
	for _, email := range []string{"priya.raman@provider.example", "intake@provider.example",
		"clinical.lead@provider.example", "reviewer@southbank.example"} {
		w := newWebClient(t, m.URL())
		csrf := w.signInJSON(email)
		header := http.Header{"X-CSRF-Token": {csrf}}
		for _, path := range []string{"/admin/users", "/admin/users/1", "/admin/security"} {
			expectStatus(t, email+" GET "+path, w.page(path), http.StatusForbidden)
			expectStatus(t, email+" GET "+path+" as JSON", w.json(path), http.StatusForbidden)
		}
		r := w.postJSON("/admin/users", map[string]string{"name": "Sneaky",
			"email": "sneaky@provider.example", "role": "admin", "time_zone": "UTC"}, header)
		expectStatus(t, email+" POST /admin/users", r, http.StatusForbidden)
		r = w.postJSON("/admin/security", map[string]bool{"two_factor_staff": false}, header)
		expectStatus(t, email+" POST /admin/security", r, http.StatusForbidden)
	}
}

// TestMainAccountsJSON creates and deactivates an account through the JSON API; the
// deactivated person's open session stops working at once.
func TestMainAccountsJSON(t *testing.T) {
	m, _ := bootDemo(t, t.TempDir())
	admin := newWebClient(t, m.URL())
	header := http.Header{"X-CSRF-Token": {admin.signInJSON("admin@provider.example")}}

	r := admin.postJSON("/admin/users", map[string]string{"name": "Kai Counsellor",
		"email": "kai@provider.example", "role": "consultant", "time_zone": "Australia/Hobart"},
		header)
	expectStatus(t, "JSON POST /admin/users", r, http.StatusCreated)
	var acc struct {
		ID          int64  `json:"id"`
		TimeZone    string `json:"time_zone"`
		PasswordSet bool   `json:"password_set"`
	}
	decodeJSON(t, r.body, &acc)
	if acc.ID == 0 || acc.TimeZone != "Australia/Hobart" || acc.PasswordSet {
		t.Errorf("created account = %s", r.body)
	}
	bad := admin.postJSON("/admin/users", map[string]string{"name": "No Zone",
		"email": "nozone@provider.example", "role": "consultant"}, header)
	expectStatus(t, "JSON POST /admin/users without a time zone", bad, http.StatusUnprocessableEntity)

	tom := newWebClient(t, m.URL())
	tom.signIn("tom.whitlock@provider.example")
	expectStatus(t, "Tom's calendar", tom.page("/calendar"), http.StatusOK)
	var tomID struct {
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	decodeJSON(t, tom.json("/me").body, &tomID)
	path := "/admin/users/" + strconv.FormatInt(tomID.User.ID, 10) + "/deactivate"
	expectStatus(t, "JSON "+path, admin.postJSON(path, nil, header), http.StatusOK)
	expectStatus(t, "Tom's calendar after deactivation", tom.page("/calendar"), http.StatusSeeOther)
	expectStatus(t, "Tom's JSON after deactivation", tom.json("/me"), http.StatusUnauthorized)
}

// TestMainSignInThrottle checks the refusal after repeated failures: 429 with a
// Retry-After header and the wait in the message.
func TestMainSignInThrottle(t *testing.T) {
	m, _ := bootDemo(t, t.TempDir())
	w := newWebClient(t, m.URL())
	for i := range 3 {
		r := w.postForm("/signin", url.Values{"email": {"grace.nguyen@provider.example"},
			"password": {"not the password"}})
		expectStatus(t, "wrong password "+strconv.Itoa(i+1), r, http.StatusUnauthorized)
	}
	r := w.postJSON("/signin", map[string]string{"email": "grace.nguyen@provider.example",
		"password": "phoenix-demo"}, nil)
	expectStatus(t, "sign-in while it must wait", r, http.StatusTooManyRequests)
	if got := r.header.Get("Retry-After"); got != "15" && got != "16" {
		t.Errorf("Retry-After = %q, want 15 seconds", got)
	}
	if !strings.Contains(r.body, "Try again in 15 seconds") {
		t.Errorf("refusal = %s, want the wait in the message", r.body)
	}
}
