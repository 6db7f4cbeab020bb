//! The repair loop and its parts: edits, path policy, recipes, context, memory.

pub mod context;
pub mod edits;
pub mod evidence;
pub mod fit;
pub mod focus;
pub mod memory;
pub mod policy;
pub mod recipes;
pub mod repair_loop;

pub use edits::{Edit, FileChange};
pub use policy::PathPolicy;
