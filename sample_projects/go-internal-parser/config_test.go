package svcconf

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const serviceConf = `# service.conf
listen        = ":8443"
read_timeout  = 2m30s     # uploads can be slow
write_timeout = 1m
idle_timeout  = 5m
max_body      = 8MiB
trust_proxies = ["10.0.0.0/8", "192.168.0.0/16"]

[tls]
cert = "/etc/svc/cert.pem"
key  = "/etc/svc/key.pem"

[log]
level = debug
`

func TestLoadReadsEveryKind(t *testing.T) {
	cfg, err := Load(strings.NewReader(serviceConf), "service.conf")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.ReadTimeout != 150*time.Second {
		t.Errorf("ReadTimeout = %v, want 2m30s", cfg.ReadTimeout)
	}
	if cfg.MaxBody != 8<<20 {
		t.Errorf("MaxBody = %d, want 8MiB", cfg.MaxBody)
	}
	if got := strings.Join(cfg.TrustProxies, " "); got != "10.0.0.0/8 192.168.0.0/16" {
		t.Errorf("TrustProxies = %q", got)
	}
	if !cfg.UsesTLS() || cfg.Log.Level != "debug" {
		t.Errorf("TLS/log sections not applied: %+v", cfg)
	}
}

func TestDefaultsWithoutAFile(t *testing.T) {
	cfg, err := Load(strings.NewReader(""), "empty.conf")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Listen != ":8080" || cfg.Workers != 4 {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestEnvironmentOverridesTheFile(t *testing.T) {
	t.Setenv("SVC_WORKERS", "16")
	t.Setenv("SVC_LOG_FORMAT", "json")
	cfg, err := Load(strings.NewReader("workers = 2\n"), "service.conf")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Workers != 16 || cfg.Log.Format != "json" {
		t.Errorf("Workers = %d, Log.Format = %q", cfg.Workers, cfg.Log.Format)
	}
}

func TestUnknownKeysAreErrors(t *testing.T) {
	_, err := Load(strings.NewReader("listen = \":80\"\nread_timout = 1m\n"), "service.conf")
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Key != "read_timout" {
		t.Fatalf("err = %v, want an unknown key on line 2", err)
	}
}

func TestValidateRejectsAShortReadTimeout(t *testing.T) {
	_, err := Load(strings.NewReader("read_timeout = 10s\nwrite_timeout = 1m\n"), "service.conf")
	if err == nil || !strings.Contains(err.Error(), "must not be shorter than write_timeout") {
		t.Fatalf("err = %v", err)
	}
}
