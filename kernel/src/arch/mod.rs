//! Architecture support. Only 32-bit x86 exists.
pub mod x86;
