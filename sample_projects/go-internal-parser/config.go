package svcconf

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"example.com/svcconf/internal/decode"
)

// Config is a service's configuration.
type Config struct {
	Listen       string        `conf:"listen"`
	PublicURL    string        `conf:"public_url"`
	ReadTimeout  time.Duration `conf:"read_timeout"`
	WriteTimeout time.Duration `conf:"write_timeout"`
	IdleTimeout  time.Duration `conf:"idle_timeout"`
	ShutdownWait time.Duration `conf:"shutdown_wait"`
	MaxBody      int64         `conf:"max_body,size"`
	MaxHeader    int64         `conf:"max_header,size"`
	Workers      int           `conf:"workers"`
	Debug        bool          `conf:"debug"`
	TrustProxies []string      `conf:"trust_proxies"`
	TLS          TLSConfig     `conf:"tls"`
	Log          LogConfig     `conf:"log"`
}

// TLSConfig is the [tls] section; empty Cert and Key mean plain HTTP.
type TLSConfig struct {
	Cert       string   `conf:"cert"`
	Key        string   `conf:"key"`
	MinVersion string   `conf:"min_version"`
	ClientCAs  []string `conf:"client_cas"`
}

// LogConfig is the [log] section.
type LogConfig struct {
	Level  string `conf:"level"`
	Format string `conf:"format"`
	File   string `conf:"file"`
}

// Default is the configuration before any file or environment is applied.
func Default() *Config {
	return &Config{
		Listen:       ":8080",
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  2 * time.Minute,
		ShutdownWait: 10 * time.Second,
		MaxBody:      1 << 20,
		MaxHeader:    64 << 10,
		Workers:      4,
		TLS:          TLSConfig{MinVersion: "1.2"},
		Log:          LogConfig{Level: "info", Format: "text"},
	}
}

// Error is a problem with one key of the file or the environment.
type Error = decode.Error

// Load reads a configuration file over the defaults, then the environment, and
// checks the result.
func Load(r io.Reader, name string) (*Config, error) {
	cfg := Default()
	if err := decode.File(r, name, cfg); err != nil {
		return nil, err
	}
	if err := applyEnv(os.Environ(), cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// LoadFile is Load of the named file.
func LoadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("svcconf: %w", err)
	}
	defer f.Close()
	return Load(f, path)
}

// Validate checks values that are wrong whatever their source.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %v", err))
	}
	if c.PublicURL != "" && !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		errs = append(errs, fmt.Errorf("public_url: %q is not an http(s) URL", c.PublicURL))
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"read_timeout", c.ReadTimeout}, {"write_timeout", c.WriteTimeout}, {"idle_timeout", c.IdleTimeout}} {
		if d.v < time.Second {
			errs = append(errs, fmt.Errorf("%s: %v is shorter than 1s", d.key, d.v))
		}
	}
	if c.ReadTimeout < c.WriteTimeout {
		// A request must be read before its response is written: a shorter read
		// timeout cuts uploads that the write timeout would allow.
		errs = append(errs, fmt.Errorf("read_timeout %v must not be shorter than write_timeout %v", c.ReadTimeout, c.WriteTimeout))
	}
	if c.IdleTimeout < c.ReadTimeout {
		errs = append(errs, fmt.Errorf("idle_timeout %v must not be shorter than read_timeout %v", c.IdleTimeout, c.ReadTimeout))
	}
	if c.MaxBody <= 0 {
		errs = append(errs, errors.New("max_body must be positive"))
	}
	if c.MaxHeader < 4<<10 {
		errs = append(errs, fmt.Errorf("max_header %d is below 4KiB", c.MaxHeader))
	}
	if c.Workers < 1 || c.Workers > 1024 {
		errs = append(errs, fmt.Errorf("workers %d is not between 1 and 1024", c.Workers))
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		errs = append(errs, errors.New("tls: cert and key go together"))
	}
	switch c.TLS.MinVersion {
	case "1.2", "1.3":
	default:
		errs = append(errs, fmt.Errorf("tls.min_version %q is not 1.2 or 1.3", c.TLS.MinVersion))
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level %q is not debug, info, warn or error", c.Log.Level))
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log.format %q is not text or json", c.Log.Format))
	}
	if len(errs) > 0 {
		return fmt.Errorf("svcconf: %w", errors.Join(errs...))
	}
	return nil
}

// UsesTLS reports whether the service terminates TLS itself.
func (c *Config) UsesTLS() bool { return c.TLS.Cert != "" }
