//! The structure of one source file through tree-sitter, as plain values: its functions
//! and methods (name, qualified name, lines with their decorators, annotations and doc
//! comments, the enclosing class/impl headers), an outline of signatures, its imports,
//! the calls a function makes, the references to a name, the function around a line.
//!
//! Language-free: each language is a [`Grammar`] (its tree-sitter language and the node
//! kinds that mean "function", "class", "import", "call"), in its own folder
//! (`lang/<name>/grammar.rs`; `lang::grammar_for(path)` picks one). The
//! engine takes text, never reads a file, and never panics on garbage: tree-sitter
//! recovers with error nodes, input is capped at [`MAX_BYTES`], parsing at
//! [`PARSE_DEADLINE`], and every walk over the tree is iterative (a deeply nested
//! input cannot overflow the stack).

use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use tree_sitter::{Language, Node, Parser, Tree};

/// Larger inputs are refused: generated or vendored blobs, never the code a fix needs.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// A parse that takes longer is abandoned (tree-sitter's own cancellation).
pub const PARSE_DEADLINE: Duration = Duration::from_secs(5);
/// Signatures and headers are cut to this many characters.
const MAX_SIGNATURE: usize = 240;
/// How deep a callee name is searched for under a call (`a.b().c.d()`).
const MAX_CALLEE_DEPTH: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    #[error("{0} bytes is over the {MAX_BYTES}-byte limit for parsing")]
    TooLarge(usize),
    #[error("the {0} grammar cannot be loaded: {1}")]
    Grammar(&'static str, String),
    #[error("parsing gave up after {0:?}")]
    Timeout(Duration),
}

/// What a language tells the engine. Node kinds are tree-sitter's names in that
/// grammar; the hooks have defaults that fit most C-like grammars.
pub trait Grammar: Sync {
    /// `python`, `java`, `go`, `rust`, `javascript`, `typescript`, `tsx`, `ruby`.
    fn name(&self) -> &'static str;
    fn language(&self) -> Language;
    /// File extensions (without the dot) this grammar parses.
    fn extensions(&self) -> &'static [&'static str];
    /// Nodes that define a function or method.
    fn function_kinds(&self) -> &'static [&'static str];
    /// Nodes that hold functions and qualify their names (class, impl, module).
    fn container_kinds(&self) -> &'static [&'static str];
    /// Nodes that are an import (`import`, `use`, `#include`-like).
    fn import_kinds(&self) -> &'static [&'static str];
    /// Nodes that are a call (`call`, `call_expression`, `method_invocation`).
    fn call_kinds(&self) -> &'static [&'static str];
    /// Siblings right before a definition that belong to it: comments, attributes,
    /// annotations, decorators.
    fn leading_kinds(&self) -> &'static [&'static str];
    /// Which nodes are decorators/annotations/attributes (kept on the function).
    fn decorator_kinds(&self) -> &'static [&'static str] {
        &[]
    }
    /// Nodes that wrap a definition and belong to it (`decorated_definition`, `export`).
    fn wrapper_kinds(&self) -> &'static [&'static str] {
        &[]
    }
    /// Leaf nodes that can name something (for references).
    fn identifier_kinds(&self) -> &'static [&'static str] {
        &["identifier"]
    }
    /// Between the parts of a qualified name.
    fn separator(&self) -> &'static str {
        "."
    }
    /// A function's name; None for an anonymous one (which is then not listed).
    fn function_name(&self, node: Node, src: &[u8]) -> Option<String> {
        field_text(node, "name", src)
    }
    /// The node a definition's text starts from (an arrow function's declaration).
    fn definition_root<'t>(&self, node: Node<'t>) -> Node<'t> {
        node
    }
    fn container_name(&self, node: Node, src: &[u8]) -> Option<String> {
        field_text(node, "name", src)
    }
    /// The type a function belongs to without a container (Go's receiver).
    fn receiver(&self, _node: Node, _src: &[u8]) -> Option<String> {
        None
    }
    /// A qualified name from the enclosing scopes' names (outermost first).
    fn qualify(&self, scopes: &[&str], name: &str, _def: Node) -> String {
        let mut parts: Vec<&str> = scopes.to_vec();
        parts.push(name);
        parts.join(self.separator())
    }
    /// The name a call calls (`h` for `g(x).h()`).
    fn callee(&self, call: Node, src: &[u8]) -> Option<String> {
        default_callee(call, src)
    }
    /// Calls the grammar does not parse as calls (inside Rust macro token trees).
    fn extra_calls(&self, _node: Node, _src: &[u8], _out: &mut Vec<Call>) {}
    fn is_import(&self, node: Node, _src: &[u8]) -> bool {
        self.import_kinds().contains(&node.kind())
    }
    /// A call that defines a test, a suite or a hook (`it("…", …)`, `describe`).
    fn test_block(&self, _call: Node, _src: &[u8]) -> Option<TestBlock> {
        None
    }
    /// Where a definition's body starts (its signature ends there).
    fn body<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        node.child_by_field_name("body")
    }
    /// Children of a definition that hold its decorators (Java's `modifiers`).
    fn decorator_holders(&self) -> &'static [&'static str] {
        &[]
    }
}

