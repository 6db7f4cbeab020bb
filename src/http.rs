//! The one HTTP client (reqwest + rustls with ring), built here so that a missing
//! CA bundle is a clear error instead of a panic deep inside a library.

use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum HttpClientError {
    #[error("no CA certificates found (install ca-certificates or set SSL_CERT_FILE)")]
    NoCaCertificates,
    #[error("cannot build HTTP client: {0}")]
    Build(String),
}

/// Builds the client every remote call goes through.
///
/// Roots come from the system store (honours `SSL_CERT_FILE`/`SSL_CERT_DIR`), so
/// GitHub Enterprise with a private CA works. Redirects are not followed here: the
/// log downloads must follow a 302 without the token, which the caller does itself.
///
/// `require_roots`: fail when the system has no CA certificates. Off for plain
/// `http://` endpoints (a local Ollama, the test fakes), which need none.
pub fn build_client(
    timeout: Duration,
    require_roots: bool,
) -> Result<reqwest::Client, HttpClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    let loaded = rustls_native_certs::load_native_certs();
    for cert in loaded.certs {
        // A single unparsable certificate in the store must not take the others down.
        let _ = roots.add(cert);
    }
    if roots.is_empty() && require_roots {
        return Err(HttpClientError::NoCaCertificates);
    }
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpClientError::Build(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(timeout)
        .user_agent(concat!("self-heal/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| HttpClientError::Build(e.to_string()))
}
