//! Throughput of the streaming analysis on the real BugSwarm logs (all of
//! them, concatenated), cleaning included. `cargo bench --bench analyze`.
//! For the 500 MB / peak-RSS figure see `scripts/bench-analyze.sh`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use self_heal::analyze::{analyze_reader, AnalyzeOptions};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    if let Some(p) = std::env::var_os("SELF_HEAL_FIXTURES") {
        return PathBuf::from(p);
    }
    let near = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if near.is_dir() {
        return near;
    }
    PathBuf::from("/work/shared/fixtures")
}

fn collect(dir: &Path, out: &mut Vec<u8>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "log") {
            if let Ok(b) = std::fs::read(&p) {
                out.extend_from_slice(&b);
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let mut corpus = Vec::new();
    collect(&fixtures().join("ci-logs/bugswarm"), &mut corpus);
    assert!(
        !corpus.is_empty(),
        "no fixture logs found under {}",
        fixtures().display()
    );
    let mut g = c.benchmark_group("analyze");
    g.throughput(Throughput::Bytes(corpus.len() as u64));
    g.sample_size(10);
    let opts = AnalyzeOptions::default();
    g.bench_function("bugswarm_logs_streaming", |b| {
        b.iter(|| analyze_reader(&corpus[..], &opts).expect("in-memory read"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
