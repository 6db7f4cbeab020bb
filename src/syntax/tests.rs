use super::*;
use crate::lang::{grammar_for as for_path, grammars};

fn parse(path: &str, text: &str) -> ParsedFile {
    ParsedFile::parse(for_path(path).expect("grammar"), text).expect("parses")
}

/// (qualified, first line, last line) of every function.
fn spans(f: &ParsedFile) -> Vec<(String, u32, u32)> {
    f.functions
        .iter()
        .map(|x| (x.qualified.clone(), x.span.start_line, x.span.end_line))
        .collect()
}

fn names(v: &[Call]) -> Vec<&str> {
    v.iter().map(|c| c.name.as_str()).collect()
}

fn func<'a>(f: &'a ParsedFile, qualified: &str) -> (usize, &'a Function) {
    f.functions
        .iter()
        .enumerate()
        .find(|(_, x)| x.qualified == qualified)
        .unwrap_or_else(|| panic!("no {qualified} in {:?}", spans(f)))
}

const PY: &str = "\
import os
from .x import (a, b)
# leading comment
@dec(1)
@other
def f(x):
    \"\"\"doc\"\"\"
    return g(x).h()

class C(Base):
    @property
    def m(self):
        def inner(): pass
        return self.k

    async def n(self):
        await f(1)
";

#[test]
fn python_functions_carry_decorators_comments_and_classes() {
    let f = parse("pkg/a.py", PY);
    assert_eq!(
        spans(&f),
        vec![
            ("f".to_string(), 3, 8),
            ("C.m".to_string(), 11, 14),
            ("C.m.inner".to_string(), 13, 13),
            ("C.n".to_string(), 16, 17),
        ]
    );
    let (_, fx) = func(&f, "f");
    assert_eq!(fx.decorators, vec!["@dec(1)", "@other"]);
    assert_eq!(fx.signature, "def f(x):");
    assert_eq!(fx.def_line, 6);
    assert_eq!(fx.kind, FunctionKind::Function);
    let (_, m) = func(&f, "C.m");
    assert_eq!(m.kind, FunctionKind::Method);
    assert_eq!(f.containers[m.containers[0]].header, "class C(Base):");
    assert_eq!(f.containers[0].header_lines, (10, 11));
    let (inner, _) = func(&f, "C.m.inner");
    assert_eq!(f.functions[inner].parent, Some(1));
    assert_eq!(
        f.imports
            .iter()
            .map(|i| i.text.as_str())
            .collect::<Vec<_>>(),
        vec!["import os", "from .x import (a, b)"]
    );
    let (i, _) = func(&f, "f");
    assert_eq!(names(&f.calls_in(i)), vec!["h", "g"]);
    assert_eq!(f.enclosing(14), Some(1));
    assert_eq!(f.enclosing(13), Some(2));
    assert_eq!(f.enclosing(9), None);
    assert_eq!(
        f.outline_text(),
        "    6| def f(x):\n   10| class C(Base):\n   12|     def m(self):\n   16|     async def n(self):\n"
    );
}

#[test]
fn references_name_their_function_and_tell_definitions_apart() {
    let f = parse("a.py", PY);
    let refs = f.references("f");
    assert_eq!(
        refs,
        vec![
            Reference {
                line: 6,
                function: Some(0),
                definition: true
            },
            Reference {
                line: 17,
                function: Some(3),
                definition: false
            },
        ]
    );
    assert!(f.references("nothing_here").is_empty());
}

#[test]
fn java_methods_in_nested_classes_with_annotations_and_javadoc() {
    let src = "\
package com.x;
import java.util.List;
import static org.junit.Assert.*;
/** doc */
@Deprecated
public class A extends B {
    /** m doc */
    @Override
    public int m(int a) { return helper(a).go(); }
    A() { super(); new Foo<String>(1); }
    static class In { void z() {} }
    enum E { X; void e() {} }
    interface I { void abs(); }
}
";
    let f = parse("src/main/java/com/x/A.java", src);
    assert_eq!(
        spans(&f),
        vec![
            ("A.m".to_string(), 7, 9),
            ("A.A".to_string(), 10, 10),
            ("A.In.z".to_string(), 11, 11),
            ("A.E.e".to_string(), 12, 12),
            ("A.I.abs".to_string(), 13, 13),
        ]
    );
    let (i, m) = func(&f, "A.m");
    assert_eq!(m.decorators, vec!["@Override"]);
    assert_eq!(m.signature, "@Override public int m(int a)");
    assert_eq!(m.def_line, 8);
    assert_eq!(names(&f.calls_in(i)), vec!["go", "helper"]);
    let (c, _) = func(&f, "A.A");
    assert_eq!(names(&f.calls_in(c)), vec!["super", "Foo"]);
    assert_eq!(
        f.containers[0].header,
        "@Deprecated public class A extends B"
    );
    assert_eq!(f.containers[0].span.start_line, 4);
    assert_eq!(f.imports.len(), 3);
}