/// A call that defines a test block, as a grammar recognises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestBlock {
    pub role: BlockRole,
    /// The title (`"works"` of `it("works", …)`) or the hook's name.
    pub name: String,
    /// Bytes of the callback's body.
    pub body: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockRole {
    /// `describe`, `context`: holds tests, qualifies their names.
    Suite,
    /// `it`, `test`, `specify`.
    Test,
    /// `beforeEach`, `before`, `let`: runs around tests.
    Hook,
}

/// Bytes and 1-based inclusive lines of a piece of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub start_line: u32,
    pub end_line: u32,
}

impl Span {
    pub fn contains_line(&self, line: u32) -> bool {
        self.start_line <= line && line <= self.end_line
    }
    pub fn lines(&self) -> u32 {
        self.end_line + 1 - self.start_line
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    /// A free function.
    Function,
    /// A function inside a class, impl, module or other container.
    Method,
    /// A test block (`it("…", …)`); test functions declared as functions are
    /// `Function`/`Method`, told apart by the caller's own rules.
    Test,
    /// A hook block (`beforeEach`, `before`, `let`).
    Hook,
}

/// A function, method or test block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    /// `Class.method`, `Type::method`, `Recv.Method`, `suite title test title`.
    pub qualified: String,
    pub kind: FunctionKind,
    /// The whole definition with its decorators, annotations and doc comments.
    pub span: Span,
    /// The first line of the definition proper (after decorators and comments).
    pub def_line: u32,
    /// The body (the whole definition when it has none): where its calls are.
    pub body: Span,
    /// The signature, whitespace collapsed (`def f(x):`, `pub fn f(x: u32) -> u32`).
    pub signature: String,
    /// Decorators, annotations and attributes, as written.
    pub decorators: Vec<String>,
    /// Enclosing containers (indexes into [`ParsedFile::containers`]), outermost first.
    pub containers: Vec<usize>,
    /// The function this one is nested in.
    pub parent: Option<usize>,
}

/// A class, impl, trait, module, interface or test suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// The grammar's node kind (`class_definition`, `impl_item`, `describe`).
    pub kind: String,
    pub name: String,
    pub qualified: String,
    /// The header up to the body, whitespace collapsed (`class C(Base):`).
    pub header: String,
    /// Lines of the header as written (from decorators/comments to the body's start).
    pub header_lines: (u32, u32),
    pub span: Span,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub span: Span,
    pub text: String,
}

/// A call made inside a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The called name (`h` for `g(x).h()`, `new` for `S::new()`).
    pub name: String,
    pub line: u32,
}

/// A place a name occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub line: u32,
    /// The innermost function it is in.
    pub function: Option<usize>,
    /// It is the name of a definition (not a use).
    pub definition: bool,
}

/// One line of an outline: a container header or a function signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineEntry {
    pub line: u32,
    pub depth: usize,
    pub text: String,
}

