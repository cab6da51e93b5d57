package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/phoenix-eap/phoenix/demo"
)

// e2eStepTimeout bounds each browser step: a page load, a click and the wait for its
// result. It is generous because CI machines with two cores can be slow to start
// Chromium and render the first page.
const e2eStepTimeout = 45 * time.Second

// debianChromium is where Debian's chromium package installs the browser.
const debianChromium = "/usr/bin/chromium"

// findChromium returns the Chromium at debian, else the one named chromium on PATH,
// or an error that names what is missing and how to install it.
func findChromium(debian string) (string, error) {
	if _, err := os.Stat(debian); err == nil {
		return debian, nil
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		return "", fmt.Errorf("chromium is not installed (%s is missing and it is not on PATH); "+
			"install it with apt-get install -y chromium", debian)
	}
	return path, nil
}

// requireChromium skips the test when Chromium is missing, unless
// PHOENIX_TEST_REQUIRE_BROWSER=1 makes that a failure, as CI does.
func requireChromium(t *testing.T) string {
	t.Helper()
	path, err := findChromium(debianChromium)
	if err == nil {
		return path
	}
	if os.Getenv("PHOENIX_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatalf("PHOENIX_TEST_REQUIRE_BROWSER=1 but %v", err)
	}
	t.Skipf("skipping the browser test: %v", err)
	return ""
}

// e2eBrowser is a headless Chromium with one tab per signed-in user, and the folder
// that receives a screenshot of each step.
type e2eBrowser struct {
	t     *testing.T
	base  string
	root  context.Context
	shots string

	mu         sync.Mutex
	step       int
	exceptions []string
}

// e2eStartBrowser starts the Chromium at path for the test, against the Phoenix at
// base, saving screenshots in shots. Chromium is stopped when the test ends.
func e2eStartBrowser(t *testing.T, path, base, shots string) *e2eBrowser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		// These keep Chromium from contacting hosts other than 127.0.0.1, which this
		// machine refuses: update checks, sync, default apps and QUIC probes.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		// Containers often have a small /dev/shm, which Chromium can fill and crash.
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)

	// The first context starts Chromium, and each tab gets a browser context of its
	// own from it. The first action on a context runs without a timeout because
	// chromedp ties the browser (or the tab) to the context of that action.
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	if err := chromedp.Do(root, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return &e2eBrowser{t: t, base: base, root: root, shots: shots}
}

// screenshotDir returns the test's screenshot folder, emptied of an earlier run's
// images: $PHOENIX_SCREENSHOTS/<test name> when that is set, else a new folder
// under the system's temporary folder, kept after the test so it can be read.
func screenshotDir(t *testing.T) string {
	t.Helper()
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name(), "_")
	root := os.Getenv("PHOENIX_SCREENSHOTS")
	if root == "" {
		var err error
		if root, err = os.MkdirTemp("", "phoenix-e2e-"); err != nil {
			t.Fatalf("creating the screenshot folder: %v", err)
		}
	}
	dir := filepath.Join(root, name)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatalf("emptying the screenshot folder %s: %v", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating the screenshot folder %s: %v", dir, err)
	}
	t.Logf("screenshots of each step: %s", dir)
	return dir
}

// e2eTab is one browser tab with its own cookies, so each user signs in separately.
type e2eTab struct {
	b    *e2eBrowser
	ctx  context.Context
	user string
}

// newTab opens a tab in a fresh browser context (its own cookie jar). The user label,
// such as "consultant", prefixes the tab's screenshot names and failure messages.
func (b *e2eBrowser) newTab(user string) *e2eTab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	tb := &e2eTab{b: b, ctx: ctx, user: user}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		b.t.Fatalf("opening a tab for the %s: %v", user, err)
	}
	go b.watchExceptions(chromedp.Console(ctx), user)
	return tb
}

// watchExceptions records the tab's uncaught JavaScript exceptions, which fail the
// test when it ends: a broken script can leave a page that still looks right.
func (b *e2eBrowser) watchExceptions(console iter.Seq2[chromedp.ConsoleMessage, error],
	user string) {
	for m, err := range console {
		if err != nil {
			return
		}
		if m.IsException() {
			b.mu.Lock()
			b.exceptions = append(b.exceptions, fmt.Sprintf("%s: %s at %s:%d", user, m.Text,
				m.URL, m.Line))
			b.mu.Unlock()
		}
	}
}

// checkExceptions fails the test for every uncaught JavaScript exception seen.
func (b *e2eBrowser) checkExceptions() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.exceptions {
		b.t.Errorf("uncaught JavaScript exception in %s", e)
	}
}

// do runs the actions of one step within e2eStepTimeout. On failure it saves a
// screenshot of what the page showed, and stops the test.
func (tb *e2eTab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.fail(step, err)
	}
}

// fail stops the test with the step that failed, the page's address and a
// screenshot of it.
func (tb *e2eTab) fail(step string, err error) {
	tb.b.t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %s: %w", e2eStepTimeout, err)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	where, _ := chromedp.Run(ctx, chromedp.Location())
	file := tb.saveShot(ctx, "failed-"+step)
	tb.b.t.Fatalf("%s (%s): %s at %s; screenshot %s", tb.user, step, err, where, file)
}

