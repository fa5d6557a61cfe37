//! The SPEC's exit statuses. They are API: change them only through the SPEC.

/// Done.
pub const OK: u8 = 0;
/// A `covgit check` gate failed.
pub const GATE_FAILED: u8 = 1;
/// `covgit check` on a head that lacks `[flags] expected` uploads (without `--allow-incomplete`).
pub const INCOMPLETE: u8 = 3;
/// An error: bad input, unknown revision, no usable base, corrupt store.
pub const ERROR: u8 = 2;