/// A parsed file and what was found in it.
pub struct ParsedFile {
    grammar: &'static dyn Grammar,
    text: String,
    tree: Tree,
    pub functions: Vec<Function>,
    pub containers: Vec<Container>,
    pub imports: Vec<Import>,
    /// Where the names of definitions start (a reference there defines, not uses).
    def_names: std::collections::BTreeSet<usize>,
}

impl std::fmt::Debug for ParsedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedFile")
            .field("grammar", &self.grammar.name())
            .field("functions", &self.functions.len())
            .field("containers", &self.containers.len())
            .field("imports", &self.imports.len())
            .finish()
    }
}

/// A scope open during the walk.
enum Scope {
    Container(usize),
    Function(usize),
}

impl ParsedFile {
    /// Parses `text` and finds its functions, containers and imports.
    pub fn parse(grammar: &'static dyn Grammar, text: &str) -> Result<ParsedFile, SyntaxError> {
        if text.len() > MAX_BYTES {
            return Err(SyntaxError::TooLarge(text.len()));
        }
        let mut parser = Parser::new();
        parser
            .set_language(&grammar.language())
            .map_err(|e| SyntaxError::Grammar(grammar.name(), e.to_string()))?;
        let bytes = text.as_bytes();
        let started = Instant::now();
        let mut over_time = |_: &tree_sitter::ParseState| {
            if started.elapsed() > PARSE_DEADLINE {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let tree = parser
            .parse_with_options(
                &mut |i, _| bytes.get(i..).unwrap_or(&[]),
                None,
                Some(tree_sitter::ParseOptions::new().progress_callback(&mut over_time)),
            )
            .ok_or(SyntaxError::Timeout(PARSE_DEADLINE))?;
        let mut file = ParsedFile {
            grammar,
            text: text.to_string(),
            tree,
            functions: Vec::new(),
            containers: Vec::new(),
            imports: Vec::new(),
            def_names: Default::default(),
        };
        let (containers, functions, imports) = file.scan();
        file.def_names = file.definition_names();
        file.containers = containers;
        file.functions = functions;
        file.imports = imports;
        Ok(file)
    }

    pub fn grammar(&self) -> &'static dyn Grammar {
        self.grammar
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The tree's root, for a language's own questions the engine does not ask
    /// (which names a Go line can see).
    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }

    /// Whether tree-sitter had to recover from syntax errors (the results are then
    /// best effort around the broken part).
    pub fn has_errors(&self) -> bool {
        self.tree.root_node().has_error()
    }

    /// The text of a span (lossless for spans this file produced).
    pub fn slice(&self, span: Span) -> &str {
        let end = span.end_byte.min(self.text.len());
        let start = span.start_byte.min(end);
        self.text.get(start..end).unwrap_or("")
    }

    /// The innermost function whose span holds `line` (1-based).
    pub fn enclosing(&self, line: u32) -> Option<usize> {
        innermost(&self.functions, |f| f.span.contains_line(line))
    }

    /// The innermost container whose span holds `line`.
    pub fn enclosing_container(&self, line: u32) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, c) in self.containers.iter().enumerate() {
            if c.span.contains_line(line)
                && best.is_none_or(|b| self.containers[b].span.lines() >= c.span.lines())
            {
                best = Some(i);
            }
        }
        best
    }

    /// Functions whose name or qualified name is `name`.
    pub fn find(&self, name: &str) -> Vec<usize> {
        (0..self.functions.len())
            .filter(|&i| self.functions[i].name == name || self.functions[i].qualified == name)
            .collect()
    }

    /// Container headers and function signatures in source order, nested by depth.
    /// Functions nested in functions are left out: an outline shows the API.
    pub fn outline(&self) -> Vec<OutlineEntry> {
        let mut out: Vec<OutlineEntry> = Vec::new();
        for c in &self.containers {
            out.push(OutlineEntry {
                line: c
                    .header_lines
                    .0
                    .max(first_code_line(self, c.span, &c.header)),
                depth: depth_of(&self.containers, c.parent),
                text: c.header.clone(),
            });
        }
        for f in self.functions.iter().filter(|f| f.parent.is_none()) {
            out.push(OutlineEntry {
                line: f.def_line,
                depth: f.containers.len(),
                text: f.signature.clone(),
            });
        }
        out.sort_by_key(|e| (e.line, e.depth));
        out
    }

    /// The outline as text, one `  12| signature` line per entry, indented by depth.
    pub fn outline_text(&self) -> String {
        let mut s = String::new();
        for e in self.outline() {
            s.push_str(&format!(
                "{:>5}| {}{}\n",
                e.line,
                "    ".repeat(e.depth),
                e.text
            ));
        }
        s
    }

    /// The calls made inside function `f`, in order, each name once.
    pub fn calls_in(&self, f: usize) -> Vec<Call> {
        let Some(func) = self.functions.get(f) else {
            return Vec::new();
        };
        let src = self.text.as_bytes();
        let Some(node) = self.node_at(func.body) else {
            return Vec::new();
        };
        let mut raw: Vec<Call> = Vec::new();
        walk(node, |n| {
            if self.grammar.call_kinds().contains(&n.kind()) {
                if let Some(name) = self.grammar.callee(n, src) {
                    raw.push(Call {
                        name,
                        line: line_of(n),
                    });
                }
            }
            self.grammar.extra_calls(n, src, &mut raw);
            true
        });
        let mut out: Vec<Call> = Vec::new();
        for c in raw {
            if !out.iter().any(|o| o.name == c.name) {
                out.push(c);
            }
        }
        out
    }

    /// Every place `name` occurs as an identifier, with the function it is in.
    pub fn references(&self, name: &str) -> Vec<Reference> {
        if name.is_empty() || !self.text.contains(name) {
            return Vec::new();
        }
        let src = self.text.as_bytes();
        let ids = self.grammar.identifier_kinds();
        let mut out = Vec::new();
        walk(self.tree.root_node(), |n| {
            if n.child_count() == 0 && ids.contains(&n.kind()) && text_of(n, src) == name {
                let line = line_of(n);
                let at = n.start_byte();
                // Never `parent()` here: it walks down from the root each time.
                let definition = self.def_names.contains(&at);
                let function = innermost(&self.functions, |f| {
                    f.span.start_byte <= at && at < f.span.end_byte
                });
                out.push(Reference {
                    line,
                    function,
                    definition,
                });
            }
            true
        });
        out
    }

    /// Where the `name` of each function and container node starts.
    fn definition_names(&self) -> std::collections::BTreeSet<usize> {
        let g = self.grammar;
        let mut out = std::collections::BTreeSet::new();
        walk(self.tree.root_node(), |n| {
            if g.function_kinds().contains(&n.kind()) || g.container_kinds().contains(&n.kind()) {
                if let Some(name) = n.child_by_field_name("name") {
                    out.insert(name.start_byte());
                }
            }
            true
        });
        out
    }

    /// The smallest node covering exactly `span` (or the innermost one containing it).
    fn node_at(&self, span: Span) -> Option<Node<'_>> {
        self.tree.root_node().descendant_for_byte_range(
            span.start_byte,
            span.end_byte.saturating_sub(1).max(span.start_byte),
        )
    }

    /// One walk over the tree: containers, functions and imports with their scopes.
    fn scan(&self) -> (Vec<Container>, Vec<Function>, Vec<Import>) {
        let g = self.grammar;
        let src = self.text.as_bytes();
        let mut containers: Vec<Container> = Vec::new();
        let mut functions: Vec<Function> = Vec::new();
        let mut imports: Vec<Import> = Vec::new();
        let mut scopes: Vec<(usize, Scope)> = Vec::new();
        let mut cursor = self.tree.walk();
        loop {
            let node = cursor.node();
            let in_function = scopes.iter().any(|(_, s)| matches!(s, Scope::Function(_)));
            let kind = node.kind();
            if !in_function && g.is_import(node, src) {
                let span = span_of(node);
                imports.push(Import {
                    span,
                    text: text_of(node, src).to_string(),
                });
            } else if g.container_kinds().contains(&kind) {
                if let Some(name) = g.container_name(node, src) {
                    let idx = containers.len();
                    containers.push(self.container(
                        node,
                        name,
                        None,
                        &scopes,
                        &containers,
                        &functions,
                    ));
                    scopes.push((node.id(), Scope::Container(idx)));
                }
            } else if g.function_kinds().contains(&kind) {
                if let Some(name) = g.function_name(node, src) {
                    let idx = functions.len();
                    let f = self.function(node, name, None, &scopes, &containers, &functions);
                    functions.push(f);
                    scopes.push((node.id(), Scope::Function(idx)));
                }
            } else if g.call_kinds().contains(&kind) {
                if let Some(block) = g.test_block(node, src) {
                    let id = node.id();
                    if block.role == BlockRole::Suite {
                        let idx = containers.len();
                        let c = self.container(
                            node,
                            block.name,
                            Some(block.body.0),
                            &scopes,
                            &containers,
                            &functions,
                        );
                        containers.push(c);
                        scopes.push((id, Scope::Container(idx)));
                    } else {
                        let idx = functions.len();
                        let f = self.function(
                            node,
                            block.name.clone(),
                            Some(block),
                            &scopes,
                            &containers,
                            &functions,
                        );
                        functions.push(f);
                        scopes.push((id, Scope::Function(idx)));
                    }
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                let id = cursor.node().id();
                if scopes.last().is_some_and(|(s, _)| *s == id) {
                    scopes.pop();
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return (containers, functions, imports);
                }
            }
        }
    }

    fn container(
        &self,
        node: Node,
        name: String,
        body_start: Option<usize>,
        scopes: &[(usize, Scope)],
        containers: &[Container],
        functions: &[Function],
    ) -> Container {
        let g = self.grammar;
        let src = self.text.as_bytes();
        let (span, _) = definition_span(g, node);
        let names = scope_names(scopes, containers, functions);
        let qualified = g.qualify(&names, &name, node);
        let body = body_start.or_else(|| g.body(node).map(|b| b.start_byte()));
        let header = signature(src, node.start_byte(), body.unwrap_or(node.end_byte()));
        let header_end = body
            .map(|b| line_at(&self.text, b))
            .unwrap_or(span.end_line);
        Container {
            kind: if body_start.is_some() {
                "describe".to_string()
            } else {
                node.kind().to_string()
            },
            name,
            qualified,
            header,
            header_lines: (span.start_line, header_end.max(span.start_line)),
            span,
            parent: scopes.iter().rev().find_map(|(_, s)| match s {
                Scope::Container(i) => Some(*i),
                Scope::Function(_) => None,
            }),
        }
    }

    fn function(
        &self,
        node: Node,
        name: String,
        block: Option<TestBlock>,
        scopes: &[(usize, Scope)],
        containers: &[Container],
        functions: &[Function],
    ) -> Function {
        let g = self.grammar;
        let src = self.text.as_bytes();
        let (span, root) = definition_span(g, node);
        let mut names = scope_names(scopes, containers, functions);
        let receiver = g.receiver(node, src);
        if let Some(r) = receiver.as_deref() {
            names.push(r);
        }
        let qualified = g.qualify(&names, &name, node);
        let in_containers: Vec<usize> = scopes
            .iter()
            .filter_map(|(_, s)| match s {
                Scope::Container(i) => Some(*i),
                Scope::Function(_) => None,
            })
            .collect();
        let parent = scopes.iter().rev().find_map(|(_, s)| match s {
            Scope::Function(i) => Some(*i),
            Scope::Container(_) => None,
        });
        let kind = match block.as_ref().map(|b| b.role) {
            Some(BlockRole::Test) => FunctionKind::Test,
            Some(BlockRole::Hook) => FunctionKind::Hook,
            _ if !in_containers.is_empty() || receiver.is_some() => FunctionKind::Method,
            _ => FunctionKind::Function,
        };
        let body_node = block
            .as_ref()
            .map(|b| b.body)
            .or_else(|| g.body(node).map(|b| (b.start_byte(), b.end_byte())));
        // Without a body (a trait's or interface's signature) the whole is the signature.
        let sig_end = body_node.map_or(node.end_byte(), |b| b.0);
        let body_bytes = body_node.unwrap_or((node.start_byte(), node.end_byte()));
        // The signature starts at the definition proper: its decorators are listed apart,
        // but a declaration around an arrow function (`const f = (x) =>`) is part of it.
        let sig_start = if root.id() != node.id() && !g.wrapper_kinds().contains(&root.kind()) {
            root.start_byte()
        } else {
            node.start_byte()
        };
        Function {
            name,
            qualified,
            kind,
            span,
            def_line: line_of(node).min(line_at(&self.text, sig_start)),
            body: Span {
                start_byte: body_bytes.0,
                end_byte: body_bytes.1,
                start_line: line_at(&self.text, body_bytes.0),
                end_line: line_at(&self.text, body_bytes.1.saturating_sub(1).max(body_bytes.0)),
            },
            signature: signature(src, sig_start, sig_end),
            decorators: decorators(g, node, root, src),
            containers: in_containers,
            parent,
        }
    }
}

