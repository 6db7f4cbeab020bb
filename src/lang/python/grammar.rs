//! Python: `def`/`async def` (decorators through `decorated_definition`), classes,
//! `import`/`from … import`.

use crate::syntax::Grammar;
use tree_sitter::Language;

pub struct Python;

impl Grammar for Python {
    fn name(&self) -> &'static str {
        "python"
    }
    fn language(&self) -> Language {
        tree_sitter_python::LANGUAGE.into()
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["py", "pyi"]
    }
    fn function_kinds(&self) -> &'static [&'static str] {
        &["function_definition"]
    }
    fn container_kinds(&self) -> &'static [&'static str] {
        &["class_definition"]
    }
    fn import_kinds(&self) -> &'static [&'static str] {
        &[
            "import_statement",
            "import_from_statement",
            "future_import_statement",
        ]
    }
    fn call_kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn leading_kinds(&self) -> &'static [&'static str] {
        &["comment"]
    }
    fn decorator_kinds(&self) -> &'static [&'static str] {
        &["decorator"]
    }
    fn wrapper_kinds(&self) -> &'static [&'static str] {
        &["decorated_definition"]
    }
}
