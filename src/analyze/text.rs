//! The human form of an analysis (`self-heal analyze` without `--json`).

use super::Analysis;

/// The human form of an analysis: one block per failure, then the excerpt size.
pub fn analysis_text(a: &Analysis) -> String {
    let mut s = String::new();
    let n = a.failures.len();
    s.push_str(&format!(
        "{n} failure{} ({})\n",
        if n == 1 { "" } else { "s" },
        a.language.map_or("language unknown", |l| l.name())
    ));
    if let Some(job) = &a.job {
        s.push_str(&format!("job: {job}\n"));
    }
    if let Some(step) = &a.step {
        s.push_str(&format!("step: {step}\n"));
    }
    if let Some(cmd) = &a.command {
        s.push_str(&format!("command: {cmd}\n"));
    }
    for f in &a.failures {
        let location = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            _ => "-".into(),
        };
        s.push_str(&format!(
            "\n{} [{}] {}\n  at {}\n  {}\n",
            f.kind.as_str(),
            f.tool,
            f.test.as_deref().unwrap_or("-"),
            location,
            f.message
        ));
    }
    s
}