#[test]
fn go_methods_are_qualified_by_their_receiver() {
    let src = "\
package p
import (
\t\"fmt\"
\tx \"a/b\"
)
// F does.
func F(a int) int { return x.G(a) + h() }
func (s *Server[T]) Handle(w int) {
\ts.mu.Lock()
\tfmt.Println(w)
}
func (Server) V() {}
";
    let f = parse("p/a.go", src);
    assert_eq!(
        spans(&f),
        vec![
            ("F".to_string(), 6, 7),
            ("Server.Handle".to_string(), 8, 11),
            ("Server.V".to_string(), 12, 12),
        ]
    );
    assert_eq!(f.functions[1].kind, FunctionKind::Method);
    assert_eq!(names(&f.calls_in(0)), vec!["G", "h"]);
    assert_eq!(names(&f.calls_in(1)), vec!["Lock", "Println"]);
    assert_eq!(
        f.functions[1].signature,
        "func (s *Server[T]) Handle(w int)"
    );
    assert_eq!(f.imports.len(), 2);
}

#[test]
fn rust_items_in_impls_traits_and_modules_with_attributes_and_docs() {
    let src = "\
use std::io;
use crate::{a, b::c};
mod inner;
/// doc
#[inline]
pub fn f(x: u32) -> u32 { g(x).h::<u8>() + S::new() + m!(x) }
impl<T: X> Trait for Foo<T> {
    fn m(&self) {}
}
trait Tr { fn sig(&self); }
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { assert_eq!(f(1), 2); }
}
";
    let f = parse("src/lib.rs", src);
    assert_eq!(
        spans(&f),
        vec![
            ("f".to_string(), 4, 6),
            ("Foo::m".to_string(), 8, 8),
            ("Tr::sig".to_string(), 10, 10),
            ("tests::t".to_string(), 14, 15),
        ]
    );
    assert_eq!(f.functions[0].decorators, vec!["#[inline]"]);
    assert_eq!(f.functions[2].signature, "fn sig(&self);");
    assert_eq!(f.functions[3].decorators, vec!["#[test]"]);
    assert_eq!(names(&f.calls_in(0)), vec!["h", "g", "new", "m"]);
    // Inside a macro's token tree: `f(1)` still counts.
    assert_eq!(names(&f.calls_in(3)), vec!["assert_eq", "f"]);
    // `use super::*` in `mod tests` too: imports anywhere outside a function.
    assert_eq!(f.imports.len(), 4, "{:?}", f.imports);
    assert_eq!(f.containers[0].header, "impl<T: X> Trait for Foo<T>");
    assert_eq!(f.containers[2].span.start_line, 11);
}

#[test]
fn javascript_named_arrows_exports_and_test_blocks() {
    let src = "\
const x = require('./x');
import { y } from \"./y\";
/** doc */
export function f(a) { return a.b.c(1); }
const g = (z) => z + 1;
class K { m() { new Foo(); } static s = () => 1; }
module.exports.h = function () {};
describe('suite', () => {
  beforeEach(() => {});
  it('works', async () => {
    expect(f(1)).toBe(2);
  });
});
[1].map((v) => v);
";
    let f = parse("a.test.js", src);
    assert_eq!(
        spans(&f),
        vec![
            ("f".to_string(), 3, 4),
            ("g".to_string(), 5, 5),
            ("K.m".to_string(), 6, 6),
            ("K.s".to_string(), 6, 6),
            ("h".to_string(), 7, 7),
            ("suite beforeEach".to_string(), 9, 9),
            ("suite works".to_string(), 10, 12),
        ]
    );
    assert_eq!(f.functions[1].signature, "const g = (z) =>");
    let (t, test) = func(&f, "suite works");
    assert_eq!(test.kind, FunctionKind::Test);
    assert_eq!(f.functions[5].kind, FunctionKind::Hook);
    assert_eq!(names(&f.calls_in(t)), vec!["toBe", "expect", "f"]);
    assert_eq!(names(&f.calls_in(2)), vec!["Foo"]);
    assert_eq!(f.containers[1].kind, "describe");
    assert_eq!(f.imports.len(), 2);
}

