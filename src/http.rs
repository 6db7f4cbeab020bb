//! The one HTTP layer: the client every remote call goes through (reqwest + rustls
//! with ring, built here so that a missing CA bundle is a clear error instead of a
//! panic deep inside a library), and [`send`], the one retry loop that both the
//! GitHub and the LLM clients use.
//!
//! The rules [`send`] applies, whoever calls it:
//! - the server's own wait wins: `retry-after-ms`, `Retry-After` (seconds or an HTTP
//!   date), `x-ratelimit-reset` (GitHub's epoch seconds, or seconds from now) and
//!   the `x-ratelimit-reset-{requests,tokens}` of the limit that ran out (OpenAI's
//!   `1m30s` form); a wait beyond [`RetryPolicy::max_wait`] gives up at once;
//! - without a hint: exponential backoff with up to 25% jitter, capped at `max_wait`;
//! - 429 and GitHub's rate-limit 403 (`x-ratelimit-remaining: 0` or `Retry-After`)
//!   are retried for every request: the server did nothing;
//! - 5xx, 408, timeouts and broken connections are retried only for a request
//!   marked [`Replay::Safe`]: a POST that creates something (a PR, a comment) is
//!   never sent again once it may have reached the server; a connection that was
//!   never established is retried for every request;
//! - 401, and 403 without rate-limit headers, are never retried;
//! - every body is read with a size cap ([`SendOptions::body_limit`]).

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// Retry and wait limits. Tests shrink them; production keeps the callers' defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Extra attempts after the first.
    pub max_retries: u32,
    /// First backoff when the server gives no hint; doubles on each retry.
    pub backoff: Duration,
    /// Longest single wait. A server asking for longer (a daily quota) ends the retries.
    pub max_wait: Duration,
}

/// Whether a request may be sent again once it may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Reads, updates that set a value (PATCH, PUT), and requests whose repetition
    /// changes nothing the user sees (a chat completion).
    Safe,
    /// Creates something: resent only when the server said it did nothing (429,
    /// a rate-limit 403) or the connection was never made.
    Once,
}

impl Replay {
    /// The usual reading of a method: GET, HEAD, PUT, PATCH, DELETE are safe.
    pub fn of(method: &reqwest::Method) -> Replay {
        use reqwest::Method;
        if [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ]
        .contains(method)
        {
            Replay::Safe
        } else {
            Replay::Once
        }
    }
}

/// How one request is sent.
#[derive(Debug, Clone, Copy)]
pub struct SendOptions {
    pub retry: RetryPolicy,
    pub replay: Replay,
    /// Bodies longer than this are refused ([`HttpError::TooLarge`]), error bodies too.
    pub body_limit: u64,
    /// Limit for one exchange (sending and reading the whole body), on top of the
    /// client's own timeout; `None`: the client's alone.
    pub exchange_timeout: Option<Duration>,
    /// A 429 whose body holds this text is final (OpenAI's `insufficient_quota`:
    /// a spent quota does not come back by waiting).
    pub final_429_marker: Option<&'static str>,
}

/// A response read completely.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub version: reqwest::Version,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Requests sent, this one included.
    pub attempts: u32,
    /// Set when this failed response is final because of the rules rather than the
    /// status: the retries ran out, or the server asked for a wait beyond the cap.
    pub gave_up: Option<GaveUp>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    }

    /// Turns the buffered response back into a `reqwest::Response` (for libraries
    /// that want one, such as async-openai).
    pub fn into_reqwest(self) -> reqwest::Response {
        let mut response = ::http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.version_mut() = self.version;
        *response.headers_mut() = self.headers;
        reqwest::Response::from(response)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaveUp {
    /// Every retry was spent and the last answer was still retryable.
    RetriesExhausted,
    /// The server asked for this wait, beyond [`RetryPolicy::max_wait`].
    WaitTooLong(Duration),
}

/// A request that got no complete response. Messages never carry the URL (a
/// pre-signed URL's query is a credential) nor any header.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    #[error("timed out")]
    Timeout { attempts: u32 },
    #[error("{message}")]
    Unreachable { attempts: u32, message: String },
    #[error("the response exceeds the {limit} byte limit")]
    TooLarge { limit: u64 },
    #[error("cannot build the request: {0}")]
    Build(String),
}

