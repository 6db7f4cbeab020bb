//! The fallback when no interpreter runs: line-based, indentation-aware, good for the
//! plain code typos happen in. It never invents names, it may miss some.

use super::names::{BUILTINS, MODULE_DUNDERS, OBJECT_ATTRS};
use super::subprocess::Scope;
use regex::Regex;
use std::sync::OnceLock;

struct Res {
    def: Regex,
    class: Regex,
    assign: Regex,
    import: Regex,
    from: Regex,
    for_: Regex,
    as_: Regex,
    self_attr: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("static regex");
        Res {
            def: re(r"^(\s*)(?:async\s+)?def\s+(\w+)\s*\(([^)]*)"),
            class: re(r"^(\s*)class\s+(\w+)"),
            assign: re(r"^\s*([\w, ]+?)\s*(?::[^=]+)?(?:=|\+=|-=|\*=|/=)[^=]"),
            import: re(r"^\s*import\s+(.+)"),
            from: re(r"^\s*from\s+\S+\s+import\s+\(?([^)#]+)"),
            for_: re(r"^\s*(?:async\s+)?for\s+([\w, ]+?)\s+in\b"),
            as_: re(r"\bas\s+(\w+)"),
            self_attr: re(r"\bself\.(\w+)\s*(?::[^=]+)?=[^=]"),
        }
    })
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// Names a single statement line binds.
fn bound(line: &str) -> Vec<String> {
    let r = res();
    let mut out = Vec::new();
    if let Some(c) = r.def.captures(line).or_else(|| r.class.captures(line)) {
        out.push(c[2].to_string());
    } else if let Some(c) = r.from.captures(line) {
        for part in c[1].split(',') {
            let mut words = part.split_whitespace();
            let first = words.next().unwrap_or("");
            let name = match (words.next(), words.next()) {
                (Some("as"), Some(alias)) => alias,
                _ => first,
            };
            if !name.is_empty() && name != "*" {
                out.push(name.to_string());
            }
        }
    } else if let Some(c) = r.import.captures(line) {
        for part in c[1].split(',') {
            let mut words = part.split_whitespace();
            let first = words.next().unwrap_or("");
            let name = match (words.next(), words.next()) {
                (Some("as"), Some(alias)) => alias.to_string(),
                _ => first.split('.').next().unwrap_or("").to_string(),
            };
            if !name.is_empty() {
                out.push(name);
            }
        }
    } else if let Some(c) = r.for_.captures(line) {
        out.extend(c[1].split(',').map(|s| s.trim().to_string()));
    } else if let Some(c) = r.assign.captures(line) {
        out.extend(c[1].split(',').map(|s| s.trim().to_string()));
    }
    if line.trim_start().starts_with("with ") || line.trim_start().starts_with("except") {
        out.extend(r.as_.captures_iter(line).map(|c| c[1].to_string()));
    }
    out.retain(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'));
    out
}

fn push_unique(v: &mut Vec<String>, names: impl IntoIterator<Item = String>) {
    for n in names {
        if !v.contains(&n) {
            v.push(n);
        }
    }
}

fn params(sig: &str) -> Vec<String> {
    sig.split(',')
        .filter_map(|p| {
            let p = p.trim().trim_start_matches('*');
            let name = p.split([':', '=']).next()?.trim();
            (!name.is_empty() && name != "/").then(|| name.to_string())
        })
        .collect()
}

pub(super) fn scope(text: &str, line: usize) -> Scope {
    let lines: Vec<&str> = text.lines().collect();
    let at = line.saturating_sub(1).min(lines.len().saturating_sub(1));
    let r = res();
    // The innermost def whose body contains the line.
    let here = lines.get(at).map(|l| indent(l)).unwrap_or(0);
    let mut locals = Vec::new();
    let mut in_function = false;
    let mut self_class: Option<String> = None;
    if let Some(d) = (0..at).rev().find(|&i| {
        r.def
            .captures(lines[i])
            .is_some_and(|c| c[1].len() < here.max(1))
            && (i + 1..at)
                .all(|k| lines[k].trim().is_empty() || indent(lines[k]) > indent(lines[i]))
    }) {
        in_function = true;
        let c = r.def.captures(lines[d]).expect("matched above");
        let ps = params(&c[3]);
        if ps.first().map(String::as_str) == Some("self") {
            let def_indent = c[1].len();
            self_class = (0..d).rev().find_map(|i| {
                r.class
                    .captures(lines[i])
                    .filter(|cc| cc[1].len() < def_indent)
                    .map(|cc| cc[2].to_string())
            });
        }
        push_unique(&mut locals, ps);
        // Every name the function binds, like co_varnames, wherever it is bound.
        for l in &lines[d + 1..] {
            if l.trim().is_empty() {
                continue;
            }
            if indent(l) <= indent(lines[d]) {
                break;
            }
            push_unique(&mut locals, bound(l));
        }
    }
    let mut globals: Vec<String> = MODULE_DUNDERS.iter().map(|s| s.to_string()).collect();
    for (i, l) in lines.iter().enumerate() {
        if indent(l) == 0 && (in_function || i < at) {
            push_unique(&mut globals, bound(l));
        }
    }
    let self_attrs = self_class.and_then(|c| class_attrs(text, &c));
    Scope {
        locals,
        globals,
        builtins: BUILTINS.iter().map(|s| s.to_string()).collect(),
        self_attrs,
    }
}

pub(super) fn module_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = MODULE_DUNDERS.iter().map(|s| s.to_string()).collect();
    for l in text.lines().filter(|l| indent(l) == 0) {
        push_unique(&mut names, bound(l));
    }
    names.sort();
    names
}

pub(super) fn class_attrs(text: &str, ty: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let r = res();
    let start = lines
        .iter()
        .position(|l| r.class.captures(l).is_some_and(|c| &c[2] == ty))?;
    let base = indent(lines[start]);
    let mut attrs: Vec<String> = OBJECT_ATTRS.iter().map(|s| s.to_string()).collect();
    let body_indent = lines[start + 1..]
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| indent(l))?;
    for l in lines[start + 1..].iter() {
        if !l.trim().is_empty() && indent(l) <= base {
            break;
        }
        if indent(l) == body_indent {
            push_unique(&mut attrs, bound(l));
        }
        push_unique(
            &mut attrs,
            r.self_attr.captures_iter(l).map(|c| c[1].to_string()),
        );
    }
    attrs.sort();
    Some(attrs)
}
