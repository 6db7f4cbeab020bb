//! Asking for a decision the way the `approve` setting says: automatically, with a
//! y/N prompt on the terminal, or on a page served on 127.0.0.1.

use super::{new_token, terminal, web, Decision, Proposal};
use crate::config::ApproveMode;
use std::io::IsTerminal;

/// How long `approve: web` waits for a click before declining (the fix stays pending).
const WEB_APPROVAL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// The decision on `proposal`; `progress` gets the page address in `web` mode.
pub async fn ask(
    mode: ApproveMode,
    proposal: &Proposal,
    progress: &(dyn Fn(&str) + Sync),
) -> Decision {
    // The model wrote this text: show control characters instead of obeying them.
    let shown = Proposal {
        diagnosis: visible(&proposal.diagnosis),
        patch: visible(&proposal.patch),
        ..proposal.clone()
    };
    match mode {
        ApproveMode::Auto => Decision::Approved,
        ApproveMode::Prompt => {
            let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
            // On a blocking thread, so Ctrl-C (selected on by the binary) still ends the run.
            let asked = tokio::task::spawn_blocking(move || {
                let diff = crate::repair::edits::colorize_patch(&shown.patch);
                let stdin = std::io::stdin();
                let mut input = stdin.lock();
                terminal::prompt(
                    &shown,
                    &diff,
                    &mut input,
                    &mut std::io::stderr(),
                    interactive,
                )
            })
            .await;
            asked.unwrap_or_else(|e| Decision::Declined(format!("the prompt failed: {e}")))
        }
        ApproveMode::Web => {
            match tokio::time::timeout(WEB_APPROVAL_TIMEOUT, serve_page(&shown, progress)).await {
                Ok(Ok(d)) => d,
                Ok(Err(e)) => Decision::Declined(format!("approval page failed: {e}")),
                Err(_) => Decision::Declined(format!(
                    "no decision on the approval page within {} minutes",
                    WEB_APPROVAL_TIMEOUT.as_secs() / 60
                )),
            }
        }
    }
}

/// Control characters (other than newline and tab) shown as escapes, so text from a log
/// or the model cannot move the cursor or erase lines of the diff being approved.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

async fn serve_page(
    proposal: &Proposal,
    progress: &(dyn Fn(&str) + Sync),
) -> std::io::Result<Decision> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let token = new_token()?;
    progress(&format!(
        "review the fix at {}",
        web::page_url(listener.local_addr()?, &token)
    ));
    web::serve(proposal, listener, token).await
}