enum Failure {
    /// The connection was never made: nothing reached the server.
    NotSent(HttpError),
    /// It may have reached the server.
    MaybeSent(HttpError),
    /// Retrying cannot help.
    Final(HttpError),
}

/// Sends `request` under the rules in the module doc and returns the final
/// response whatever its status, or the transport error after the retries.
pub async fn send(
    client: &reqwest::Client,
    request: reqwest::Request,
    opts: &SendOptions,
) -> Result<Response, HttpError> {
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let this = request
            .try_clone()
            .ok_or_else(|| HttpError::Build("a streaming body cannot be retried".into()))?;
        let retries_left = attempts <= opts.retry.max_retries;
        let outcome = match opts.exchange_timeout {
            Some(limit) => tokio::time::timeout(limit, exchange(client, this, opts.body_limit))
                .await
                .unwrap_or(Err(Failure::MaybeSent(HttpError::Timeout { attempts: 0 }))),
            None => exchange(client, this, opts.body_limit).await,
        };
        let response = match outcome {
            Ok(r) => r,
            Err(failure) => {
                let (err, retry) = match failure {
                    Failure::NotSent(e) => (e, true),
                    Failure::MaybeSent(e) => (e, opts.replay == Replay::Safe),
                    Failure::Final(e) => (e, false),
                };
                let err = with_attempts(err, attempts);
                if !(retry && retries_left) {
                    return Err(err);
                }
                let wait = backoff(opts.retry, attempts);
                tracing::warn!(
                    "HTTP request failed ({err}); retry {attempts}/{} in {wait:?}",
                    opts.retry.max_retries
                );
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        let status = response.status;
        let mut response = Response {
            status,
            version: response.version,
            headers: response.headers,
            body: response.body,
            attempts,
            gave_up: None,
        };
        if !retryable(&response, opts) {
            return Ok(response);
        }
        let asked = server_delay(&response.headers, SystemTime::now());
        if let Some(asked) = asked.filter(|a| *a > opts.retry.max_wait) {
            // Waiting the cap and asking again would only fail again.
            response.gave_up = Some(GaveUp::WaitTooLong(asked));
            return Ok(response);
        }
        if !retries_left {
            response.gave_up = Some(GaveUp::RetriesExhausted);
            return Ok(response);
        }
        let wait = asked.unwrap_or_else(|| backoff(opts.retry, attempts));
        tracing::warn!(
            "HTTP {}; retry {attempts}/{} in {wait:?}",
            status.as_u16(),
            opts.retry.max_retries
        );
        tokio::time::sleep(wait).await;
    }
}

struct Exchanged {
    status: StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    body: Vec<u8>,
}

async fn exchange(
    client: &reqwest::Client,
    request: reqwest::Request,
    limit: u64,
) -> Result<Exchanged, Failure> {
    let mut response = client.execute(request).await.map_err(classify)?;
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(Failure::Final(HttpError::TooLarge { limit }));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() as u64 + chunk.len() as u64 > limit {
                    return Err(Failure::Final(HttpError::TooLarge { limit }));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => {
                return Ok(Exchanged {
                    status,
                    version,
                    headers,
                    body,
                })
            }
            Err(e) => return Err(Failure::MaybeSent(transport(&e.without_url(), 0))),
        }
    }
}

fn classify(e: reqwest::Error) -> Failure {
    // The URL may carry a credential (a pre-signed query): drop it from the text.
    let e = e.without_url();
    if e.is_builder() {
        Failure::Final(HttpError::Build(error_chain(&e)))
    } else if e.is_connect() && !e.is_timeout() {
        Failure::NotSent(transport(&e, 0))
    } else {
        Failure::MaybeSent(transport(&e, 0))
    }
}

fn transport(e: &reqwest::Error, attempts: u32) -> HttpError {
    if e.is_timeout() {
        HttpError::Timeout { attempts }
    } else {
        HttpError::Unreachable {
            attempts,
            message: error_chain(e),
        }
    }
}