// e2eResult returns the value of one action, with the timeout and failure report
// of do.
func e2eResult[T any](tb *e2eTab, step string, action chromedp.Action[T]) T {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		tb.fail(step, err)
	}
	return v
}

// shot saves a full-page PNG of the tab as the test's next numbered step.
func (tb *e2eTab) shot(step string) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStepTimeout)
	defer cancel()
	if file := tb.saveShot(ctx, step); file == "" {
		tb.b.t.Fatalf("%s: the screenshot of %q failed", tb.user, step)
	}
}

// saveShot writes the screenshot and returns its file name, or "" when it failed
// (the reason is logged).
func (tb *e2eTab) saveShot(ctx context.Context, step string) string {
	b := tb.b
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot of %q: %v", step, err)
		return ""
	}
	b.mu.Lock()
	b.step++
	n := b.step
	b.mu.Unlock()
	slug := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).
		ReplaceAllString(strings.ToLower(tb.user+" "+step), "-"), "-")
	file := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", n, slug))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("screenshot of %q: %v", step, err)
		return ""
	}
	return file
}

// open loads a Phoenix page by its path and waits until sel is visible on it.
func (tb *e2eTab) open(path, sel string) {
	tb.b.t.Helper()
	tb.navigate("open "+path, chromedp.Navigate(tb.b.base+path))
	tb.do("open "+path, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// follow clicks the element sel, then waits for the browser to reach a path that
// matches pathPattern and for next to be visible there. Waiting for the address
// first keeps an element of the old page from passing for the new one.
func (tb *e2eTab) follow(step, sel, pathPattern, next string) {
	tb.b.t.Helper()
	tb.navigate(step, chromedp.Click(chromedp.CSS(sel)))
	tb.waitPath(step, pathPattern)
	tb.do(step, chromedp.WaitVisible(chromedp.CSS(next)))
}

// navigate runs actions that load a page. A page with an HTTP status of 400 or more
// fails the test at once with the page's text, so that an error page does not wait
// out the timeout of an element that never comes.
func (tb *e2eTab) navigate(step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.b.t.Helper()
	if status := tb.navigateStatus(step, actions...); status >= 400 {
		tb.fail(step, fmt.Errorf("HTTP status %d, page text %q", status,
			e2eExcerpt(tb.pageText())))
	}
}

// navigateStatus runs actions that load a page and returns the page's HTTP status.
func (tb *e2eTab) navigateStatus(step string, actions ...chromedp.Action[chromedp.Void]) int64 {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		tb.fail(step, err)
	}
	return resp.Status
}

// e2eExcerpt shortens text for a failure message.
func e2eExcerpt(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) > 300 {
		return text[:300] + "..."
	}
	return text
}

// waitPath waits until the tab's address path (with its query) matches pattern.
func (tb *e2eTab) waitPath(step, pattern string) string {
	tb.b.t.Helper()
	re := regexp.MustCompile("^" + pattern + "$")
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStepTimeout)
	defer cancel()
	var last string
	for {
		path, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`location.pathname + location.search`))
		if err == nil {
			last = path
			if re.MatchString(path) {
				return path
			}
		}
		select {
		case <-ctx.Done():
			tb.fail(step, fmt.Errorf("the address stayed %q, want a path matching %q",
				last, pattern))
			return ""
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// text returns the visible text of the first element that sel matches.
func (tb *e2eTab) text(sel string) string {
	tb.b.t.Helper()
	return strings.TrimSpace(e2eResult(tb, "read "+sel, chromedp.Text(chromedp.CSS(sel),
		chromedp.NodeVisible)))
}

// pageText returns the text of the whole page as the user sees it.
func (tb *e2eTab) pageText() string {
	tb.b.t.Helper()
	return e2eResult(tb, "read the page", chromedp.Evaluate[string](`document.body.innerText`))
}

// value returns the current value of a form field.
func (tb *e2eTab) value(sel string) string {
	tb.b.t.Helper()
	return e2eResult(tb, "read "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// signIn signs the user in with the demo password and waits for the signed-in page.
func (tb *e2eTab) signIn(email string) {
	tb.b.t.Helper()
	tb.open("/signin", "#email")
	tb.do("type the sign-in details",
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	tb.shot("sign in")
	tb.navigate("sign in",
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type=submit]`)))
	tb.do("wait for the signed-in page", chromedp.WaitVisible(chromedp.CSS("nav.sidebar")))
}

// e2ePress sends one key as a keyboard does: a keyDown that carries the key's text
// (Enter's "\r", a space), then a keyUp. Chromium makes the keypress from that
// keyDown only when the page does not cancel the keydown. chromedp.KeyEvent sends
// a separate char event, whose keypress comes even when the page cancelled the
// keydown, so after a handler moves the focus, it activates the newly focused
// element as no physical key would.
func e2ePress(key string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range key {
			k, ok := kb.Keys[r]
			if !ok {
				return fmt.Errorf("e2ePress: %q is not a key in chromedp's kb.Keys", r)
			}
			down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown,
				Key: k.Key, Code: k.Code, NativeVirtualKeyCode: k.Native,
				WindowsVirtualKeyCode: k.Windows}
			if k.Print {
				down.Text, down.UnmodifiedText = k.Text, k.Unmodified
			}
			up := down
			up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
			for _, ev := range []input.DispatchKeyEventParams{down, up} {
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
