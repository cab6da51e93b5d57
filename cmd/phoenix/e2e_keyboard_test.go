package main

import (
	"strconv"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// e2eMenuState is what the keyboard test reads from the page after each key.
type e2eMenuState struct {
	Focus        string `json:"focus"`
	MenuOpen     bool   `json:"menuOpen"`
	SubOpen      bool   `json:"subOpen"`
	MenuExpanded string `json:"menuExpanded"`
	SubExpanded  string `json:"subExpanded"`
}

// checkMenu checks which element has the focus and which menus are open, with
// their buttons' aria-expanded.
func (tb *e2eTab) checkMenu(step, focus string, menu, sub bool) {
	tb.b.t.Helper()
	t := tb.b.t
	got := e2eResult(tb, "read the menu", chromedp.Evaluate[e2eMenuState](`({
		focus: document.activeElement.id,
		menuOpen: !document.getElementById("actions-list").hidden,
		subOpen: !document.getElementById("add-work-list").hidden,
		menuExpanded: document.getElementById("actions-button").getAttribute("aria-expanded"),
		subExpanded: document.getElementById("add-work").getAttribute("aria-expanded"),
	})`))
	if got.Focus != focus {
		t.Errorf("after %s: focus on #%s, want #%s", step, got.Focus, focus)
	}
	if got.MenuOpen != menu || got.MenuExpanded != strconv.FormatBool(menu) {
		t.Errorf("after %s: menu open %v (aria-expanded %q), want %v", step, got.MenuOpen,
			got.MenuExpanded, menu)
	}
	if got.SubOpen != sub || got.SubExpanded != strconv.FormatBool(sub) {
		t.Errorf("after %s: Add Work open %v (aria-expanded %q), want %v", step, got.SubOpen,
			got.SubExpanded, sub)
	}
}

// tabTo presses Tab from the top of the page until the element with the ID has the
// focus, and fails when it never does.
func (tb *e2eTab) tabTo(id string) {
	tb.b.t.Helper()
	const maxTabs = 60
	var seen []string
	for range maxTabs {
		tb.do("press Tab", e2ePress(kb.Tab))
		focus := e2eResult(tb, "read the focus", chromedp.Evaluate[string](
			`document.activeElement.id || document.activeElement.tagName`))
		if focus == id {
			return
		}
		seen = append(seen, focus)
	}
	tb.b.t.Fatalf("Tab never reached #%s in %d presses; the focus went through %q",
		id, maxTabs, seen)
}
