//! What an OpenAI-compatible server says about itself: `GET {base}/models` lists the
//! models it serves and, on some servers, the context window of each: llama.cpp's
//! `llama-server` in `meta.n_ctx` (the window of one slot, what a request gets; not
//! `n_ctx_train`), vLLM in `max_model_len`, LM Studio and others in `context_length`.
//! An older llama.cpp has the window only in `GET /props`
//! (`default_generation_settings.n_ctx`), at the server's root.

use serde_json::Value;

/// The answer to `GET {base}/models`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerModels {
    /// The `id`s of `data`, in the server's order.
    pub ids: Vec<String>,
    /// The context window in tokens that requests for the model get, when the server
    /// says (for the configured model, or the only one served).
    pub context_window: Option<usize>,
}

impl ServerModels {
    /// Does the server list `model`? Ollama also answers to a name without its
    /// `:latest` tag.
    pub fn lists(&self, model: &str) -> bool {
        self.ids
            .iter()
            .any(|id| id == model || id.strip_suffix(":latest") == Some(model))
    }
}

/// How `GET {base}/models` went: the status, and the list when the body had one.
#[derive(Debug, Clone)]
pub struct ModelsAnswer {
    pub status: u16,
    pub models: Option<ServerModels>,
}

/// Asks `GET {base}/models` (and a llama.cpp server's `/props` for a window its list
/// leaves out). The error is the transport's, without the URL.
pub async fn probe_models(
    http: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    model: &str,
) -> Result<ModelsAnswer, String> {
    let base = base_url.trim().trim_end_matches('/');
    let body = match get_json(http, &format!("{base}/models"), api_key).await? {
        (status, Some(body)) if (200..300).contains(&status) => body,
        (status, _) => {
            return Ok(ModelsAnswer {
                status,
                models: None,
            })
        }
    };
    let mut models = parse_models(&body, model);
    let llama_cpp = body
        .pointer("/data/0/owned_by")
        .and_then(Value::as_str)
        .is_some_and(|o| o == "llamacpp");
    if models.as_ref().is_some_and(|m| m.context_window.is_none()) && llama_cpp {
        let root = base.strip_suffix("/v1").unwrap_or(base);
        if let Ok((200, Some(props))) = get_json(http, &format!("{root}/props"), api_key).await {
            if let Some(m) = models.as_mut() {
                m.context_window = props_window(&props);
            }
        }
    }
    Ok(ModelsAnswer {
        status: 200,
        models,
    })
}

async fn get_json(
    http: &reqwest::Client,
    url: &str,
    api_key: &str,
) -> Result<(u16, Option<Value>), String> {
    let mut request = http.get(url);
    if !api_key.trim().is_empty() {
        request = request.bearer_auth(api_key.trim());
    }
    let response = request
        .send()
        .await
        .map_err(|e| crate::http::error_chain(&e.without_url()))?;
    let status = response.status().as_u16();
    // A model list is a few KB; a body past 4 MiB is not one.
    let body = match response.bytes().await {
        Ok(bytes) if bytes.len() <= 4 << 20 => serde_json::from_slice(&bytes).ok(),
        _ => None,
    };
    Ok((status, body))
}

/// The list in an OpenAI-shaped `{"data": [{"id": ...}]}` body; None when the body has
/// no such list.
pub fn parse_models(body: &Value, model: &str) -> Option<ServerModels> {
    let data = body.get("data")?.as_array()?;
    let ids: Vec<String> = data
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    // The configured model's entry, else the only one (llama.cpp serves any name).
    let entry = data
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(model))
        .or(if data.len() == 1 { data.first() } else { None });
    let context_window = entry.and_then(entry_window);
    Some(ServerModels {
        ids,
        context_window,
    })
}

fn entry_window(entry: &Value) -> Option<usize> {
    [
        "/meta/n_ctx",
        "/max_model_len",
        "/loaded_context_length",
        "/context_length",
    ]
    .iter()
    .find_map(|p| entry.pointer(p).and_then(Value::as_u64))
    .filter(|n| *n > 0)
    .and_then(|n| usize::try_from(n).ok())
}

fn props_window(props: &Value) -> Option<usize> {
    props
        .pointer("/default_generation_settings/n_ctx")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .and_then(|n| usize::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn llama_cpp_lists_its_model_with_the_slot_window() {
        let body = json!({"object": "list", "data": [{
            "id": "gemma-3-270m-q4_k_m.gguf", "object": "model", "owned_by": "llamacpp",
            "meta": {"n_ctx": 4096, "n_ctx_train": 32768, "n_vocab": 262144}
        }]});
        let m = parse_models(&body, "gpt-4.1-mini").unwrap();
        assert_eq!(m.ids, ["gemma-3-270m-q4_k_m.gguf"]);
        // The only model served: its window, not the one it was trained with.
        assert_eq!(m.context_window, Some(4096));
        assert!(!m.lists("gpt-4.1-mini"));
        assert!(m.lists("gemma-3-270m-q4_k_m.gguf"));
    }

    #[test]
    fn vllm_and_ollama_shapes() {
        let vllm = json!({"data": [
            {"id": "Qwen/Qwen2.5-Coder-7B", "max_model_len": 32768},
            {"id": "other", "max_model_len": 8192}
        ]});
        let m = parse_models(&vllm, "other").unwrap();
        assert_eq!(m.context_window, Some(8192));
        let m = parse_models(&vllm, "not-served").unwrap();
        assert_eq!(m.context_window, None, "no entry for it, several served");
        let ollama = json!({"object": "list", "data": [{"id": "qwen2.5-coder:latest", "owned_by": "library"}]});
        let m = parse_models(&ollama, "qwen2.5-coder").unwrap();
        assert!(m.lists("qwen2.5-coder"));
        assert_eq!(m.context_window, None);
        assert!(parse_models(&json!({"models": []}), "x").is_none());
    }

    #[test]
    fn props_window_is_the_slot_window() {
        let props = json!({"default_generation_settings": {"n_ctx": 2048}, "total_slots": 1});
        assert_eq!(props_window(&props), Some(2048));
        assert_eq!(props_window(&json!({})), None);
    }
}