fn with_attempts(err: HttpError, n: u32) -> HttpError {
    match err {
        HttpError::Timeout { .. } => HttpError::Timeout { attempts: n },
        HttpError::Unreachable { message, .. } => HttpError::Unreachable {
            attempts: n,
            message,
        },
        other => other,
    }
}

/// Is this status worth another try under the rules?
fn retryable(r: &Response, opts: &SendOptions) -> bool {
    let code = r.status.as_u16();
    if code == 429 {
        return !opts
            .final_429_marker
            .is_some_and(|m| String::from_utf8_lossy(&r.body).contains(m));
    }
    if code == 403 {
        // GitHub's primary and secondary rate limits answer 403 with these headers;
        // any other 403 is a permission problem that waiting does not fix.
        return r.header("x-ratelimit-remaining") == Some("0") || r.header("retry-after").is_some();
    }
    (code == 408 || r.status.is_server_error()) && opts.replay == Replay::Safe
}

/// `backoff * 2^(n-1)`, capped at `max_wait`, plus up to 25% jitter so parallel
/// clients spread out (still within the cap).
pub fn backoff(policy: RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(policy.max_wait);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = capped.mul_f64(f64::from(nanos % 1000) / 4000.0);
    (capped + jitter).min(policy.max_wait)
}

/// Epoch seconds from here on are a point in time, below a number of seconds to wait.
const EPOCH_THRESHOLD: f64 = 1_000_000_000.0;

/// The wait a server asks for: `retry-after-ms`, `Retry-After` (seconds or an HTTP
/// date), `x-ratelimit-reset` (epoch seconds or seconds), or the
/// `x-ratelimit-reset-*` of the exhausted limit. `None`: no usable hint.
pub fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if let Some(wait) = seconds(ms / 1000.0) {
            return Some(wait);
        }
    }
    if let Some(value) = header("retry-after") {
        if let Some(wait) = value.parse::<f64>().ok().and_then(seconds) {
            return Some(wait);
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<f64>().ok()) {
        if reset.is_finite() && reset >= EPOCH_THRESHOLD {
            let now_secs = now
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0);
            // +1: the reset second itself may still be limited.
            return seconds((reset - now_secs).max(0.0).ceil() + 1.0);
        }
        if let Some(wait) = seconds(reset) {
            return Some(wait);
        }
    }
    ["requests", "tokens"]
        .iter()
        .filter(|limit| {
            // Only the limit that ran out matters; without the remaining count, trust the reset.
            header(&format!("x-ratelimit-remaining-{limit}")).is_none_or(|rest| rest == "0")
        })
        .filter_map(|limit| header(&format!("x-ratelimit-reset-{limit}")).and_then(parse_reset))
        .max()
}

/// A wait given in seconds by a server: `None` for a negative or non-finite value
/// (no wait was really asked for); a finite one too large for a `Duration` becomes
/// `Duration::MAX`, which is beyond any cap and so means "give up".
fn seconds(secs: f64) -> Option<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// `x-ratelimit-reset-*` values: `20ms`, `1s`, `6m0s`, `1h2m3.5s`, or bare seconds.
fn parse_reset(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let mut total = 0.0f64;
    let mut rest = value;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    seconds(total)
}