/// The innermost (last-starting, then shortest) item matching `holds`.
fn innermost(functions: &[Function], holds: impl Fn(&Function) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, f) in functions.iter().enumerate() {
        if !holds(f) {
            continue;
        }
        best = match best {
            Some(b)
                if (
                    functions[b].span.start_byte,
                    std::cmp::Reverse(functions[b].span.end_byte),
                ) >= (f.span.start_byte, std::cmp::Reverse(f.span.end_byte)) =>
            {
                Some(b)
            }
            _ => Some(i),
        };
    }
    best
}

fn depth_of(containers: &[Container], mut parent: Option<usize>) -> usize {
    let mut d = 0;
    while let Some(p) = parent {
        d += 1;
        parent = containers.get(p).and_then(|c| c.parent);
        if d > containers.len() {
            break;
        }
    }
    d
}

/// A container's outline line: its header's first line, past leading comments.
fn first_code_line(file: &ParsedFile, span: Span, header: &str) -> u32 {
    let first = header.split_whitespace().next().unwrap_or("");
    let text = file.slice(span);
    text.lines()
        .position(|l| !first.is_empty() && l.contains(first))
        .map(|i| span.start_line + i as u32)
        .unwrap_or(span.start_line)
}

fn scope_names<'a>(
    scopes: &[(usize, Scope)],
    containers: &'a [Container],
    functions: &'a [Function],
) -> Vec<&'a str> {
    scopes
        .iter()
        .filter_map(|(_, s)| match s {
            Scope::Container(i) => containers.get(*i).map(|c| c.name.as_str()),
            Scope::Function(i) => functions.get(*i).map(|f| f.name.as_str()),
        })
        .collect()
}

