//! Which functions broke the tests: evidence in, ranked suspects out, no I/O.
//!
//! Every function a failing test executed is scored by its coverage spectrum (Ochiai
//! over the failing and the passing tests, `spectrum.rs`), then raised by what points
//! at it directly: a stack frame in it (most for the innermost frame in code under
//! test), a line changed since the last green run, a literal the failure message
//! prints or quotes (`literals.rs`), its name written in the failure, a call to it
//! from a failing test. Where nothing executed (a compile error, a crash before any
//! test, no coverage tool), the same ranking runs over that static evidence alone.
//!
//! Test files give suspects only as their failing tests and the fixtures and helpers
//! those ran, and always rank after the code under test.

pub mod evidence;
mod literals;
mod rank;
mod spectrum;

pub use evidence::{
    Coverage, Evidence, FailingTest, FileLines, Frame, FunctionInfo, Role, SourceFile, TestRun,
    TypeInfo,
};
pub use literals::{code_names, quoted};
pub use rank::{localize, Clue, Localization, Mode, Suspect, MAX_SUSPECTS};
pub use spectrum::ochiai;
