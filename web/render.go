package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/service"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFS embed.FS

// staticFiles serves the style sheet and scripts, and no folder listings.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// pages holds each page's template, parsed with the layout once at start.
type pages struct {
	byName map[string]*template.Template
}

func parsePages() (*pages, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles,
		"templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("parsing layout: %w", err)
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, f)
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", f, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what every template receives: the page's data and the frame around it.
type view struct {
	Title  string
	Actor  *service.Actor
	CSRF   string
	Demo   bool
	Loc    *time.Location
	Now    time.Time
	Data   any
	Flash  string
	Status int
}

// fallbackZone is the zone pages use for a viewer without one.
var fallbackZone = mustLoad("Australia/Sydney")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.pages.byName[page]
	if !ok {
		s.logError(r, fmt.Errorf("no template named %q", page))
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	v := view{CSRF: csrfOf(r), Demo: s.cfg.Demo, Loc: fallbackZone, Now: s.svc.Now(),
		Data: data, Status: status, Flash: takeFlash(w, r)}
	if a, ok := actorOf(r); ok {
		v.Actor = &a
		v.Loc = a.User.Location(fallbackZone)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.logError(r, fmt.Errorf("rendering %s: %w", page, err))
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

var funcs = template.FuncMap{
	"when": func(loc *time.Location, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 3:04 pm MST")
	},
	"whenPtr": func(loc *time.Location, t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 3:04 pm MST")
	},
	"clock": func(loc *time.Location, t time.Time) string { return t.In(loc).Format("3:04 pm") },
	"day": func(d phoenix.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.In(time.UTC).Format("Mon 2 Jan 2006")
	},
	// due shows an exclusive end-of-day bound as the last day it includes.
	"due": func(loc *time.Location, t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Add(-time.Nanosecond).Format("Monday 2 January 2006")
	},
	"caseRef":    phoenix.CaseReference,
	"requestRef": phoenix.RequestReference,
	"field": func(fields map[string]string, name string) string {
		return fields[name]
	},
	"eq2": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	"add": func(a, b int) int { return a + b },
}
