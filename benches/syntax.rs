//! Parse speed of `syntax` on big real files: parsing (functions, containers, imports)
//! and the rest of what context gathering asks of a file (outline, every function's
//! calls, references to a name). `cargo bench --bench syntax`.
//!
//! Files: `SELF_HEAL_SYNTAX_FILES` (`:`-separated paths), else what this machine has:
//! Go's `net/http/server.go`, Python's `typing.py`, this crate's `src/validate/mod.rs`,
//! Ruby's `matrix.rb`. A missing one is named and left out.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use self_heal::lang::grammar_for as for_path;
use self_heal::syntax::ParsedFile;
use std::path::{Path, PathBuf};
use std::process::Command;

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !s.is_empty()).then_some(s)
}

fn files() -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("SELF_HEAL_SYNTAX_FILES") {
        return std::env::split_paths(&list).collect();
    }
    let mut v = Vec::new();
    if let Some(goroot) = output("go", &["env", "GOROOT"]) {
        v.push(Path::new(&goroot).join("src/net/http/server.go"));
    }
    if let Some(p) = output("python3", &["-c", "import typing; print(typing.__file__)"]) {
        v.push(PathBuf::from(p));
    }
    v.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/validate/mod.rs"));
    if let Some(p) = output(
        "ruby",
        &[
            "-e",
            "require 'matrix'; puts $LOADED_FEATURES.grep(/matrix\\.rb$/).first",
        ],
    ) {
        v.push(PathBuf::from(p));
    }
    v
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("syntax");
    group.sample_size(20);
    for path in files() {
        let name = path.display().to_string();
        let (Ok(text), Some(grammar)) = (std::fs::read_to_string(&path), for_path(&name)) else {
            eprintln!("syntax bench: {name} left out (unreadable or no grammar)");
            continue;
        };
        let label = format!(
            "{} {} ({} KB, {} lines)",
            grammar.name(),
            path.file_name().unwrap_or_default().to_string_lossy(),
            text.len() / 1024,
            text.lines().count()
        );
        let parsed = ParsedFile::parse(grammar, &text).expect("parses");
        eprintln!(
            "{label}: {} functions, {} containers, {} imports",
            parsed.functions.len(),
            parsed.containers.len(),
            parsed.imports.len()
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("parse {label}"), |b| {
            b.iter(|| ParsedFile::parse(grammar, &text).expect("parses"))
        });
        group.bench_function(format!("outline+calls+refs {label}"), |b| {
            b.iter(|| {
                let n: usize = (0..parsed.functions.len())
                    .map(|i| parsed.calls_in(i).len())
                    .sum();
                (parsed.outline().len(), n, parsed.references("Error").len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
