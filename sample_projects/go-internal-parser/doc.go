// Package svcconf loads the configuration of a network service from a small
// INI-like file, applies SVC_* environment overrides and checks the result.
//
//	# service.conf
//	listen        = ":8080"
//	read_timeout  = 2m30s
//	write_timeout = 1m
//	max_body      = 8MiB
//
//	[tls]
//	cert = "/etc/svc/cert.pem"
//	key  = "/etc/svc/key.pem"
//
// Keys map to the `conf` tags of Config's fields; durations take days and weeks
// ("7d"), sizes take binary and decimal suffixes ("64KiB", "1.5MB").
package svcconf
