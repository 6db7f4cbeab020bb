//! The secrets of a run and the one way they are masked.
//!
//! [`Secrets`] is built once from the config (the GitHub token, the PR token, the
//! model's key) and handed to everything that writes text somewhere a person or
//! the model reads it: logs read back, prompts, the report, stdout, git's stderr.
//!
//! What counts as a secret: a value of at least [`MIN_SECRET_LEN`] (8) characters,
//! or one that starts with a known token prefix (`ghp_`, `gho_`, `ghs_`, `ghu_`,
//! `ghr_`, `github_pat_`, `sk-`) followed by at least one more character. Real
//! tokens are all far longer; shorter values are the dummy keys people give local
//! servers (`test`, `none`, `ollama`), and masking those would turn the command
//! `cargo test` into `cargo ***` in every log and report while protecting nothing.
//!
//! What is masked, for each secret: the raw value, its base64 at every byte
//! alignment (so it is found inside a longer base64 blob, as the Actions runner
//! does), and the `x-access-token:<token>` basic-auth header value in base64 that
//! git and `actions/checkout` print.

/// Shortest value treated as a secret without a known prefix.
pub const MIN_SECRET_LEN: usize = 8;

/// Token prefixes that make even a short value a secret.
const TOKEN_PREFIXES: &[&str] = &["github_pat_", "ghp_", "gho_", "ghs_", "ghu_", "ghr_", "sk-"];

/// What replaces a secret.
pub const MASK: &str = "***";

/// Can this value be a secret (see the module doc)?
pub fn can_be_secret(value: &str) -> bool {
    let value = value.trim();
    value.chars().count() >= MIN_SECRET_LEN
        || TOKEN_PREFIXES
            .iter()
            .any(|p| value.len() > p.len() && value.starts_with(p))
}

/// The run's secrets. `Debug` shows only how many there are.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// The values themselves (trimmed, those that can be secrets), sorted.
    values: Vec<String>,
    /// Every text form to replace, longest first so a longer form is masked whole.
    forms: Vec<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} values)", self.values.len())
    }
}

impl Secrets {
    /// Keeps the values that can be secrets; empty and dummy values are dropped.
    pub fn new<I, S>(values: I) -> Secrets
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut kept: Vec<String> = values
            .into_iter()
            .map(|v| v.as_ref().trim().to_string())
            .filter(|v| can_be_secret(v))
            .collect();
        kept.sort();
        kept.dedup();
        let mut forms: Vec<String> = Vec::new();
        for v in &kept {
            forms.push(v.clone());
            forms.push(base64(format!("x-access-token:{v}").as_bytes()));
            // A core this short would match ordinary text.
            forms.extend(
                base64_cores(v.as_bytes())
                    .into_iter()
                    .filter(|c| c.len() >= MIN_SECRET_LEN),
            );
        }
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        forms.dedup();
        Secrets {
            values: kept,
            forms,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The raw values (for `::add-mask::` and for keeping them out of children's env).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// What to register with the Actions runner: the raw values and the basic-auth
    /// form (the runner derives plain base64 itself, not this one).
    pub fn runner_masks(&self) -> Vec<String> {
        self.values
            .iter()
            .flat_map(|v| [v.clone(), base64(format!("x-access-token:{v}").as_bytes())])
            .collect()
    }

    /// Does `text` contain any of the secrets, in any masked form?
    pub fn appear_in(&self, text: &str) -> bool {
        self.forms.iter().any(|f| text.contains(f.as_str()))
    }

    /// `text` with every form of every secret replaced by [`MASK`].
    pub fn mask(&self, text: &str) -> String {
        if !self.appear_in(text) {
            return text.to_string();
        }
        let mut out = text.to_string();
        for f in &self.forms {
            if out.contains(f.as_str()) {
                out = out.replace(f.as_str(), MASK);
            }
        }
        out
    }
}

/// Standard base64 with padding (RFC 4648).
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// The part of `bytes`' base64 that is the same wherever they sit in a longer
/// input: for each of the three alignments, the characters that carry only bits of
/// `bytes` (neither a neighbour's bits nor padding).
fn base64_cores(bytes: &[u8]) -> Vec<String> {
    (0..3usize)
        .filter_map(|lead| {
            let mut input = vec![0u8; lead];
            input.extend_from_slice(bytes);
            let encoded = base64(&input);
            let start = (lead * 8).div_ceil(6);
            let end = (input.len() * 8) / 6;
            encoded.get(start..end).map(str::to_string)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"x-access-token:abc"), "eC1hY2Nlc3MtdG9rZW46YWJj");
    }

    #[test]
    fn masks_raw_base64_and_basic_auth_forms() {
        let s = Secrets::new([TOKEN]);
        let basic = base64(format!("x-access-token:{TOKEN}").as_bytes());
        let text = format!(
            "raw {TOKEN}\nb64 {}\nheader AUTHORIZATION: basic {basic}\n",
            base64(TOKEN.as_bytes())
        );
        let masked = s.mask(&text);
        assert!(!masked.contains(TOKEN), "{masked}");
        assert!(!masked.contains(&basic), "{masked}");
        assert!(!masked.contains(&base64(TOKEN.as_bytes())), "{masked}");
        assert!(masked.contains("raw ***"), "{masked}");
    }

    #[test]
    fn masks_base64_at_any_alignment() {
        let s = Secrets::new([TOKEN]);
        for lead in ["", "a", "ab", "abc:"] {
            let blob = base64(format!("{lead}{TOKEN}tail").as_bytes());
            let masked = s.mask(&blob);
            assert!(masked.contains(MASK), "{lead:?}: {masked}");
            // What is left cannot spell the token: at most a few edge characters.
            assert!(masked.len() < blob.len() - 40, "{lead:?}: {masked}");
        }
    }

    #[test]
    fn dummy_keys_are_not_secrets() {
        for dummy in ["test", "none", "ollama", "sk-", "x", "  dummy  "] {
            assert!(!can_be_secret(dummy), "{dummy}");
            let s = Secrets::new([dummy]);
            assert!(s.is_empty(), "{dummy}");
            assert_eq!(
                s.mask("cargo test failed; none ollama"),
                "cargo test failed; none ollama"
            );
        }
    }

    #[test]
    fn real_looking_values_are_secrets() {
        for real in [TOKEN, "sk-abc", "ghp_x", "abcdefgh", "github_pat_11AB"] {
            assert!(can_be_secret(real), "{real}");
            assert_eq!(Secrets::new([real]).mask(&format!("<{real}>")), "<***>");
        }
    }

    #[test]
    fn values_are_trimmed_and_deduplicated_and_debug_hides_them() {
        let s = Secrets::new([format!("{TOKEN}\n"), TOKEN.to_string(), String::new()]);
        assert_eq!(s.values(), [TOKEN.to_string()]);
        assert!(!format!("{s:?}").contains(TOKEN));
        assert!(s.appear_in(&format!("x{TOKEN}y")));
        assert!(!s.appear_in("nothing here"));
    }
}
