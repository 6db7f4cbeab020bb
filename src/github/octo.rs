//! octocrab on our transport: octocrab builds the typed calls (routes, query
//! parameters, JSON bodies, its error type); [`OctoService`], the tower service
//! it is built with (`OctocrabBuilder::new_empty().with_service(..)`), sends each
//! request through the shared retry layer ([`crate::http::send`]): Retry-After,
//! rate limits, 5xx backoff, body caps, no resent POST. octocrab's own retry,
//! redirect and TLS layers are not used (default features off: no hyper-rustls,
//! no aws-lc, nothing that panics without CA certificates).
//!
//! Kept on our own client, and why:
//! - the log downloads: they follow a 302 to a pre-signed URL on another host
//!   without our headers, with their own size cap (`runs.rs`);
//! - `POST /pulls`: a 422 "already exists" is an answer we act on with its body
//!   (`pulls.rs`), and workflow dispatch answers 204 with no JSON to parse.
//!
//! Our serde models ([`super::models`], [`super::event::WorkflowRun`]) are used
//! through octocrab's generic `get`/`post`/`patch`, as its `Run` lacks
//! `pull_requests` and `head_repository`.

use super::client::GithubClient;
use super::error::{status_error, GithubError, Permission};
use crate::http::Replay;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use octocrab::{AuthState, Octocrab, OctocrabBuilder};
use reqwest::header::HeaderMap;
use std::future::Future;
use std::pin::Pin;

/// The tower service octocrab sends through: a snapshot of the client's settings.
#[derive(Clone)]
pub(super) struct OctoService {
    client: std::sync::Arc<GithubClient>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type OctoFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<Full<Bytes>>, BoxError>> + Send>>;

impl tower::Service<http::Request<octocrab::OctoBody>> for OctoService {
    type Response = http::Response<Full<Bytes>>;
    type Error = BoxError;
    type Future = OctoFuture;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<octocrab::OctoBody>) -> Self::Future {
        let client = self.client.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let what = format!("{} {}", parts.method, parts.uri.path());
            let body = body
                .collect()
                .await
                .map_err(|e| GithubError::Network {
                    what: what.clone(),
                    reason: e.to_string(),
                })?
                .to_bytes();
            let url = reqwest::Url::parse(&parts.uri.to_string())
                .map_err(|_| GithubError::BadBaseUrl(parts.uri.to_string()))?;
            let mut headers = HeaderMap::new();
            for (k, v) in &parts.headers {
                headers.append(k, v.clone());
            }
            // Ours last: the token goes only to the API host, whatever octocrab set.
            headers.remove(reqwest::header::AUTHORIZATION);
            headers.extend(client.headers_for(&url));
            let req = client
                .http
                .request(parts.method.clone(), url)
                .headers(headers)
                .body(body);
            let resp = client
                .exchange(req, Replay::of(&parts.method), client.max_body, &what)
                .await?;
            let mut out = http::Response::new(Full::new(Bytes::from(resp.body)));
            *out.status_mut() = resp.status;
            *out.headers_mut() = resp.headers;
            Ok(out)
        })
    }
}

impl GithubClient {
    /// octocrab over [`OctoService`] with this client's current settings.
    pub(super) fn octocrab(&self) -> Result<Octocrab, GithubError> {
        let service = OctoService {
            client: std::sync::Arc::new(self.clone_settings()),
        };
        OctocrabBuilder::new_empty()
            .with_service(service)
            .with_auth(AuthState::None)
            .build()
            .map_err(|e| GithubError::BadResponse {
                what: "octocrab".into(),
                reason: e.to_string(),
            })
    }
}

/// octocrab's error as ours: our own give-ups come back unchanged, a GitHub error
/// answer is mapped by status like every other call.
pub(super) fn from_octocrab(e: octocrab::Error, what: &str, need: Permission) -> GithubError {
    match e {
        octocrab::Error::GitHub { source, .. } => {
            let body = serde_json::json!({
                "message": source.message,
                "errors": source.errors,
            });
            status_error(source.status_code, what, &body.to_string(), need)
        }
        octocrab::Error::Service { source, .. } => match source.downcast::<GithubError>() {
            Ok(ours) => *ours,
            Err(other) => GithubError::Network {
                what: what.into(),
                reason: other.to_string(),
            },
        },
        other => GithubError::BadResponse {
            what: what.into(),
            reason: other.to_string(),
        },
    }
}
