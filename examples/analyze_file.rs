//! Streams one log file through `analyze_reader` and prints the analysis as
//! JSON (`--summary`: only counts and bytes, for the throughput bench).
//!
//! Usage: `cargo run --release --example analyze_file -- LOG [--summary] [--budget N]`

use self_heal::analyze::{analyze_reader, AnalyzeOptions};
use std::io::BufReader;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut summary = false;
    let mut opts = AnalyzeOptions::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--summary" => summary = true,
            "--budget" => match args.next().and_then(|b| b.parse().ok()) {
                Some(b) => opts.budget_tokens = b,
                None => {
                    eprintln!("--budget needs a number");
                    return ExitCode::from(2);
                }
            },
            _ => path = Some(a),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: analyze_file LOG [--summary] [--budget N]");
        return ExitCode::from(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot open {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = std::time::Instant::now();
    let analysis = match analyze_reader(BufReader::with_capacity(1 << 16, file), &opts) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(3);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    if summary {
        let repeats: u64 = analysis.failures.iter().map(|f| f.repeats as u64).sum();
        println!(
            "bytes={bytes} seconds={secs:.3} mb_per_s={:.1} failures={} repeats={repeats} context_chars={}",
            bytes as f64 / 1e6 / secs.max(1e-9),
            analysis.failures.len(),
            analysis.context.len()
        );
    } else {
        match serde_json::to_string_pretty(&analysis) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("cannot serialise: {e}");
                return ExitCode::from(3);
            }
        }
    }
    ExitCode::SUCCESS
}
