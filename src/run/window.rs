//! The model's context window, found before the repair loop: the `context-window`
//! setting, else (`auto`) what a server of one's own reports on `GET /models`
//! (llama.cpp, vLLM). The loop cuts the prompt to it and the client caps the reply.

use crate::config::{Config, LlmEndpoint, LlmProvider};
use crate::progress::Sink;
use std::time::Duration;

/// How long the probe may take, a model still loading included.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a server that is still loading its model is asked again.
const PROBE_RETRY: Duration = Duration::from_millis(500);

/// The window in tokens, or None (unknown: no limit). Hosted APIs are not asked
/// (their windows are far beyond the prompt's budgets).
pub async fn context_window(
    cfg: &Config,
    endpoint: &LlmEndpoint,
    http: &reqwest::Client,
    progress: &dyn Sink,
) -> Option<usize> {
    if cfg.context_window.is_some() || endpoint.provider != LlmProvider::Custom {
        return cfg.context_window;
    }
    let probe = async {
        let mut said = false;
        loop {
            let answer = crate::llm::probe_models(
                http,
                &endpoint.base_url,
                &endpoint.api_key,
                &endpoint.model,
            )
            .await?;
            // llama.cpp's server answers 503 until its model is loaded; asked then, the
            // window would be unknown and the reply unbounded.
            if answer.status != 503 {
                return Ok::<_, String>(answer);
            }
            if !said {
                progress.say("the model server is still loading its model: waiting for it");
                said = true;
            }
            tokio::time::sleep(PROBE_RETRY).await;
        }
    };
    // A server that does not answer this soon will not answer the request either; the
    // request says so with its own error.
    let answer = tokio::time::timeout(PROBE_TIMEOUT, probe)
        .await
        .ok()?
        .ok()?;
    let window = answer.models?.context_window?;
    progress.say(&format!(
        "the model server reports a context window of {window} tokens: the prompt is kept within it (context-window)"
    ));
    Some(window)
}