/// The span of a definition: its root (a declaration around an arrow function), the
/// wrappers around it (decorators, `export`), and the comments, attributes and
/// decorators right above it. Returns the span and the outermost node.
fn definition_span<'t>(g: &dyn Grammar, node: Node<'t>) -> (Span, Node<'t>) {
    let mut root = g.definition_root(node);
    while let Some(p) = root.parent() {
        if g.wrapper_kinds().contains(&p.kind()) {
            root = p;
        } else {
            break;
        }
    }
    let end = span_of(root);
    let mut start = root;
    let mut prev = root.prev_named_sibling();
    if prev.is_none()
        && root
            .parent()
            .is_some_and(|p| p.named_child(0).is_some_and(|c| c.id() == root.id()))
    {
        // First in its parent's body: a comment just before the body node (Ruby's
        // `class C # doc def m` puts the comment before `body_statement`).
        prev = root.parent().and_then(|p| p.prev_named_sibling());
    }
    while let Some(p) = prev {
        if !g.leading_kinds().contains(&p.kind()) || end_line(p) + 1 < line_of(start) {
            break;
        }
        start = p;
        prev = p.prev_named_sibling();
    }
    let s = span_of(start);
    (
        Span {
            start_byte: s.start_byte,
            end_byte: end.end_byte,
            start_line: s.start_line,
            end_line: end.end_line.max(s.start_line),
        },
        root,
    )
}

