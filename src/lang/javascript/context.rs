//! JavaScript and TypeScript: `import … from`, `export … from`, `require()` and
//! `import()` specifiers, resolved as node and tsc do: relative paths with the usual
//! extensions (`./a.js` may be `a.ts`), directories' `index` files, and tsconfig's
//! (or jsconfig's) `baseUrl` and `paths`.

use crate::lang::context::{
    self, brace_block, join, normalize, parent_dir, push_unique, re, RepoView, SourceContext,
    TestRef,
};
use regex::Regex;
use std::sync::OnceLock;

pub struct JsContext;

const EXTS: [&str; 8] = ["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

impl SourceContext for JsContext {
    fn test_ref(&self, repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef> {
        // Test names carry no file; the log's location does.
        let file = located.filter(|l| is_js(l) && repo.is_file(l))?;
        let func = Some(last_name(id).to_string());
        Some(TestRef {
            file: file.to_string(),
            class: None,
            func,
        })
    }

    fn test_ranges(&self, lines: &[&str], test: &TestRef) -> Option<Vec<(usize, usize)>> {
        let name = test.func.as_deref().filter(|n| !n.is_empty())?;
        // The `it('…')`/`test('…')` whose title ends the reported name (mocha and TAP
        // join the suite titles with plain spaces), the longest such title.
        let start = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains("it(") || l.contains("test("))
            .filter_map(|(i, l)| {
                let title = first_string(l)?;
                (!title.is_empty() && name.ends_with(title)).then_some((i, title.len()))
            })
            .max_by_key(|&(i, len)| (len, std::cmp::Reverse(i)))
            .map(|(i, _)| i)?;
        let mut v: Vec<(usize, usize)> = context::header(lines, |l| {
            let t = l.trim_start();
            !(t.is_empty()
                || t.starts_with("//")
                || t.starts_with("/*")
                || t.starts_with('*')
                || t.starts_with("import ")
                || t.starts_with("'use ")
                || t.starts_with("\"use ")
                || t.contains("require("))
        })
        .filter(|&(_, b)| b < start)
        .into_iter()
        .collect();
        v.push(brace_block(lines, start));
        Some(v)
    }

    fn related(&self, repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String> {
        let dir = parent_dir(rel);
        let config = ts_config(repo, dir);
        let mut out = Vec::new();
        for spec in specifiers(text) {
            let found = if spec.starts_with('.') {
                normalize(&join(dir, &spec)).and_then(|base| resolve(repo, &base))
            } else {
                config.as_ref().and_then(|c| c.resolve(repo, &spec))
            };
            if let Some(f) = found {
                push_unique(&mut out, rel, f);
            }
        }
        out
    }
}

fn is_js(rel: &str) -> bool {
    rel.rsplit_once('.').is_some_and(|(_, e)| EXTS.contains(&e))
}

/// The first quoted string on a line (`'…'`, `"…"` or `` `…` ``).
fn first_string(line: &str) -> Option<&str> {
    let (i, q) = line
        .char_indices()
        .find(|(_, c)| matches!(c, '\'' | '"' | '`'))?;
    let rest = &line[i + 1..];
    rest.find(q).map(|j| &rest[..j])
}

/// The innermost name of `describe › test` / `suite > test`.
fn last_name(id: &str) -> &str {
    let a = id.rsplit(" › ").next().unwrap_or(id);
    a.rsplit(" > ").next().unwrap_or(a).trim()
}

/// Module specifiers of a JS/TS file, in order of appearance.
fn specifiers(text: &str) -> Vec<String> {
    static FROM: OnceLock<Regex> = OnceLock::new();
    static BARE: OnceLock<Regex> = OnceLock::new();
    static CALL: OnceLock<Regex> = OnceLock::new();
    let from = re(&FROM, r#"\bfrom\s*['"]([^'"\n]+)['"]"#);
    let bare = re(&BARE, r#"^\s*import\s*['"]([^'"\n]+)['"]"#);
    let call = re(
        &CALL,
        r#"\b(?:require|import)\s*\(\s*['"]([^'"\n]+)['"]\s*\)"#,
    );
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        for r in [from, bare, call] {
            for c in r.captures_iter(line) {
                let s = c[1].to_string();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// A file or directory path (relative to the root, no extension needed) as a module.
fn resolve(repo: &dyn RepoView, base: &str) -> Option<String> {
    if is_js(base) && repo.is_file(base) {
        return Some(base.to_string());
    }
    // TypeScript's ESM style names the emitted `.js`; the source is `.ts`.
    if let Some(stem) = base
        .strip_suffix(".js")
        .or_else(|| base.strip_suffix(".mjs"))
        .or_else(|| base.strip_suffix(".cjs"))
        .or_else(|| base.strip_suffix(".jsx"))
    {
        for ext in ["ts", "tsx", "mts", "cts"] {
            let c = format!("{stem}.{ext}");
            if repo.is_file(&c) {
                return Some(c);
            }
        }
    }
    for ext in EXTS {
        let c = format!("{base}.{ext}");
        if repo.is_file(&c) {
            return Some(c);
        }
    }
    for ext in EXTS {
        let c = format!("{base}/index.{ext}");
        if repo.is_file(&c) {
            return Some(c);
        }
    }
    None
}

/// `baseUrl` and `paths` of the nearest tsconfig.json / jsconfig.json.
struct TsConfig {
    /// Directory that `paths` targets are relative to.
    base: String,
    has_base_url: bool,
    paths: Vec<(String, Vec<String>)>,
}

impl TsConfig {
    fn resolve(&self, repo: &dyn RepoView, spec: &str) -> Option<String> {
        for (pattern, targets) in &self.paths {
            let star = match pattern.split_once('*') {
                Some((pre, post)) => spec
                    .strip_prefix(pre)
                    .and_then(|r| r.strip_suffix(post))
                    .filter(|r| r.len() + pre.len() + post.len() == spec.len()),
                None => (pattern == spec).then_some(""),
            };
            let Some(star) = star else { continue };
            for t in targets {
                let target = t.replacen('*', star, 1);
                if let Some(f) =
                    normalize(&join(&self.base, &target)).and_then(|b| resolve(repo, &b))
                {
                    return Some(f);
                }
            }
        }
        if self.has_base_url {
            return normalize(&join(&self.base, spec)).and_then(|b| resolve(repo, &b));
        }
        None
    }
}

fn ts_config(repo: &dyn RepoView, from_dir: &str) -> Option<TsConfig> {
    let mut dir = from_dir.to_string();
    loop {
        for name in ["tsconfig.json", "jsconfig.json"] {
            if let Some(text) = repo.read(&join(&dir, name)) {
                return Some(parse_ts_config(&dir, &text));
            }
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_dir(&dir).to_string();
    }
}

fn parse_ts_config(dir: &str, text: &str) -> TsConfig {
    let value: serde_json::Value =
        serde_json::from_str(&strip_jsonc(text)).unwrap_or(serde_json::Value::Null);
    let opts = &value["compilerOptions"];
    let base_url = opts["baseUrl"].as_str();
    let base = match base_url {
        Some(b) => normalize(&join(dir, b)).unwrap_or_default(),
        None => dir.to_string(),
    };
    let paths = opts["paths"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let targets = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|t| t.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    (k.clone(), targets)
                })
                .collect()
        })
        .unwrap_or_default();
    TsConfig {
        base,
        has_base_url: base_url.is_some(),
        paths,
    }
}

/// tsconfig is JSON with comments and trailing commas: drops both (outside strings).
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    static TRAILING: OnceLock<Regex> = OnceLock::new();
    re(&TRAILING, r",(\s*[}\]])")
        .replace_all(&out, "$1")
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifiers_of_every_form() {
        let src = "import a from './a';\nimport { b } from \"../b.js\";\nimport './side';\nconst c = require('./c');\nexport * from './d';\nconst e = await import('@/e');\n// import x from './x';\n";
        assert_eq!(
            specifiers(src),
            vec!["./a", "../b.js", "./side", "./c", "./d", "@/e"]
        );
        assert_eq!(last_name("cart › total applies"), "total applies");
        assert_eq!(last_name("initials > splits"), "splits");
    }

    #[test]
    fn tsconfig_with_comments_and_trailing_commas() {
        let c = parse_ts_config(
            "",
            "{\n // c\n \"compilerOptions\": { \"baseUrl\": \"./src\", /* x */ \"paths\": { \"@/*\": [\"lib/*\",], }, },\n}",
        );
        assert_eq!(c.base, "src");
        assert!(c.has_base_url);
        assert_eq!(
            c.paths,
            vec![("@/*".to_string(), vec!["lib/*".to_string()])]
        );
    }
}
