//! The sandbox: a temporary copy of the checkout that validation may change freely.
//!
//! Installed dependencies are reused without letting an attempt change them:
//! - `node_modules` (ignored, so not part of the copy) is copied too, at the root and
//!   beside each `package.json` below it (a monorepo's projects, workspaces), file by file
//!   with `fs::copy` (copy-on-write where the file system can reflink): a fresh
//!   `npm ci` per attempt is no longer needed, and what a test writes there stays in
//!   the sandbox. Never a symlink or hard link, which would share the original files.
//! - The Go module cache, Maven's local repository and cargo's registry live outside
//!   the checkout and are used where they are (Go's files are read-only; Maven and
//!   cargo only add to theirs).
//! - A cargo project's `target/` is copied the same way when it holds at most
//!   [`TARGET_COPY_LIMIT`] bytes, keeping each file's modification time: cargo then
//!   finds the dependencies built (the sandbox's sources are newer than the
//!   artifacts, so the project's own crates are rebuilt, never taken from a stale
//!   build). Measured on a crate with `regex` and `serde_json`: 26 s for `cargo test`
//!   without it, 1.3 s with it (112 MB copied in 0.24 s from a warm cache, ext4, no
//!   reflinks). A bigger `target/` is left out: copying gigabytes per attempt costs
//!   more than the build it saves and fills the temp directory.
//! - A virtualenv at the top of the checkout or one level down (a directory holding
//!   `pyvenv.cfg`, ignored or not) of at most [`VENV_COPY_LIMIT`] bytes is copied the same way and
//!   relocated to the sandbox (see [`super::venv`]): its scripts and an editable
//!   install (`pip install -e .`) then run and import the sandbox's files, never the
//!   original's, and an active venv (`VIRTUAL_ENV`, `PATH`) is swapped for the copy
//!   in validation's environment. Measured on a venv with `pip`, `pytest` and
//!   `requests` (38.8 MB in 2,653 files): 0.53 s per sandbox, copy and relocation
//!   (release build, ext4, no reflinks; `cp -a` takes 0.8 s there), against the
//!   seconds to minutes of a fresh install per attempt. A bigger venv is left to
//!   the ordinary copy (out when ignored): a venv is then set up with
//!   `setup-command`. Docker validation removes the copies before the sandbox goes
//!   into the container, whose Python is not this machine's.

use super::venv::{self, VENV_COPY_LIMIT};
use super::ValidateError;
use std::path::{Path, PathBuf};

