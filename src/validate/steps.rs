//! How a step's command runs: written to a script file and started through the
//! shell the CI step used, as GitHub runs `run:` steps (`shell: /usr/bin/bash -e
//! {0}` in the log: the program, its flags, `{0}` the script's path).
//!
//! Each step gets a small POSIX `sh` launcher that merges stderr into stdout,
//! lets `python3` stand in for a missing `python` (and `python3 -m pip` for
//! `pip`), and starts the step's shell: at its path, else by name on `PATH`,
//! else (for bash only) `sh -e` with a note, else a marked failure naming the
//! missing program. The same files work on this machine and inside a container.

use super::scope::sh_quote;
use std::io;
use std::path::Path;

/// The shell for commands that do not come from the log (setup-command, the
/// scoped run, test-command, a detected command): GitHub's `shell: bash`.
pub const DEFAULT_SHELL: &str = "bash --noprofile --norc -eo pipefail {0}";

/// First words of the line a launcher prints when the step's shell is missing.
pub const MISSING_SHELL: &str = "self-heal: cannot run the step:";

/// The `shell:` template split into words (`"pwsh -command \". '{0}'\""` gives
/// `pwsh`, `-command`, `. '{0}'`); `{0}` is appended when the template has none.
pub fn parse_template(template: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in template.trim().chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    if words.is_empty() {
        return parse_template(DEFAULT_SHELL);
    }
    if !words.iter().any(|w| w.contains("{0}")) {
        words.push("{0}".into());
    }
    words
}

/// The program's name without its directory (`/usr/bin/bash` → `bash`).
fn base_name(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// The script's extension: PowerShell runs only `.ps1` files.
fn extension(program: &str) -> &'static str {
    match base_name(program) {
        "pwsh" | "powershell" => "ps1",
        "cmd" => "cmd",
        p if p.starts_with("python") => "py",
        _ => "sh",
    }
}

/// One step to write: its command and the `shell:` template to run it with.
pub struct StepSpec<'a> {
    pub command: &'a str,
    pub shell: &'a str,
}

/// Writes the step scripts, their launchers and the aliases into `dir` on this
/// machine; `seen_as` is where the runner will see `dir` (the same path for
/// subprocesses, the copy's path inside a container). Returns, per step, the
/// launcher's path as the runner sees it: run it with `sh <path>`.
pub fn write(dir: &Path, seen_as: &str, steps: &[StepSpec<'_>]) -> io::Result<Vec<String>> {
    let seen_as = seen_as.trim_end_matches('/');
    write_alias(dir, "python", "exec python3 \"$@\"\n")?;
    write_alias(
        dir,
        "pip",
        "command -v pip3 >/dev/null 2>&1 && exec pip3 \"$@\"\nexec python3 -m pip \"$@\"\n",
    )?;
    let mut launchers = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let words = parse_template(step.shell);
        let script = format!("step-{}.{}", i + 1, extension(&words[0]));
        std::fs::write(dir.join(&script), step.command)?;
        let launcher = format!("launch-{}.sh", i + 1);
        let text = launcher_text(&words, &format!("{seen_as}/{script}"), seen_as);
        std::fs::write(dir.join(&launcher), text)?;
        launchers.push(format!("{seen_as}/{launcher}"));
    }
    Ok(launchers)
}

fn write_alias(dir: &Path, name: &str, body: &str) -> io::Result<()> {
    let sub = dir.join("alias").join(name);
    std::fs::create_dir_all(&sub)?;
    let path = sub.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

/// The launcher: POSIX sh, nothing but builtins, so it runs in any image with a shell.
fn launcher_text(words: &[String], script: &str, base: &str) -> String {
    let program = &words[0];
    let name = base_name(program);
    let args: Vec<String> = words[1..]
        .iter()
        .map(|w| sh_quote(&w.replace("{0}", script)))
        .collect();
    let args = args.join(" ");
    let alias = sh_quote(&format!("{base}/alias"));
    let mut s =
        String::from("# self-heal: one validation step (src/validate/steps.rs)\nexec 2>&1\n");
    s.push_str(&format!("a={alias}\n"));
    s.push_str(
        "if ! command -v python >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then\n\
         \x20 PATH=\"$a/python:$PATH\"; export PATH\n\
         \x20 echo 'self-heal: python is not installed here; python3 stands in for it'\n\
         fi\n\
         if ! command -v pip >/dev/null 2>&1 && { command -v pip3 || command -v python3; } >/dev/null 2>&1; then\n\
         \x20 PATH=\"$a/pip:$PATH\"; export PATH\n\
         fi\n",
    );
    if program.contains('/') {
        let p = sh_quote(program);
        s.push_str(&format!("if [ -x {p} ]; then exec {p} {args}; fi\n"));
    }
    let n = sh_quote(name);
    s.push_str(&format!(
        "if command -v {n} >/dev/null 2>&1; then exec {n} {args}; fi\n"
    ));
    if name == "bash" {
        // Most of what bash runs in CI runs in sh too; say so, since pipefail
        // and bash-only syntax are lost.
        let script_q = sh_quote(script);
        s.push_str(&format!(
            "echo 'self-heal: bash is not installed here; the step runs with sh -e'\nexec sh -e {script_q}\n"
        ));
    } else {
        s.push_str(&format!(
            "echo {}\nexit 127\n",
            sh_quote(&format!("{MISSING_SHELL} {name} is not installed here"))
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_like_github_writes_them() {
        assert_eq!(
            parse_template("/usr/bin/bash -e {0}"),
            ["/usr/bin/bash", "-e", "{0}"]
        );
        assert_eq!(
            parse_template("pwsh -command \". '{0}'\""),
            ["pwsh", "-command", ". '{0}'"]
        );
        assert_eq!(parse_template("python"), ["python", "{0}"]);
        assert_eq!(parse_template("  "), parse_template(DEFAULT_SHELL));
    }

    #[test]
    fn scripts_get_the_extension_their_shell_needs() {
        let dir = tempfile::tempdir().unwrap();
        let l = write(
            dir.path(),
            "/x",
            &[
                StepSpec {
                    command: "echo 1",
                    shell: "bash -e {0}",
                },
                StepSpec {
                    command: "print(1)",
                    shell: "/opt/py/bin/python {0}",
                },
                StepSpec {
                    command: "Write-Output 1",
                    shell: "pwsh -command \". '{0}'\"",
                },
            ],
        )
        .unwrap();
        assert_eq!(l, ["/x/launch-1.sh", "/x/launch-2.sh", "/x/launch-3.sh"]);
        assert!(dir.path().join("step-2.py").exists());
        let pwsh = std::fs::read_to_string(dir.path().join("launch-3.sh")).unwrap();
        assert!(
            pwsh.contains("exec pwsh -command '. '\\''/x/step-3.ps1'\\'''"),
            "{pwsh}"
        );
        assert!(pwsh.contains("pwsh is not installed here"), "{pwsh}");
    }
}
