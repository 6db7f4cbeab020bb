//! Keeping the tokens away from the code validation runs.

use crate::config::Config;

/// Validation runs code the model wrote, before anyone approved it. Keep the tokens
/// out of its reach: no environment variable holding one is inherited by any child
/// (git gets the token explicitly, for one push), and, where the kernel allows, other
/// processes of the same user cannot read this process's memory or initial
/// environment through /proc (root still can: prefer `validation: docker`).
/// Runs before any thread exists, which is what makes changing the environment sound.
pub fn hide_secrets(cfg: &Config) {
    for (key, value) in std::env::vars_os() {
        let value = value.to_string_lossy();
        // A dummy key (`test`) is not a secret, but its own variable still goes.
        let holds_key = [cfg.github_token.as_deref(), cfg.pr_token.as_deref()]
            .into_iter()
            .chain([cfg.llm.as_ref().map(|l| l.api_key.as_str())])
            .flatten()
            .any(|s| !s.trim().is_empty() && value.trim() == s.trim());
        if holds_key || cfg.secrets.appear_in(&value) {
            std::env::remove_var(&key);
        }
    }
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) only changes this process's dumpable flag.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}
