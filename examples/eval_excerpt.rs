//! How much of what a person would read the excerpt (`context`) quotes, per
//! ecosystem, on the labelled fixtures, and how many tokens it takes.
//!
//! Lines that matter, from the fixtures' own labels:
//! - `go-test/`: every line of a failing test's `<failure>` output in the
//!   expected JUnit report (`x_test.go:10: expected 1 but actual 2`, panics,
//!   build errors) and its `--- FAIL: Name` line;
//! - `compiler-diagnostics/`: the input line carrying each expected
//!   diagnostic's message (`TOOL.ok`);
//! - `ci-logs/bugswarm/`: each failing test of `expected.json`, by its own name.
//!
//! A line counts as quoted when the excerpt contains it verbatim (trimmed;
//! its first 160 characters for longer lines, which the excerpt may cut).
//!
//! `cargo run --release --example eval_excerpt [-- --budget N] [--verbose]`

#[path = "../tests/it/support/bugswarm.rs"]
mod bugswarm;

use self_heal::analyze::diagnostics::eval::{normalize, read_ok};
use self_heal::analyze::excerpt::tokens;
use self_heal::analyze::{analyze, analyze_text, AnalyzeOptions};
use std::collections::BTreeMap;

#[derive(Default)]
struct Eco {
    inputs: usize,
    lines: usize,
    quoted: usize,
    tokens: Vec<usize>,
}

fn quoted(context: &str, line: &str) -> bool {
    let l = line.trim();
    let l: String = l.chars().take(160).collect();
    context.contains(l.as_str())
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&#xA;", "\n")
        .replace("&#x9;", "\t")
        .replace("&amp;", "&")
}

/// (test name, failure output lines) of each failing test case.
fn go_labels(xml: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for case in xml.split("<testcase ").skip(1) {
        let case = case.split("</testcase>").next().unwrap_or(case);
        let Some(f) = case.find("<failure") else {
            continue;
        };
        let name = case
            .split("name=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(unescape_xml)
            .unwrap_or_default();
        let body = &case[f..];
        let content = body
            .split("<![CDATA[")
            .nth(1)
            .and_then(|s| s.split("]]>").next())
            .unwrap_or("");
        let lines = content
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        out.push((name, lines));
    }
    out
}

fn ecosystem_of_tool(tool: &str) -> &'static str {
    match tool {
        "cargo-check" | "clippy" => "rust",
        "govet" | "golangci-lint" => "go",
        "tsc" | "eslint" | "eslint-compact" => "javascript",
        "dotnet" | "msbuild" => "dotnet",
        _ => "python",
    }
}

fn main() {
    let mut opts = AnalyzeOptions::default();
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--budget" => {
                opts.budget_tokens = args.next().and_then(|b| b.parse().ok()).unwrap_or(1500)
            }
            "--verbose" => verbose = true,
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let dir = bugswarm::fixtures_dir();
    let mut ecos: BTreeMap<&'static str, Eco> = BTreeMap::new();
    let miss = |what: &str, l: &str| {
        if verbose {
            eprintln!("{what}: not quoted: {l}");
        }
    };

    // go test output.
    let gdir = dir.join("go-test/testdata");
    let mut names: Vec<_> = std::fs::read_dir(&gdir)
        .expect("go-test fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    for n in names {
        let Ok(xml) = std::fs::read_to_string(gdir.join(format!("{}-report.xml", &n[..3]))) else {
            continue;
        };
        let text = String::from_utf8_lossy(&std::fs::read(gdir.join(&n)).unwrap()).into_owned();
        let labels = go_labels(&xml);
        if labels.is_empty() {
            continue;
        }
        let a = analyze_text(&text, &opts);
        let e = ecos.entry("go").or_default();
        e.inputs += 1;
        e.tokens.push(tokens(&a.context));
        for (name, lines) in labels {
            let header = format!("--- FAIL: {name}");
            let mut all: Vec<String> = lines;
            if text.contains(&header) {
                all.push(header);
            }
            for l in all {
                e.lines += 1;
                if quoted(&a.context, &l) {
                    e.quoted += 1;
                } else {
                    miss(&n, &l);
                }
            }
        }
    }

    // Compiler and linter diagnostics.
    let cdir = dir.join("compiler-diagnostics");
    let mut tools: Vec<_> = std::fs::read_dir(&cdir)
        .expect("compiler-diagnostics fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".in").map(str::to_string))
        .collect();
    tools.sort();
    for t in tools {
        let input = std::fs::read_to_string(cdir.join(format!("{t}.in"))).unwrap_or_default();
        let ok = std::fs::read_to_string(cdir.join(format!("{t}.ok"))).unwrap_or_default();
        let a = analyze_text(&input, &opts);
        let e = ecos.entry(ecosystem_of_tool(&t)).or_default();
        e.inputs += 1;
        e.tokens.push(tokens(&a.context));
        for exp in read_ok(&ok) {
            let first = exp.message.lines().next().unwrap_or("");
            let want = normalize(first);
            // The input line carrying that message (the label names it by its text).
            let Some(line) = input
                .lines()
                .find(|l| !want.is_empty() && normalize(l).contains(&want))
            else {
                continue;
            };
            e.lines += 1;
            if quoted(&a.context, line) {
                e.quoted += 1;
            } else {
                miss(&t, line);
            }
        }
    }

    // Real CI logs: the failing tests, by their own name.
    for c in bugswarm::cases() {
        let path = dir.join("ci-logs/bugswarm").join(&c.log);
        let logs = self_heal::logs::read_path(&path).expect("fixture log");
        let a = analyze(&logs, &opts);
        let eco = match c.log.split('/').next() {
            Some("python") => "python",
            Some("javascript") => "javascript",
            _ => "java",
        };
        let e = ecos.entry(eco).or_default();
        e.inputs += 1;
        e.tokens.push(tokens(&a.context));
        for t in &c.expected {
            e.lines += 1;
            if a.context.contains(t.as_str()) {
                e.quoted += 1;
            } else {
                miss(&c.log, t);
            }
        }
    }

    println!(
        "| ecosystem | inputs | lines that matter | quoted | share | median tokens | max tokens |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut total = Eco::default();
    for (name, e) in &mut ecos {
        e.tokens.sort();
        println!(
            "| {name} | {} | {} | {} | {:.1}% | {} | {} |",
            e.inputs,
            e.lines,
            e.quoted,
            100.0 * e.quoted as f64 / e.lines.max(1) as f64,
            e.tokens[e.tokens.len() / 2],
            e.tokens.last().copied().unwrap_or(0)
        );
        total.inputs += e.inputs;
        total.lines += e.lines;
        total.quoted += e.quoted;
        total.tokens.extend(e.tokens.iter().copied());
    }
    total.tokens.sort();
    println!(
        "| **all** | {} | {} | {} | **{:.1}%** | {} | {} |",
        total.inputs,
        total.lines,
        total.quoted,
        100.0 * total.quoted as f64 / total.lines.max(1) as f64,
        total.tokens[total.tokens.len() / 2],
        total.tokens.last().copied().unwrap_or(0)
    );
    println!("\n(budget {} tokens)", opts.budget_tokens);
}
