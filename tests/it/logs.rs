//! Reading logs: run-logs zips (layout, hostile archives), directories, text.

use self_heal::logs::{read_path, read_zip_bytes, read_zip_bytes_with_limit, LogError};
use std::io::Write;
use zip::write::SimpleFileOptions;

const TS: &str = "2023-09-21T12:55:36.1540905Z ";

fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        if name.ends_with('/') {
            w.add_directory(*name, opts).unwrap();
        } else {
            w.start_file(*name, opts).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

fn stamped(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{TS}{l}\n")).collect()
}

#[test]
fn run_logs_zip_layout() {
    let failing = stamped(&[
        "##[group]Run python -m pytest -q",
        "python -m pytest -q",
        "shell: /usr/bin/bash -e {0}",
        "##[endgroup]",
        "FAILED tests/test_x.py::test_y - assert 1 == 2",
        "##[error]Process completed with exit code 1.",
    ]);
    let bytes = zip_of(&[
        ("0_test (3.11).txt", &failing),
        ("-2147483648_test (3.11).txt", &failing),
        ("test (3.11)/", ""),
        (
            "test (3.11)/1_Set up job.txt",
            &stamped(&["Current runner version: '2.311.0'"]),
        ),
        ("test (3.11)/3_Run tests.txt", &failing),
        ("lint/2_Run ruff.txt", &stamped(&["All checks passed!"])),
    ]);
    let logs = read_zip_bytes(&bytes).unwrap();
    let names: Vec<_> = logs
        .iter()
        .map(|l| {
            format!(
                "{}|{}",
                l.job.as_deref().unwrap_or("-"),
                l.step.as_deref().unwrap_or("-")
            )
        })
        .collect();
    // The job file and its legacy duplicate repeat the step files: dropped.
    assert_eq!(
        names,
        vec![
            "test (3.11)|Set up job",
            "test (3.11)|Run tests",
            "lint|Run ruff"
        ]
    );
    assert!(
        logs[1]
            .text
            .starts_with("##[group]Run python -m pytest -q\n"),
        "timestamps stripped"
    );
    let a = self_heal::analyze::analyze(&logs, &Default::default());
    assert_eq!(a.failures.len(), 1, "not double counted: {:?}", a.failures);
    assert_eq!(a.job.as_deref(), Some("test (3.11)"));
    assert_eq!(a.step.as_deref(), Some("Run tests"));
    assert_eq!(a.command.as_deref(), Some("python -m pytest -q"));
}

#[test]
fn zip_without_step_folders_uses_job_files() {
    let bytes = zip_of(&[
        ("0_build.txt", &stamped(&["FAILED tests/a.py::test_a - x"])),
        (
            "-2147483648_build.txt",
            &stamped(&["FAILED tests/a.py::test_a - x"]),
        ),
    ]);
    let logs = read_zip_bytes(&bytes).unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].job.as_deref(), Some("build"));
    assert_eq!(logs[0].step, None);
}

#[test]
fn hostile_zip_entries_are_refused() {
    for name in [
        "../evil.txt",
        "job/../../evil.txt",
        "/etc/passwd",
        "C:/x.txt",
        "..\\x.txt",
    ] {
        let bytes = zip_of(&[("0_ok.txt", "fine\n"), (name, "bad\n")]);
        match read_zip_bytes(&bytes) {
            Err(LogError::UnsafePath(p)) => assert_eq!(p, name),
            other => panic!("{name}: expected UnsafePath, got {other:?}"),
        }
    }
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.add_symlink(
        "job/1_link.txt",
        "/etc/passwd",
        SimpleFileOptions::default(),
    )
    .unwrap();
    let bytes = w.finish().unwrap().into_inner();
    assert!(matches!(
        read_zip_bytes(&bytes),
        Err(LogError::UnsafePath(_))
    ));
}

#[test]
fn zip_bomb_stops_at_the_cap() {
    // 8 MiB of zeros deflate to a few KiB; the cap is enforced on inflated bytes.
    let big = "0".repeat(8 << 20);
    let bytes = zip_of(&[("0_job.txt", &big)]);
    assert!(bytes.len() < 100_000);
    match read_zip_bytes_with_limit(&bytes, 1 << 20) {
        Err(LogError::TooLarge(_)) => {}
        other => panic!("expected TooLarge, got {:?}", other.map(|v| v.len())),
    }
    // Under the cap it reads.
    assert_eq!(
        read_zip_bytes_with_limit(&bytes, 16 << 20).unwrap().len(),
        1
    );
}

#[test]
fn corrupt_zip_is_bad_zip() {
    let mut bytes = zip_of(&[("0_job.txt", "hello\n")]);
    assert!(matches!(
        read_zip_bytes(b"PK\x03\x04garbage"),
        Err(LogError::BadZip(_))
    ));
    assert!(matches!(
        read_zip_bytes(b"not a zip"),
        Err(LogError::BadZip(_))
    ));
    // Flip bytes in the compressed data: CRC or inflate error, not a panic.
    let n = bytes.len();
    for b in &mut bytes[30..n / 2] {
        *b ^= 0xA5;
    }
    assert!(read_zip_bytes(&bytes).is_err());
}

