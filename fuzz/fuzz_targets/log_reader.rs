//! The log reader and cleaner on arbitrary bytes: decoding, ANSI/timestamp stripping,
//! masking, and the streaming line reader under the analysis.
#![no_main]
use libfuzzer_sys::fuzz_target;
use self_heal::analyze::{analyze_reader, AnalyzeOptions};
use self_heal::logs::{self, clean};

fuzz_target!(|data: &[u8]| {
    let text = logs::clean_bytes(data);
    for line in text.lines().take(64) {
        let _ = clean::strip_ansi(line);
        let _ = clean::strip_timestamps(line);
        let _ = clean::truncate(line, 17);
    }
    let _ = clean::clean_text(&text);
    // A secret drawn from the input itself: masking must remove every occurrence.
    if let Some(secret) = text
        .get(..8)
        .filter(|s| s.trim().len() == 8 && !s.contains('*'))
    {
        let secrets = self_heal::secrets::Secrets::new([secret]);
        if !secrets.is_empty() {
            let masked = secrets.mask(&text);
            assert!(!masked.contains(secret), "mask left the secret in");
        }
    }
    let opts = AnalyzeOptions {
        workdir: None,
        budget_tokens: 200,
    };
    let _ = analyze_reader(std::io::BufReader::with_capacity(7, data), &opts);
});
