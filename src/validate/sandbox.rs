//! The sandbox: a temporary copy of the checkout that validation may change freely.

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
    pub fn create(workdir: &Path) -> Result<Sandbox, ValidateError> {
        let src_root = workdir.canonicalize().map_err(|e| {
            ValidateError::Sandbox(format!("cannot open {}: {e}", workdir.display()))
        })?;
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
            .filter_entry(|e| {
                let name = e.file_name();
                !(name == ".git" || (name == ".self-heal" && e.depth() == 1))
            });

        // Sequential: with a parallel walker (4 threads) no gain was measurable on
        // a 2-core machine, where copying is bound by file-system latency.
        for entry in builder.build() {
            let entry = entry.map_err(|e| ValidateError::Sandbox(e.to_string()))?;
            copy_entry(&entry, &src_root, &dst_root)?;
        }
        Ok(Sandbox {
            _dir: dir,
            root: dst_root,
        })
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