/// Decorators of a definition: in its wrappers, its leading siblings, its own children
/// and their decorator holders (Java's `modifiers`).
fn decorators(g: &dyn Grammar, node: Node, root: Node, src: &[u8]) -> Vec<String> {
    let kinds = g.decorator_kinds();
    if kinds.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut push = |n: Node| {
        if kinds.contains(&n.kind()) && !found.iter().any(|(b, _)| *b == n.start_byte()) {
            found.push((n.start_byte(), collapse(text_of(n, src))));
        }
    };
    let mut prev = root.prev_named_sibling();
    while let Some(p) = prev {
        if !g.leading_kinds().contains(&p.kind()) {
            break;
        }
        push(p);
        prev = p.prev_named_sibling();
    }
    let mut chain = vec![node];
    let mut up = node;
    while up.id() != root.id() {
        match up.parent() {
            Some(p) => {
                chain.push(p);
                up = p;
            }
            None => break,
        }
    }
    for n in chain {
        let mut c = n.walk();
        for child in n.named_children(&mut c) {
            push(child);
            if g.decorator_holders().contains(&child.kind()) {
                let mut c2 = child.walk();
                for grand in child.named_children(&mut c2) {
                    push(grand);
                }
            }
        }
    }
    found.sort_by_key(|(b, _)| *b);
    found.into_iter().map(|(_, t)| t).collect()
}