#[test]
fn typescript_decorators_and_class_fields() {
    let src = "\
import { y } from './y';
@Component({})
export class A<T> implements B {
  @Input() name: string;
  /** handles */
  @HostListener('x')
  handle(e: Event): void { this.go(e); }
  private f = async (x: number): Promise<void> => {};
}
export default function d() {}
";
    let f = parse("a.ts", src);
    assert_eq!(
        spans(&f),
        vec![
            ("A.handle".to_string(), 5, 7),
            ("A.f".to_string(), 8, 8),
            ("d".to_string(), 10, 10),
        ]
    );
    assert_eq!(f.functions[0].decorators, vec!["@HostListener('x')"]);
    assert_eq!(f.containers[0].span.start_line, 2);
    assert!(
        parse("a.tsx", "const C = () => <div>{x}</div>;\n")
            .functions
            .len()
            == 1
    );
}

#[test]
fn ruby_methods_modules_and_rspec_blocks() {
    let src = "\
require 'json'
require_relative 'x'
module M
  class C < B
    # doc
    def m(a)
      helper(a).go
    end
    def self.s; end
  end
end
describe Foo do
  let(:user) { 1 }
  it \"does x\" do
    expect(1).to eq 2
  end
end
";
    let f = parse("a_spec.rb", src);
    assert_eq!(
        spans(&f),
        vec![
            ("M::C#m".to_string(), 5, 8),
            ("M::C.s".to_string(), 9, 9),
            ("Foo let user".to_string(), 13, 13),
            ("Foo does x".to_string(), 14, 16),
        ]
    );
    assert_eq!(names(&f.calls_in(0)), vec!["go", "helper"]);
    assert_eq!(f.imports.len(), 2);
}

#[test]
fn broken_code_still_yields_the_functions_around_the_break() {
    let src =
        "def ok(a):\n    return a\n\ndef broken(:\n    x = (\n\ndef after(b):\n    return b\n";
    let f = parse("a.py", src);
    assert!(f.has_errors());
    assert!(f.functions.iter().any(|x| x.name == "ok"));
}

#[test]
fn refuses_huge_input_and_unknown_extensions() {
    let big = "x = 1\n".repeat(MAX_BYTES / 6 + 1);
    assert!(matches!(
        ParsedFile::parse(&crate::lang::python::grammar::Python, &big),
        Err(SyntaxError::TooLarge(_))
    ));
    assert!(for_path("README.md").is_none());
    assert!(for_path("Makefile").is_none());
    assert_eq!(for_path("src/A.JAVA").map(|g| g.name()), Some("java"));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    for g in grammars() {
        let deep = format!("{}{}", "(".repeat(20_000), ")".repeat(20_000));
        let deep_blocks = "def f():\n".to_string() + &"  if x:\n".repeat(2000);
        for text in [deep, deep_blocks] {
            // A pathological input may hit the parse deadline on a slow machine: an
            // error, never a panic or a stack overflow.
            match ParsedFile::parse(g, &text) {
                Ok(f) => {
                    let _ = f.outline();
                    let _ = f.references("x");
                    for i in 0..f.functions.len() {
                        let _ = f.calls_in(i);
                    }
                }
                Err(e) => assert!(matches!(e, SyntaxError::Timeout(_)), "{}: {e}", g.name()),
            }
        }
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of real syntax of every language, glued at random.
    const PIECES: &[&str] = &[
        "def ",
        "class ",
        "fn ",
        "func ",
        "function ",
        "impl ",
        "mod ",
        "module ",
        "end\n",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ":",
        ";",
        "\n",
        "    ",
        "=>",
        "->",
        "@",
        "#[",
        "\"",
        "'",
        "`",
        "/*",
        "*/",
        "//",
        "#",
        "x",
        "f(",
        "it('a', () => {",
        "describe(",
        "import ",
        "use ",
        "require('",
        "\u{1F600}",
        "é",
        "\0",
        "\r\n",
        "<T>",
        "::",
        ".",
        ",",
        "self",
        "return ",
        "if ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]
        #[test]
        fn any_input_in_any_grammar_never_panics(
            picks in proptest::collection::vec(0..PIECES.len(), 0..200),
            noise in ".{0,64}",
        ) {
            let mut text: String = picks.iter().map(|&i| PIECES[i]).collect();
            text.push_str(&noise);
            for g in grammars() {
                let f = match ParsedFile::parse(g, &text) {
                    Ok(f) => f,
                    Err(e) => {
                        prop_assert!(matches!(e, SyntaxError::Timeout(_)), "{}: {}", g.name(), e);
                        continue;
                    }
                };
                let _ = f.outline_text();
                for i in 0..f.functions.len() {
                    let _ = f.calls_in(i);
                    let s = f.functions[i].span;
                    prop_assert!(s.start_line <= s.end_line);
                    prop_assert!(s.start_byte <= s.end_byte && s.end_byte <= text.len());
                    let _ = f.slice(s);
                }
                let _ = f.references("x");
                let _ = f.enclosing(3);
            }
        }
    }
}
