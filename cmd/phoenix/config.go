package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/phoenix-eap/phoenix/mail"
)

// Config is Phoenix's configuration. Each option is a flag with an environment
// variable of the same meaning; a flag given on the command line wins.
type Config struct {
	Addr          string
	DataDir       string
	Database      string
	DBMaxConns    int
	Demo          bool
	Now           string
	BaseURL       string
	SecureCookies bool
	LogLevel      string
	SMTP          mail.Config
	// JobPoll is how often the job queue looks for due jobs.
	JobPoll time.Duration
}

// DefaultConfig returns the configuration of a first run: the demo on 127.0.0.1.
func DefaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "phoenix-data", Demo: true,
		LogLevel: "info", JobPoll: time.Second,
		SMTP: mail.Config{Port: 587, TLS: mail.TLSStartTLS}}
}

// parseFlags reads flags, after the environment, into cfg.
func parseFlags(cfg *Config, name string, args []string) error {
	fromEnv(cfg)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on, host:port (PHOENIX_ADDR)")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "folder for the SQLite database, created when missing (PHOENIX_DATA)")
	fs.StringVar(&cfg.Database, "database", cfg.Database, "SQLite file path or postgres:// URL; default DATA/phoenix.db (PHOENIX_DATABASE)")
	fs.IntVar(&cfg.DBMaxConns, "db-max-conns", cfg.DBMaxConns, "most open database connections; 0 means 8 for SQLite, 20 for PostgreSQL (PHOENIX_DB_MAX_CONNS)")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "demo mode: load demo data into an empty database and allow --now (PHOENIX_DEMO)")
	fs.StringVar(&cfg.Now, "now", cfg.Now, "demo mode only: start the clock at this RFC 3339 instant, e.g. 2026-10-29T14:00:00+11:00 (PHOENIX_NOW)")
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public address used in email links; default http://ADDR (PHOENIX_BASE_URL)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", cfg.SecureCookies, "mark cookies Secure, for TLS served by a proxy (PHOENIX_SECURE_COOKIES)")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (PHOENIX_LOG_LEVEL)")
	fs.StringVar(&cfg.SMTP.Host, "smtp-host", cfg.SMTP.Host, "SMTP server; empty keeps email in the administrators' mailbox page (PHOENIX_SMTP_HOST)")
	fs.IntVar(&cfg.SMTP.Port, "smtp-port", cfg.SMTP.Port, "SMTP port (PHOENIX_SMTP_PORT)")
	tls := string(cfg.SMTP.TLS)
	fs.StringVar(&tls, "smtp-tls", tls, "SMTP TLS mode: none, starttls or tls (PHOENIX_SMTP_TLS)")
	fs.StringVar(&cfg.SMTP.Username, "smtp-username", cfg.SMTP.Username, "SMTP user name; the password is read from PHOENIX_SMTP_PASSWORD only (PHOENIX_SMTP_USERNAME)")
	fs.StringVar(&cfg.SMTP.From, "smtp-from", cfg.SMTP.From, "sender address of every email (PHOENIX_SMTP_FROM)")
	fs.DurationVar(&cfg.JobPoll, "job-poll", cfg.JobPoll, "how often background jobs that became due are looked for (PHOENIX_JOB_POLL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.SMTP.TLS = mail.TLSMode(tls)
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return cfg.validate()
}

func (c *Config) validate() error {
	if c.Database == "" {
		c.Database = filepath.Join(c.DataDir, "phoenix.db")
	}
	if c.Now != "" && !c.Demo {
		return errors.New("--now sets the clock for demos and tests only: it needs --demo")
	}
	if c.Now != "" {
		if _, err := time.Parse(time.RFC3339, c.Now); err != nil {
			return fmt.Errorf("--now %q is not an RFC 3339 instant such as 2026-10-29T14:00:00+11:00", c.Now)
		}
	}
	if c.SMTP.Enabled() {
		if err := c.SMTP.Validate(); err != nil {
			return fmt.Errorf("SMTP configuration: %w", err)
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	return nil
}

// fromEnv reads the PHOENIX_ environment variables into c.
func fromEnv(c *Config) {
	str := func(name string, dst *string) {
		if v, ok := os.LookupEnv(name); ok {
			*dst = v
		}
	}
	str("PHOENIX_ADDR", &c.Addr)
	str("PHOENIX_DATA", &c.DataDir)
	str("PHOENIX_DATABASE", &c.Database)
	str("PHOENIX_NOW", &c.Now)
	str("PHOENIX_BASE_URL", &c.BaseURL)
	str("PHOENIX_LOG_LEVEL", &c.LogLevel)
	str("PHOENIX_SMTP_HOST", &c.SMTP.Host)
	str("PHOENIX_SMTP_USERNAME", &c.SMTP.Username)
	str("PHOENIX_SMTP_PASSWORD", &c.SMTP.Password)
	str("PHOENIX_SMTP_FROM", &c.SMTP.From)
	if v, ok := os.LookupEnv("PHOENIX_SMTP_TLS"); ok {
		c.SMTP.TLS = mail.TLSMode(v)
	}
	if v, err := strconv.Atoi(os.Getenv("PHOENIX_SMTP_PORT")); err == nil {
		c.SMTP.Port = v
	}
	if v, err := strconv.Atoi(os.Getenv("PHOENIX_DB_MAX_CONNS")); err == nil {
		c.DBMaxConns = v
	}
	if v, err := strconv.ParseBool(os.Getenv("PHOENIX_DEMO")); err == nil {
		c.Demo = v
	}
	if v, err := strconv.ParseBool(os.Getenv("PHOENIX_SECURE_COOKIES")); err == nil {
		c.SecureCookies = v
	}
	if v, err := time.ParseDuration(os.Getenv("PHOENIX_JOB_POLL")); err == nil {
		c.JobPoll = v
	}
}