/// A temporary copy of the checkout; removed on drop.
pub struct Sandbox {
    pub(super) _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Sandbox {
    /// Copies `workdir` to a temp dir, skipping what `.gitignore`, `.ignore` and
    /// git's excludes ignore, `.git` and `.self-heal/`. File modes are kept
    /// (executable scripts stay executable); a symlink is copied as a symlink only
    /// if it resolves inside `workdir` (absolute targets are re-pointed into the
    /// sandbox), otherwise it is left out so a test can never write through it.
    /// Then the dependencies above: `node_modules`, `target/`, and each venv at the
    /// top or one level down within [`VENV_COPY_LIMIT`] (whose links out, to its base interpreter,
    /// are kept).
    pub fn create(workdir: &Path) -> Result<Sandbox, ValidateError> {
        Sandbox::create_with(workdir, VENV_COPY_LIMIT)
    }

    /// [`Sandbox::create`] with venvs of at most `venv_limit` bytes copied.
    fn create_with(workdir: &Path, venv_limit: u64) -> Result<Sandbox, ValidateError> {
        let src_root = workdir.canonicalize().map_err(|e| {
            ValidateError::Sandbox(format!("cannot open {}: {e}", workdir.display()))
        })?;
        // Files in a venv name the checkout as the user did, symlinks included.
        let given_root = std::path::absolute(workdir).unwrap_or_else(|_| src_root.clone());
        let venvs = venv::find(&src_root, venv_limit);
        let own_copy: Vec<PathBuf> = venvs.iter().map(|v| src_root.join(v)).collect();
        let dir = tempfile::Builder::new()
            .prefix("self-heal-sandbox-")
            .tempdir()
            .map_err(|e| ValidateError::Sandbox(e.to_string()))?;
        let dst_root = dir.path().to_path_buf();

        let mut builder = ignore::WalkBuilder::new(&src_root);
        builder
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .ignore(true)
            .parents(true)
            // Honour .gitignore even in a directory that is not a git repository.
            .require_git(false)
            .follow_links(false)
            .filter_entry(move |e| {
                let name = e.file_name();
                let top = e.depth() == 1;
                // A venv gets its own copy below, with its own rules for links.
                let venv = e.depth() <= 2 && own_copy.iter().any(|v| v == e.path());
                !(name == ".git" || (name == ".self-heal" && top) || venv)
            });

        // Sequential: with a parallel walker (4 threads) no gain was measurable on
        // a 2-core machine, where copying is bound by file-system latency.
        // Directories with a `package.json` below the root: a monorepo's or a
        // workspace's projects have their own `node_modules`.
        let mut projects = vec![PathBuf::new()];
        for entry in builder.build() {
            let entry = entry.map_err(|e| ValidateError::Sandbox(e.to_string()))?;
            copy_entry(&entry, &src_root, &dst_root)?;
            if entry.file_name() == "package.json" && entry.depth() > 1 {
                let dir = entry
                    .path()
                    .parent()
                    .and_then(|d| d.strip_prefix(&src_root).ok());
                if let Some(dir) = dir.filter(|d| {
                    !d.components()
                        .any(|c| DEPENDENCY_DIRS.contains(&c.as_os_str().to_str().unwrap_or("")))
                }) {
                    projects.push(dir.to_path_buf());
                }
            }
        }
        for dir in &projects {
            copy_dependencies(
                &src_root.join(dir),
                &dst_root.join(dir),
                &src_root,
                &dst_root,
            )?;
        }
        copy_cargo_target(&src_root, &dst_root, TARGET_COPY_LIMIT)?;
        for name in &venvs {
            venv::copy(&src_root, &given_root, &dst_root, name)?;
        }
        Ok(Sandbox {
            _dir: dir,
            root: dst_root,
        })
    }
}

/// Installed dependency directories at the top of the checkout that the sandbox
/// gets a private copy of even when they are ignored.
pub const DEPENDENCY_DIRS: &[&str] = &["node_modules"];

/// Copies each of [`DEPENDENCY_DIRS`] in `src` (the root or a project's directory
/// below it) that the ignore rules left out, everything in it.
fn copy_dependencies(
    src: &Path,
    dst: &Path,
    src_root: &Path,
    dst_root: &Path,
) -> Result<(), ValidateError> {
    for name in DEPENDENCY_DIRS {
        let (src, dst) = (src.join(name), dst.join(name));
        // A symlinked node_modules points outside: left out like any such link.
        let is_dir = std::fs::symlink_metadata(&src).is_ok_and(|m| m.is_dir());
        if !is_dir || dst.exists() {
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(&src);
        builder.standard_filters(false).follow_links(false);
        for entry in builder.build() {
            let entry = entry.map_err(|e| ValidateError::Sandbox(e.to_string()))?;
            copy_entry(&entry, src_root, dst_root)?;
        }
    }
    Ok(())
}

/// The largest `target/` the sandbox gets a copy of, in bytes.
pub const TARGET_COPY_LIMIT: u64 = 1 << 30;

/// A private copy of a cargo project's `target/` (when ignored and at most `limit`
/// bytes), with the files' modification times, which cargo's freshness check reads.
fn copy_cargo_target(src_root: &Path, dst_root: &Path, limit: u64) -> Result<(), ValidateError> {
    let src = src_root.join("target");
    let is_dir = std::fs::symlink_metadata(&src).is_ok_and(|m| m.is_dir());
    if !is_dir || !src_root.join("Cargo.toml").is_file() || dst_root.join("target").exists() {
        return Ok(());
    }
    let walk = || {
        let mut b = ignore::WalkBuilder::new(&src);
        b.standard_filters(false).follow_links(false);
        b.build()
    };
    let mut size = 0u64;
    for entry in walk().flatten() {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            size += entry.metadata().map(|m| m.len()).unwrap_or(0);
            if size > limit {
                return Ok(());
            }
        }
    }
    for entry in walk() {
        let entry = entry.map_err(|e| ValidateError::Sandbox(e.to_string()))?;
        copy_entry(&entry, src_root, dst_root)?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let dst = dst_root.join(entry.path().strip_prefix(src_root).unwrap_or(entry.path()));
            // Without its time an artifact looks newer than the sources it was built from.
            keep_modified(entry.path(), &dst);
        }
    }
    Ok(())
}

