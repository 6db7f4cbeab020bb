//! Prints, as markdown for the README, how the Go/Rust/diagnostics parsers do on
//! the labelled fixtures, and their throughput.
//!
//! ```text
//! cargo run --release --example eval_diagnostics [-- --throughput-mb 256]
//! ```
//! Fixtures: $SELF_HEAL_FIXTURES, else ../shared/fixtures next to the crate, else /work/shared/fixtures.

use self_heal::analyze::diagnostics::eval::{diagnostics_fixtures, go_fixtures, ToolScore};
use self_heal::analyze::{diagnostics, Failure};
use self_heal::lang::go::log as go;
use self_heal::lang::rust::log as rust;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn fixtures_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SELF_HEAL_FIXTURES") {
        return PathBuf::from(d);
    }
    let rel = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if rel.is_dir() {
        return rel;
    }
    PathBuf::from("/work/shared/fixtures")
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "n/a".into()
    } else {
        format!("{:.1}%", 100.0 * a as f64 / b as f64)
    }
}

fn main() -> ExitCode {
    let mut mb = 64usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--throughput-mb" => match args.next().and_then(|v| v.parse().ok()) {
                Some(v) => mb = v,
                None => {
                    eprintln!("--throughput-mb needs a number");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown argument {other}; usage: eval_diagnostics [--throughput-mb N]");
                return ExitCode::from(2);
            }
        }
    }
    let dir = fixtures_dir();

    let scores = match diagnostics_fixtures(&dir.join("compiler-diagnostics")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("compiler-diagnostics fixtures under {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    println!("| tool | diagnostics | file:line correct | column correct | message correct |");
    println!("|---|---:|---:|---:|---:|");
    let mut total = ToolScore::default();
    for (tool, s) in &scores {
        let note = if s.unlocated > 0 {
            format!(" (+{} without a file in `.ok`, not scored)", s.unlocated)
        } else {
            String::new()
        };
        println!(
            "| {tool} | {}{note} | {} | {} | {} |",
            s.expected,
            pct(s.location_ok, s.expected),
            pct(s.column_ok, s.column_expected),
            pct(s.message_ok, s.expected)
        );
        total.column_expected += s.column_expected;
        total.column_ok += s.column_ok;
        total.expected += s.expected;
        total.location_ok += s.location_ok;
        total.message_ok += s.message_ok;
    }
    println!(
        "| **all** | {} | {} | {} | {} |",
        total.expected,
        pct(total.location_ok, total.expected),
        pct(total.column_ok, total.column_expected),
        pct(total.message_ok, total.expected)
    );

    let (counts, files, diffs) = match go_fixtures(&dir.join("go-test/testdata")) {
        Ok(v) => (v.counts, v.files, v.diffs),
        Err(e) => {
            eprintln!("go-test fixtures under {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    println!();
    println!("| go test fixtures | expected failures | found | recall | precision |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| {files} outputs (text and `-json`) | {} | {} | {:.1}% | {:.1}% |",
        counts.expected,
        counts.found,
        100.0 * counts.recall(),
        100.0 * counts.precision()
    );
    for d in &diffs {
        eprintln!("{}: missing {:?}, extra {:?}", d.name, d.missing, d.extra);
    }

    if mb > 0 {
        println!();
        throughput(mb, &dir);
    }
    ExitCode::SUCCESS
}

/// MB/s of each parser on `mb` MB of lines that match nothing, and on the
/// fixtures themselves repeated to the same size.
fn throughput(mb: usize, dir: &std::path::Path) {
    const NOISE: &[&str] = &[
        "  Downloading https://files.example/packages/numpy-1.26.4-cp311-manylinux_x86_64.whl (18.3 MB)",
        "[INFO] Building jar: /home/runner/work/app/app/target/app-1.0-SNAPSHOT.jar",
        "Collecting requests>=2.31 (from -r requirements.txt (line 4))",
        "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
        "   Compiling serde_json v1.0.117",
        "tests/test_api.py::TestClient::test_get_user PASSED                      [ 42%]",
        "=== RUN   TestParse/valid_input",
        "--- PASS: TestParse/valid_input (0.00s)",
        "test parser::tests::roundtrip ... ok",
        "2024-05-01 12:00:00,123 INFO  [main] o.a.c.Server - started in 1234 ms",
        "",
    ];
    let target = mb << 20;
    let mut noise = String::with_capacity(target + 256);
    'fill: loop {
        for l in NOISE {
            noise.push_str(l);
            noise.push('\n');
            if noise.len() >= target {
                break 'fill;
            }
        }
    }
    let mut sample = String::new();
    for sub in ["compiler-diagnostics", "go-test/testdata"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd.flatten() {
                let p = e.path();
                let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
                if ext == "in" || ext == "txt" {
                    sample.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
                    sample.push('\n');
                }
            }
        }
    }
    // Real failures sprinkled into the noise: one copy of every fixture per 4 MB,
    // few enough that no parser reaches its failure cap and stops early.
    let mut mixed = String::with_capacity(target + sample.len() * (mb / 4 + 1));
    for chunk in noise.as_bytes().chunks(4 << 20) {
        mixed.push_str(&String::from_utf8_lossy(chunk));
        mixed.push('\n');
        mixed.push_str(&sample);
    }
    type Parser = fn(&str) -> Vec<Failure>;
    let parsers: [(&str, Parser); 3] = [
        ("go", go::parse),
        ("rust", rust::parse),
        ("diagnostics", diagnostics::parse),
    ];
    println!("| parser | input | MB | MB/s | failures |");
    println!("|---|---|---:|---:|---:|");
    for (label, text) in [
        ("lines matching nothing", &noise),
        ("noise + every fixture each 4 MB", &mixed),
    ] {
        for (name, parse) in parsers {
            let start = Instant::now();
            let n = parse(text).len();
            let secs = start.elapsed().as_secs_f64();
            let size = text.len() as f64 / (1 << 20) as f64;
            println!(
                "| {name} | {label} | {size:.0} | {:.0} | {n} |",
                size / secs
            );
        }
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(l) = status.lines().find(|l| l.starts_with("VmHWM")) {
            let kb = l.split_whitespace().nth(1).unwrap_or("?");
            println!("\nPeak RSS (inputs included): {kb} kB");
        }
    }
}