/// The name a call calls: down the callee's name-like fields to a leaf.
pub fn default_callee(call: Node, src: &[u8]) -> Option<String> {
    const FIELDS: [&str; 8] = [
        "function",
        "name",
        "method",
        "constructor",
        "attribute",
        "property",
        "field",
        "type",
    ];
    let mut n = FIELDS.iter().find_map(|f| call.child_by_field_name(f))?;
    for _ in 0..MAX_CALLEE_DEPTH {
        if n.named_child_count() == 0 {
            let t = text_of(n, src);
            let ok = !t.is_empty()
                && t.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
            return ok.then(|| t.to_string());
        }
        let next = FIELDS[1..]
            .iter()
            .find_map(|f| n.child_by_field_name(f))
            .or_else(|| n.child_by_field_name("function"))
            .or_else(|| n.named_child(0));
        n = next?;
    }
    None
}

/// The text of a node's field.
pub fn field_text(node: Node, field: &str, src: &[u8]) -> Option<String> {
    node.child_by_field_name(field)
        .map(|n| text_of(n, src).to_string())
        .filter(|t| !t.is_empty())
}

/// A node's text; empty when its bytes are not valid UTF-8 on their own.
pub fn text_of<'s>(node: Node, src: &'s [u8]) -> &'s str {
    src.get(node.start_byte()..node.end_byte())
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// The 1-based line a node starts on.
pub fn line_of(node: Node) -> u32 {
    node.start_position().row as u32 + 1
}

/// The 1-based line a node ends on (a node ending with its newline ends on that line).
pub fn end_line(node: Node) -> u32 {
    let end = node.end_position();
    let start = node.start_position();
    if end.column == 0 && end.row > start.row {
        end.row as u32
    } else {
        end.row as u32 + 1
    }
}

fn span_of(node: Node) -> Span {
    Span {
        start_byte: node.start_byte(),
        end_byte: node.end_byte(),
        start_line: line_of(node),
        end_line: end_line(node),
    }
}

/// The 1-based line of a byte offset.
fn line_at(text: &str, byte: usize) -> u32 {
    let b = byte.min(text.len());
    text.as_bytes()[..b].iter().filter(|&&c| c == b'\n').count() as u32 + 1
}

/// Source between two offsets as one line, whitespace collapsed, capped.
fn signature(src: &[u8], start: usize, end: usize) -> String {
    let end = end.min(src.len());
    let start = start.min(end);
    let text = String::from_utf8_lossy(&src[start..end]);
    let s = collapse(&text);
    let s = s.trim_end_matches(['{', ' ']).trim_end().to_string();
    if s.chars().count() > MAX_SIGNATURE {
        let cut: String = s.chars().take(MAX_SIGNATURE).collect();
        format!("{cut} …")
    } else {
        s
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Visits `root` and its descendants in document order without recursion; `visit`
/// returning false skips a node's children.
pub fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    let root_id = root.id();
    loop {
        let descend = visit(cursor.node());
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().id() == root_id {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests;