/// Gives the copy `dst` the modification time of `src`, when it can be written.
pub(super) fn keep_modified(src: &Path, dst: &Path) {
    if let Ok(m) = std::fs::metadata(src).and_then(|m| m.modified()) {
        let _ = std::fs::File::options()
            .write(true)
            .open(dst)
            .and_then(|f| f.set_modified(m));
    }
}

fn copy_entry(
    entry: &ignore::DirEntry,
    src_root: &Path,
    dst_root: &Path,
) -> Result<(), ValidateError> {
    let err = |what: &str, p: &Path, e: std::io::Error| {
        ValidateError::Sandbox(format!("{what} {}: {e}", p.display()))
    };
    let src = entry.path();
    let rel = match src.strip_prefix(src_root) {
        Ok(r) if !r.as_os_str().is_empty() => r,
        _ => return Ok(()),
    };
    let dst = dst_root.join(rel);
    let Some(ft) = entry.file_type() else {
        return Ok(());
    };
    if ft.is_dir() {
        // Directories get the default mode: a read-only one would stop tests
        // writing their files and the sandbox's own removal.
        std::fs::create_dir_all(&dst).map_err(|e| err("cannot create", &dst, e))?;
    } else if ft.is_file() {
        // fs::copy keeps the mode bits (and uses copy_file_range where it can).
        std::fs::copy(src, &dst).map_err(|e| err("cannot copy", src, e))?;
    } else if ft.is_symlink() {
        copy_symlink(src, &dst, src_root, dst_root)?;
    }
    // Sockets, FIFOs and devices are not source code: left out.
    Ok(())
}

fn copy_symlink(
    src: &Path,
    dst: &Path,
    src_root: &Path,
    dst_root: &Path,
) -> Result<(), ValidateError> {
    let Ok(target) = std::fs::read_link(src) else {
        return Ok(());
    };
    let Ok(resolved) = src.canonicalize() else {
        return Ok(()); // dangling or a loop
    };
    let Ok(inner) = resolved.strip_prefix(src_root) else {
        return Ok(()); // points outside the checkout
    };
    let link_to = if target.is_absolute() {
        dst_root.join(inner)
    } else {
        target
    };
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&link_to, dst)
            .map_err(|e| ValidateError::Sandbox(format!("cannot link {}: {e}", dst.display())))?;
    }
    #[cfg(not(unix))]
    {
        let _ = (link_to, dst);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `.venv` is ignored, `venv` is not; both link to the base interpreter.
    fn two_venvs() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), ".venv/\n").unwrap();
        for name in [".venv", "venv"] {
            let v = root.join(name);
            std::fs::create_dir_all(v.join("bin")).unwrap();
            std::fs::write(v.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
            std::fs::write(v.join("bin/data"), vec![b'x'; 1000]).unwrap();
            std::os::unix::fs::symlink("/usr/bin/python3", v.join("bin/python3")).unwrap();
        }
        dir
    }

    #[test]
    fn a_venv_over_the_limit_is_copied_as_before() {
        let project = two_venvs();
        let sb = Sandbox::create_with(project.path(), 100).unwrap();
        assert!(!sb.root.join(".venv").exists(), "ignored: left out");
        assert!(
            sb.root.join("venv/bin/data").is_file(),
            "not ignored: copied"
        );
        assert!(
            std::fs::symlink_metadata(sb.root.join("venv/bin/python3")).is_err(),
            "the ordinary copy leaves out links out of the checkout"
        );
    }

    #[test]
    fn a_venv_within_the_limit_gets_its_own_copy_ignored_or_not() {
        let project = two_venvs();
        let sb = Sandbox::create_with(project.path(), 10_000).unwrap();
        for name in [".venv", "venv"] {
            let v = sb.root.join(name);
            assert_eq!(std::fs::read(v.join("bin/data")).unwrap().len(), 1000);
            assert_eq!(
                std::fs::read_link(v.join("bin/python3")).unwrap(),
                PathBuf::from("/usr/bin/python3"),
                "{name}: the base interpreter's link is kept"
            );
        }
    }
}
