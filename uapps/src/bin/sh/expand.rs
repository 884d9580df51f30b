//! Word expansion: variables replaced by their values, unquoted expansions split into
//! fields at blanks, quotes gone. No globbing, no command substitution, no arithmetic.
//!
//! Pure code on `alloc` only (the host tests compile this file too): the variables come
//! from a lookup function.

use alloc::string::String;
use alloc::vec::Vec;

use crate::syntax::{Piece, Word};

/// Expands `word` into fields, looking variables up with `lookup` (`None`: unset, which
/// expands to nothing).
///
/// A word with quotes always gives at least one field (`''` is one empty field); an
/// unquoted expansion that is empty or all blanks adds no field.
pub fn fields(word: &Word, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    // Whether `current` is a field even if empty (something quoted or literal is in it).
    let mut alive = false;
    for piece in &word.pieces {
        match piece {
            Piece::Lit { text, quoted } => {
                current.push_str(text);
                alive |= *quoted || !text.is_empty();
            }
            Piece::Var { name, quoted: true } => {
                current.push_str(&lookup(name).unwrap_or_default());
                alive = true;
            }
            Piece::Var {
                name,
                quoted: false,
            } => {
                let value = lookup(name).unwrap_or_default();
                // Each blank ends the field being built; empty parts between blanks add
                // nothing.
                for (k, part) in value.split([' ', '\t', '\n']).enumerate() {
                    if k > 0 && alive {
                        out.push(core::mem::take(&mut current));
                        alive = false;
                    }
                    if !part.is_empty() {
                        current.push_str(part);
                        alive = true;
                    }
                }
            }
        }
    }
    if alive {
        out.push(current);
    }
    out
}

/// Expands `word` into one string without field splitting (assignments and redirection
/// targets: `X=$Y` keeps the blanks of `$Y`).
pub fn single(word: &Word, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for piece in &word.pieces {
        match piece {
            Piece::Lit { text, .. } => out.push_str(text),
            Piece::Var { name, .. } => out.push_str(&lookup(name).unwrap_or_default()),
        }
    }
    out
}