#[test]
fn read_path_handles_text_dir_and_zip() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("ci.log");
    std::fs::write(
        &text,
        format!("{TS}\x1b[31mFAILED\x1b[0m tests/a.py::t - boom\r\n"),
    )
    .unwrap();
    let logs = read_path(&text).unwrap();
    assert_eq!(logs[0].text, "FAILED tests/a.py::t - boom\n");

    let steps = dir.path().join("steps");
    std::fs::create_dir_all(steps.join("build")).unwrap();
    std::fs::write(steps.join("build/2_Run tests.txt"), "b\n").unwrap();
    std::fs::write(steps.join("build/10_Complete job.txt"), "c\n").unwrap();
    std::fs::write(steps.join("1_build.txt"), "whole job\n").unwrap();
    let logs = read_path(&steps).unwrap();
    let steps_seen: Vec<_> = logs
        .iter()
        .map(|l| l.step.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        steps_seen,
        vec!["Run tests", "Complete job"],
        "numeric step order, job file dropped"
    );

    let z = dir.path().join("logs.zip");
    std::fs::write(&z, zip_of(&[("0_job.txt", "x\n")])).unwrap();
    assert_eq!(read_path(&z).unwrap()[0].job.as_deref(), Some("job"));

    let missing = dir.path().join("nope.log");
    assert!(matches!(read_path(&missing), Err(LogError::Io { .. })));
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bin.log");
    std::fs::write(&p, b"ok\n\xff\xfe broken \xc3\n").unwrap();
    let logs = read_path(&p).unwrap();
    assert!(logs[0].text.contains("\u{fffd}"));
}

#[test]
fn real_log_reads_the_same_from_text_and_zip() {
    let path = crate::support::bugswarm::fixtures_dir()
        .join("ci-logs/bugswarm/python/2163834915-orig.log");
    let text = std::fs::read_to_string(&path).unwrap();
    let from_text = read_path(&path).unwrap();
    let from_zip = read_zip_bytes(&zip_of(&[("3_test (3.7).txt", &text)])).unwrap();
    assert_eq!(from_zip[0].text, from_text[0].text);
    assert_eq!(from_zip[0].job.as_deref(), Some("test (3.7)"));
    let opts = Default::default();
    let a = self_heal::analyze::analyze(&from_text, &opts);
    let b = self_heal::analyze::analyze(&from_zip, &opts);
    assert_eq!(a.failures, b.failures);
    assert_eq!(b.job.as_deref(), Some("test (3.7)"));
    // Cleaning removed every runner timestamp and colour code.
    assert!(!from_text[0].text.contains("2022-04-13T"));
    assert!(!from_text[0].text.contains('\x1b'));
}

fn streamed(path: &std::path::Path, limit: u64) -> (Vec<String>, self_heal::logs::Streamed) {
    let mut got = Vec::new();
    let s = self_heal::logs::stream::stream_path_with_limit(path, limit, &mut |e| match e {
        self_heal::logs::Event::Start { job, step } => got.push(format!(
            "## {}|{}",
            job.unwrap_or_default(),
            step.unwrap_or_default()
        )),
        self_heal::logs::Event::Line(l) => got.push(l.to_string()),
    })
    .unwrap();
    (got, s)
}

#[test]
fn streaming_a_zip_follows_the_run_logs_layout() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = zip_of(&[
        ("0_test.txt", "whole job\n"),
        ("test/2_Run tests.txt", "FAILED x\n"),
        ("test/1_Set up job.txt", "setup\n"),
    ]);
    let p = dir.path().join("logs.zip");
    std::fs::write(&p, &bytes).unwrap();
    let (got, s) = streamed(&p, 1 << 20);
    assert_eq!(
        got,
        [
            "## test|Set up job",
            "setup",
            "## test|Run tests",
            "FAILED x"
        ]
    );
    assert_eq!(s.cut, None);
}

/// Past the cap the input is cut, not held: the reason says so.
#[test]
fn streaming_cuts_at_the_cap_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.log");
    std::fs::write(&p, "line\n".repeat(1000)).unwrap();
    let (got, s) = streamed(&p, 100);
    assert_eq!(s.bytes, 100);
    assert_eq!(got.len(), 1 + 20, "the start and the lines within the cap");
    assert!(s.cut.unwrap().contains("first 100 bytes"));
    // A zip bomb inflates only up to the cap, entry by entry.
    let bomb = zip_of(&[("0_job.txt", &"0".repeat(8 << 20))]);
    let z = dir.path().join("bomb.zip");
    std::fs::write(&z, bomb).unwrap();
    let (_, s) = streamed(&z, 1 << 20);
    assert_eq!(s.bytes, 1 << 20);
    assert!(s.cut.is_some());
}

#[test]
fn non_regular_files_are_refused() {
    for p in ["/dev/zero", "/dev/null"] {
        let e = self_heal::logs::stream_path(std::path::Path::new(p), &mut |_| {}).unwrap_err();
        assert!(matches!(e, LogError::NotRegular(_)), "{e}");
        assert!(matches!(
            read_path(std::path::Path::new(p)),
            Err(LogError::NotRegular(_))
        ));
    }
}
