package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// e2eImportCSV returns an employer's export of n staff of Gold Coast Marine.
func e2eImportCSV(n int) string {
	var b strings.Builder
	b.WriteString("Given Name,Surname,DOB,Email,Mobile,Employee ID\r\n")
	for i := range n {
		fmt.Fprintf(&b, "Staff%d,Marlin,%02d/%02d/%d,staff%d@gcmarine.example,04%02d 555 %03d,GCM-%d\r\n",
			i, 1+i%28, 1+i%12, 1960+i%40, i, i%100, 100+i, 1000+i)
	}
	return b.String()
}

// TestE2EAdministration walks the administrator's set-up in the browser: a new
// organisation with its terms, a rejected import, an import of 50 clients with its
// progress page, and the audit log answering who opened one of them.
func TestE2EAdministration(t *testing.T) {
	e := newE2E(t)
	admin := e.b.newTab("admin")
	admin.signIn("admin@provider.example")

	admin.open("/admin/organisations/new", "#name")
	admin.typeInto("#name", "Gold Coast Marine")
	admin.chooseOption("#region", "Queensland (QLD; Australia/Brisbane)")
	admin.typeInto("#sessions_per_period", "5")
	admin.typeInto("#max_extra_per_request", "3")
	admin.shot("new organisation")
	admin.navigate("add the organisation", chromedp.Click(chromedp.CSS("#create-organisation")))
	admin.waitPath("wait for the organisation", `/admin/organisations/\d+`)
	admin.do("see the confirmation", chromedp.WaitVisible(chromedp.CSS("p.flash")))
	terms := admin.text("#contracts tbody")
	if !strings.Contains(terms, "In force") || !strings.Contains(terms, "5\t3\t12") {
		t.Errorf("contract terms read %q, want 5 sessions, 3 extra, review at 12, in force", terms)
	}

	// A file with a bad row is checked and reported, and imports nothing.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	content := e2eImportCSV(3) + "Late,Row,31/02/1990,late@gcmarine.example,0400 000 000,GCM-9\r\n"
	if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	admin.open("/imports", "#file")
	admin.chooseOption("#organisation_id", "Gold Coast Marine")
	admin.do("choose the bad file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{bad}))
	admin.do("upload the bad file", chromedp.Click(chromedp.CSS("#upload")))
	admin.waitPath("wait for the bad file's page", `/imports/\d+`)
	admin.do("wait for the problems", chromedp.WaitVisible(chromedp.CSS("#import-problems")))
	admin.shot("import rejected")
	if got := admin.text("#import-problems tbody"); !strings.HasPrefix(got, "5\tDate of birth") {
		t.Errorf("problems read %q, want line 5's date of birth", got)
	}

	file := filepath.Join(t.TempDir(), "gold-coast-marine.csv")
	if err := os.WriteFile(file, []byte(e2eImportCSV(50)), 0o600); err != nil {
		t.Fatal(err)
	}
	admin.open("/imports", "#file")
	admin.chooseOption("#organisation_id", "Gold Coast Marine")
	admin.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}))
	admin.shot("import form")
	admin.do("upload", chromedp.Click(chromedp.CSS("#upload")))
	admin.waitPath("wait for the import's page", `/imports/\d+`)
	admin.do("wait for the outcome", chromedp.WaitVisible(chromedp.CSS("#import-message")))
	admin.shot("import done")
	if got := admin.text("#import-state"); got != "50 clients imported" {
		t.Fatalf("import state reads %q, want 50 clients imported", got)
	}

	intake := e.b.newTab("intake")
	intake.signIn("intake@provider.example")
	intake.open("/clients?q=marlin", "#clients")
	intake.follow("open a client", "#clients tbody a", `/clients/\d+`, "#details-h")
	path := intake.waitPath("read the client's address", `/clients/\d+`)
	clientID := strings.TrimPrefix(path, "/clients/")
	intake.shot("client page")

	admin.open("/admin/audit", "#client")
	admin.typeInto("#client", clientID)
	admin.navigate("search the audit log", chromedp.Click(chromedp.CSS("#search-audit")))
	admin.waitPath("wait for the results", `/admin/audit\?.*client=`+clientID+`.*`)
	admin.shot("audit log")
	rows := admin.text("#audit-events tbody")
	if !regexp.MustCompile(`Ivy Intake[\s\S]*view client`).MatchString(rows) {
		t.Errorf("audit log for client %s reads %q, want Ivy Intake's view", clientID, rows)
	}
	if !strings.Contains(rows, "imported from gold-coast-marine.csv") {
		t.Errorf("audit log for client %s reads %q, want the import that added the client",
			clientID, rows)
	}
}
