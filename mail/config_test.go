package mail

import (
	"strings"
	"testing"
	"time"
)

func validConfig() Config {
	return Config{
		Host: "smtp.example.org",
		Port: 587,
		TLS:  TLSStartTLS,
		From: "Phoenix <noreply@example.org>",
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string // substring; empty means valid
	}{
		{"valid", func(*Config) {}, ""},
		{"valid with auth", func(c *Config) { c.Username, c.Password = "u", "p" }, ""},
		{"valid implicit TLS", func(c *Config) { c.TLS, c.Port = TLSImplicit, 465 }, ""},
		{"valid plain relay", func(c *Config) { c.TLS, c.Port = TLSNone, 25 }, ""},
		{"valid loopback auth without TLS", func(c *Config) {
			c.Host, c.TLS, c.Username, c.Password = "127.0.0.1", TLSNone, "u", "p"
		}, ""},
		{"valid helo and timeout", func(c *Config) {
			c.HeloName, c.Timeout = "phoenix.example.org", 5*time.Second
		}, ""},
		{"host missing", func(c *Config) { c.Host = "" }, "Host is required"},
		{"port zero", func(c *Config) { c.Port = 0 }, "Port 0 is out of range"},
		{"port too high", func(c *Config) { c.Port = 65536 }, "Port 65536 is out of range"},
		{"TLS empty", func(c *Config) { c.TLS = "" }, `TLS mode "" is invalid`},
		{"TLS unknown", func(c *Config) { c.TLS = "ssl" }, `TLS mode "ssl" is invalid`},
		{"from missing", func(c *Config) { c.From = "" }, `From "" is not a valid email address`},
		{"from without domain", func(c *Config) { c.From = "noreply" },
			`From "noreply" is not a valid email address`},
		{"username only", func(c *Config) { c.Username = "u" },
			"Username and Password must both be set or both be empty"},
		{"password only", func(c *Config) { c.Password = "p" },
			"Username and Password must both be set or both be empty"},
		{"auth without TLS to remote host", func(c *Config) {
			c.TLS, c.Username, c.Password = TLSNone, "u", "p"
		}, "password is never sent unencrypted"},
		{"timeout negative", func(c *Config) { c.Timeout = -time.Second }, "Timeout -1s is negative"},
		{"helo with space", func(c *Config) { c.HeloName = "a b" }, `HeloName "a b" contains a space`},
		{"helo with newline", func(c *Config) { c.HeloName = "a\r\nMAIL" }, "HeloName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := validConfig()
			tt.change(&cfg)

			err := cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestConfigValidateReportsAll(t *testing.T) {
	t.Parallel()
	err := Config{Port: -1}.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want errors")
	}

	for _, want := range []string{"Host", "Port -1", "TLS mode", "From"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to contain %q", err, want)
		}
	}
}

func TestConfigEnabled(t *testing.T) {
	t.Parallel()
	if got := (Config{}).Enabled(); got {
		t.Errorf("Config{}.Enabled() = true, want false")
	}
	if got := (Config{Host: "localhost"}).Enabled(); !got {
		t.Errorf("Config{Host: localhost}.Enabled() = false, want true")
	}
}
