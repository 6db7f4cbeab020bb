//! The whole analysis (triage, every parser, the excerpt) on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use self_heal::analyze::{analyze_text, AnalyzeOptions, MAX_FAILURES};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = AnalyzeOptions {
        workdir: None,
        budget_tokens: 200,
    };
    let a = analyze_text(&text, &opts);
    assert!(a.failures.len() <= MAX_FAILURES);
});
