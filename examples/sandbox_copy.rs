//! Measures `Sandbox::create` on a generated tree: 3,000 tracked files in 100
//! directories, plus 2,000 files under an ignored `node_modules/` and 500 under
//! `.git/` that must be skipped. Run: `cargo run --example sandbox_copy [files]`.

use self_heal::validate::Sandbox;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3000);
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    std::fs::write(root.join(".gitignore"), "node_modules/\n")?;
    let body = "x = 1\n".repeat(300);
    for i in 0..files {
        let d = root.join(format!("pkg{}", i % 100));
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join(format!("mod{i}.py")), &body)?;
    }
    for (sub, n) in [("node_modules/dep", 2000), (".git/objects", 500)] {
        let d = root.join(sub);
        std::fs::create_dir_all(&d)?;
        for i in 0..n {
            std::fs::write(d.join(format!("f{i}")), &body)?;
        }
    }
    let runs = 5;
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let sb = Sandbox::create(root)?;
        times.push(t.elapsed());
        drop(sb);
    }
    times.sort();
    println!(
        "{files} files (+2500 skipped): median {:?}, min {:?}, max {:?} over {runs} runs",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
    Ok(())
}
