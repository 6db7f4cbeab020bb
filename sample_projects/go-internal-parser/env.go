package svcconf

import (
	"reflect"
	"strings"

	"example.com/svcconf/internal/decode"
)

// EnvPrefix starts the environment variables that override the file:
// SVC_READ_TIMEOUT=1m, SVC_TLS_CERT=/path, SVC_LOG_LEVEL=debug.
const EnvPrefix = "SVC_"

// applyEnv sets cfg's fields from SVC_* variables in environ (KEY=value form).
// Unknown SVC_* names are ignored: other tools share the prefix.
func applyEnv(environ []string, cfg *Config) error {
	root := reflect.ValueOf(cfg).Elem()
	for _, kv := range environ {
		name, raw, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		key := strings.ToLower(strings.TrimPrefix(name, EnvPrefix))
		f, opts, found := envField(root, key)
		if !found {
			continue
		}
		if err := decode.Set(f, opts, raw); err != nil {
			return &Error{Source: "environment", Key: name, Err: err}
		}
	}
	return nil
}

// envField finds the field of a flattened key: "read_timeout", or "tls_cert"
// for Cert in the tls section.
func envField(root reflect.Value, key string) (reflect.Value, string, bool) {
	if f, ok := decode.Field(root, key); ok && f.Kind() != reflect.Struct {
		return f, decode.TagOptions(root, key), true
	}
	t := root.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("conf"), ",")
		sub := root.Field(i)
		if sub.Kind() != reflect.Struct || !strings.HasPrefix(key, name+"_") {
			continue
		}
		rest := strings.TrimPrefix(key, name+"_")
		if f, ok := decode.Field(sub, rest); ok {
			return f, decode.TagOptions(sub, rest), true
		}
	}
	return reflect.Value{}, "", false
}
