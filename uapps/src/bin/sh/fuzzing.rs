//! The property the host fuzzer `sh_parse` checks (`fuzz/fuzz_targets/sh_parse.rs`), on the
//! host only: `/bin/sh` does not compile this file; the fuzz target and
//! `tests/tests/sh_syntax.rs` (which replays the committed corpus) include it beside
//! `syntax.rs` and `expand.rs`.

use alloc::string::String;
use alloc::vec::Vec;

use crate::expand;
use crate::syntax::{dup_target, parse, Item, Word};

/// `sh_parse`: the shell's parser on arbitrary text never panics; what it accepts parses the
/// same with a newline added, each item's own text parses to the same commands, and every
/// word expands (fields, single string, assignment, descriptor number) without panicking.
pub fn sh_parse(data: &[u8]) {
    let Ok(src) = core::str::from_utf8(data) else {
        return;
    };
    let Ok(items) = parse(src) else {
        return;
    };
    let mut with_newline = String::from(src);
    with_newline.push('\n');
    assert_eq!(
        parse(&with_newline).as_ref(),
        Ok(&items),
        "{src:?} and a newline"
    );
    for item in &items {
        match parse(&item.text).as_deref() {
            Ok([again]) => assert_eq!(again.and_or, item.and_or, "{:?}", item.text),
            other => panic!("item text {:?} parses as {other:?}", item.text),
        }
        for word in words(item) {
            let lookup =
                |name: &str| (!name.len().is_multiple_of(3)).then(|| String::from(" a  b "));
            let _ = expand::fields(word, &lookup);
            let _ = expand::single(word, &lookup);
            let _ = word.assignment();
            let _ = dup_target(word);
        }
    }
}

/// Every word of every command of `item`, redirection targets included.
fn words(item: &Item) -> Vec<&Word> {
    let and_or = &item.and_or;
    core::iter::once(&and_or.first)
        .chain(and_or.rest.iter().map(|(_, p)| p))
        .flat_map(|p| &p.commands)
        .flat_map(|c| c.words.iter().chain(c.redirs.iter().map(|r| &r.target)))
        .collect()
}
