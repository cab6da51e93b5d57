package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindChromiumMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	missing := filepath.Join(t.TempDir(), "chromium")

	path, err := findChromium(missing)
	if err == nil {
		t.Fatalf("findChromium(%q) = %q, want an error", missing, path)
	}
	if !strings.Contains(err.Error(), "apt-get install -y chromium") {
		t.Errorf("findChromium(%q) error = %q, want it to say how to install Chromium",
			missing, err)
	}
}

func TestFindChromiumOnPath(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "chromium")
	if err := os.WriteFile(want, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	missing := filepath.Join(t.TempDir(), "chromium")

	got, err := findChromium(missing)
	if err != nil || got != want {
		t.Errorf("findChromium(%q) = %q, %v, want %q", missing, got, err, want)
	}
}
