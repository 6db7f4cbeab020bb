//! The `y/N` prompt: approval needs an explicit yes; anything else declines.

use super::{Decision, Proposal};
use std::io::{BufRead, Write};

/// The reason recorded when there is nobody to ask.
pub const NO_TERMINAL: &str = "no terminal to ask; use --yes or approve=web";

/// Shows the diagnosis, the validation result and the diff, then asks
/// `Apply this fix? [y/N]`. Only `y`/`yes` (any case) approves; an empty line, EOF,
/// a read error or any other answer declines. Without a terminal (`interactive`
/// false) it declines at once, without reading, so CI never hangs on stdin.
pub fn prompt(
    proposal: &Proposal,
    colored_diff: &str,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    interactive: bool,
) -> Decision {
    if !interactive {
        return Decision::Declined(NO_TERMINAL.to_string());
    }
    if let Err(e) = show(proposal, colored_diff, out) {
        // The user cannot have seen the change: never treat that as consent.
        return Decision::Declined(format!("cannot show the fix: {e}"));
    }
    let mut answer = String::new();
    match input.read_line(&mut answer) {
        Ok(0) => Decision::Declined("no answer (end of input)".to_string()),
        Ok(_) => match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Decision::Approved,
            "" => Decision::Declined("declined at the prompt (default: no)".to_string()),
            _ => Decision::Declined("declined at the prompt".to_string()),
        },
        Err(e) => Decision::Declined(format!("cannot read the answer: {e}")),
    }
}

fn show(proposal: &Proposal, colored_diff: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Diagnosis: {}", proposal.diagnosis.trim())?;
    if !proposal.failures.is_empty() {
        writeln!(out, "Fixes:")?;
        for f in &proposal.failures {
            let what = f.test.as_deref().or(f.file.as_deref()).unwrap_or("-");
            writeln!(out, "  {what}: {}", f.message)?;
        }
    }
    let v = &proposal.validation;
    writeln!(
        out,
        "Validation: {} ({})",
        if v.passed { "passed" } else { "FAILED" },
        v.commands.join("; ")
    )?;
    writeln!(out)?;
    out.write_all(colored_diff.as_bytes())?;
    if !colored_diff.ends_with('\n') {
        writeln!(out)?;
    }
    write!(out, "Apply this fix? [y/N] ")?;
    out.flush()
}
