//! SPEC "Paths": the raw paths a report names → repository-relative paths that exist in the
//! recorded commit's tree.
//!
//! The caller hands in the tree's file list and the repository root; nothing here touches the
//! file system or git. A path that matches nothing is kept as written (separators normalised)
//! and listed as unresolved, never dropped.

mod paths;

pub use paths::{GlobError, Resolution, Resolver, go_module_path};