/// `Display` of an error and its sources, on one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn response(status: u16, pairs: &[(&'static str, &str)], body: &str) -> Response {
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            version: reqwest::Version::HTTP_11,
            headers: headers(pairs),
            body: body.as_bytes().to_vec(),
            attempts: 1,
            gave_up: None,
        }
    }

    fn opts(replay: Replay) -> SendOptions {
        SendOptions {
            retry: RetryPolicy {
                max_retries: 2,
                backoff: Duration::from_millis(1),
                max_wait: Duration::from_secs(1),
            },
            replay,
            body_limit: 1024,
            exchange_timeout: None,
            final_429_marker: Some("insufficient_quota"),
        }
    }

    #[test]
    fn retry_after_seconds_ms_and_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            server_delay(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            server_delay(
                &headers(&[("retry-after-ms", "250"), ("retry-after", "9")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            server_delay(
                &headers(&[("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")]),
                now
            ),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            server_delay(
                &headers(&[("retry-after", "Sun, 06 Nov 1994 08:00:00 GMT")]),
                now
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "soon")]), now),
            None
        );
        assert_eq!(server_delay(&HeaderMap::new(), now), None);
    }

    #[test]
    fn ratelimit_reset_as_epoch_or_seconds() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // GitHub: the epoch second the window resets, plus one.
        assert_eq!(
            server_delay(&headers(&[("x-ratelimit-reset", "1700000010")]), now),
            Some(Duration::from_secs(11))
        );
        // Already past: just the one extra second.
        assert_eq!(
            server_delay(&headers(&[("x-ratelimit-reset", "1600000000")]), now),
            Some(Duration::from_secs(1))
        );
        // Small numbers are seconds from now (other providers).
        assert_eq!(
            server_delay(&headers(&[("x-ratelimit-reset", "4")]), now),
            Some(Duration::from_secs(4))
        );
        // Retry-After wins over the reset.
        assert_eq!(
            server_delay(
                &headers(&[("retry-after", "2"), ("x-ratelimit-reset", "1700000100")]),
                now
            ),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn ratelimit_reset_of_the_exhausted_limit() {
        let now = SystemTime::now();
        let h = headers(&[
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "1m30s"),
            ("x-ratelimit-remaining-tokens", "5000"),
            ("x-ratelimit-reset-tokens", "2h"),
        ]);
        assert_eq!(server_delay(&h, now), Some(Duration::from_secs(90)));
        let h = headers(&[("x-ratelimit-reset-tokens", "20ms")]);
        assert_eq!(server_delay(&h, now), Some(Duration::from_millis(20)));
    }

    #[test]
    fn reset_formats() {
        assert_eq!(parse_reset("6m0s"), Some(Duration::from_secs(360)));
        assert_eq!(parse_reset("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_reset("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_reset("1h2m3s"), Some(Duration::from_secs(3723)));
        assert_eq!(parse_reset("5 minutes"), None);
        assert_eq!(parse_reset("s"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_retries: 3,
            backoff: Duration::from_millis(100),
            max_wait: Duration::from_secs(1),
        };
        let first = backoff(policy, 1);
        assert!(
            first >= policy.backoff && first <= policy.backoff.mul_f64(1.25),
            "{first:?}"
        );
        let third = backoff(policy, 3);
        assert!(third >= policy.backoff * 4, "{third:?}");
        assert!(backoff(policy, 30) <= policy.max_wait);
    }

    #[test]
    fn which_statuses_are_retried() {
        let safe = opts(Replay::Safe);
        let once = opts(Replay::Once);
        // Rate limits: for every request, the server did nothing.
        assert!(retryable(&response(429, &[], ""), &once));
        assert!(retryable(
            &response(403, &[("x-ratelimit-remaining", "0")], ""),
            &once
        ));
        assert!(retryable(
            &response(403, &[("retry-after", "5")], ""),
            &once
        ));
        // A spent quota does not come back by waiting.
        assert!(!retryable(
            &response(429, &[], r#"{"error":{"code":"insufficient_quota"}}"#),
            &safe
        ));
        // 5xx and 408: only when resending is harmless.
        for code in [500, 502, 503, 408] {
            assert!(retryable(&response(code, &[], ""), &safe), "{code}");
            assert!(!retryable(&response(code, &[], ""), &once), "{code}");
        }
        // Auth and client errors never.
        for code in [400, 401, 403, 404, 422] {
            assert!(!retryable(&response(code, &[], ""), &safe), "{code}");
        }
    }

    #[test]
    fn replay_of_methods() {
        use reqwest::Method;
        assert_eq!(Replay::of(&Method::GET), Replay::Safe);
        assert_eq!(Replay::of(&Method::PATCH), Replay::Safe);
        assert_eq!(Replay::of(&Method::POST), Replay::Once);
    }
}
