//! `go test` as a test framework: `-run '^TestX$/^sub$' ./pkg` for a scoped run,
//! `-json` after `go test` for the full one; both read back by [`super::json`].

use super::json;
use crate::lang::framework::{
    anchored, base_or, insert_at, plain_words, ScopedCommand, TestFramework,
};
use crate::lang::reports::{ReadError, TestRun};

#[derive(Debug, Clone, Default)]
pub struct GoTest {
    /// The module path from `go.mod`, so packages become `./dir` arguments.
    pub module: Option<String>,
    /// The command that starts `go test`; None for the plain one.
    pub base: Option<Vec<String>>,
}

impl GoTest {
    pub fn new(module: Option<&str>) -> GoTest {
        GoTest {
            module: module.map(str::to_string),
            base: None,
        }
    }
}

impl TestFramework for GoTest {
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        let mut argv = base_or(&self.base, &["go", "test"]);
        // One alternation per nesting level: `-run` splits its pattern at `/`, so
        // tests of different depths share levels. The report says exactly what ran.
        let mut levels: Vec<Vec<String>> = Vec::new();
        let mut pkgs: Vec<String> = Vec::new();
        for t in tests {
            let (pkg, name) = split(t);
            let dir = match (pkg, self.module.as_deref()) {
                (None, _) => "./...".to_string(),
                (Some(p), Some(m)) if p == m => ".".to_string(),
                (Some(p), Some(m)) => match p.strip_prefix(m).and_then(|r| r.strip_prefix('/')) {
                    Some(rest) => format!("./{rest}"),
                    None => p.to_string(),
                },
                (Some(p), None) => p.to_string(),
            };
            if !pkgs.contains(&dir) {
                pkgs.push(dir);
            }
            for (i, part) in name.split('/').enumerate() {
                if levels.len() <= i {
                    levels.push(Vec::new());
                }
                if !levels[i].iter().any(|p| p == part) {
                    levels[i].push(part.to_string());
                }
            }
        }
        let run: Vec<String> = levels.iter().map(|alts| anchored(alts)).collect();
        argv.extend(["-json".to_string(), "-run".to_string(), run.join("/")]);
        argv.extend(pkgs);
        Some(ScopedCommand::stdout(argv))
    }

    /// `-json` after `go test`.
    fn full(&self, command: &str) -> Option<ScopedCommand> {
        let words = plain_words(command)?;
        if words.first().map(String::as_str) != Some("go")
            || words.get(1).map(String::as_str) != Some("test")
        {
            return None;
        }
        let argv = if words.iter().any(|w| w == "-json") {
            words
        } else {
            insert_at(&words, 2, &["-json"])
        };
        Some(ScopedCommand::stdout(argv))
    }

    fn read(&self, report: &str) -> Result<TestRun, ReadError> {
        json::read(report)
    }

    fn render(&self, output: &str) -> Option<String> {
        Some(json::render(output))
    }
}

/// `example.com/m/pkg.TestX/sub` → (Some(package), `TestX/sub`).
pub(crate) fn split(id: &str) -> (Option<&str>, &str) {
    for prefix in [".Test", ".Example", ".Fuzz", ".Benchmark"] {
        if let Some(i) = id.find(prefix) {
            if i > 0 {
                return (Some(&id[..i]), &id[i + 1..]);
            }
        }
    }
    (None, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scoped(tests: &[&str]) -> String {
        GoTest::new(Some("example.com/m"))
            .scoped(tests)
            .unwrap()
            .shell()
    }

    #[test]
    fn run_patterns_per_level_and_packages_as_dirs() {
        assert_eq!(
            scoped(&["example.com/m/slug.TestMake/trailing_punctuation"]),
            "go test -json -run '^TestMake$/^trailing_punctuation$' ./slug"
        );
        assert_eq!(
            scoped(&["example.com/m.TestA", "example.com/m.TestB", "TestC"]),
            "go test -json -run '^(?:TestA|TestB|TestC)$' . ./..."
        );
    }

    #[test]
    fn the_full_command_gains_json_only_when_plain() {
        let full = |c: &str| GoTest::default().full(c).map(|sc| sc.shell());
        assert_eq!(full("go test -v ./...").unwrap(), "go test -json -v ./...");
        for c in ["go vet ./... && go test ./...", "go test ./... | tee out"] {
            assert_eq!(full(c), None, "{c}");
        }
    }
}
