//! Measures `Sandbox::create` on a checkout holding a virtualenv: the venv's copy
//! and relocation dominate. Make one and run it:
//! `python3 -m venv d/.venv && d/.venv/bin/pip install pytest requests &&
//! echo .venv/ > d/.gitignore && cargo run --release --example venv_copy d`.

use self_heal::validate::Sandbox;
use std::path::Path;
use std::time::Instant;

fn size(dir: &Path) -> (u64, u64) {
    let (mut bytes, mut files) = (0, 0);
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
        .flatten()
    {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
            files += 1;
        }
    }
    (bytes, files)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args()
        .nth(1)
        .ok_or("usage: venv_copy <checkout>")?;
    let root = Path::new(&root);
    let (bytes, files) = size(root);
    let runs = 5;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let sb = Sandbox::create(root)?;
        times.push(t.elapsed());
        assert_eq!(
            size(&sb.root).1,
            files + 1,
            "every file copied, and the origin record"
        );
        drop(sb);
    }
    times.sort();
    println!(
        "{:.1} MB in {files} files: median {:?}, min {:?}, max {:?} over {runs} runs",
        bytes as f64 / 1e6,
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
    Ok(())
}
