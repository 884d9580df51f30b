//! The shell's lexer, parser and word expansion, on the host: the very source files
//! `/bin/sh` is built from (`uapps/src/bin/sh/syntax.rs` and `expand.rs`), which use nothing
//! but `alloc`.

extern crate alloc;

#[allow(dead_code)]
#[path = "../../uapps/src/bin/sh/syntax.rs"]
mod syntax;

#[allow(dead_code)]
#[path = "../../uapps/src/bin/sh/expand.rs"]
mod expand;

#[path = "../../uapps/src/bin/sh/fuzzing.rs"]
mod fuzzing;

use syntax::{parse, Connector, Item, Piece, RedirOp, SyntaxError, Word};

/// The fields of every word of the first command of the first item, expanded with `X='a b'`,
/// `E=''` and `$?` = 3.
fn words(src: &str) -> Vec<String> {
    let items = parse(src).expect("parses");
    let lookup = |name: &str| match name {
        "X" => Some("a b".to_owned()),
        "E" => Some(String::new()),
        "S" => Some("  lead and trail  ".to_owned()),
        "?" => Some("3".to_owned()),
        "!" => Some("1".to_owned()),
        "$" => Some("2".to_owned()),
        _ => None,
    };
    items[0].and_or.first.commands[0]
        .words
        .iter()
        .flat_map(|w| expand::fields(w, &lookup))
        .collect()
}

fn one(src: &str) -> Item {
    let mut items = parse(src).expect("parses");
    assert_eq!(items.len(), 1, "{src:?}");
    items.remove(0)
}

#[test]
fn quoting_and_escapes() {
    assert_eq!(words("a 'b c' \"d e\" f\\ g"), ["a", "b c", "d e", "f g"]);
    assert_eq!(words("'$X' \"$X\" $X"), ["$X", "a b", "a", "b"]);
    assert_eq!(words("x'' \"\" ''"), ["x", "", ""]);
    assert_eq!(words("\"a\\\"b\\$c\\d\""), ["a\"b$c\\d"]);
    assert_eq!(words("it' a'b"), ["it ab"]);
    assert_eq!(words("a$?b ${X}c $"), ["a3b", "a", "bc", "$"]);
    assert_eq!(words("$! ${!}x $$"), ["1", "1x", "2"]);
    // Unset and empty unquoted expansions vanish; quoted ones stay as empty fields.
    assert_eq!(words("a $NOPE $E \"$E\" b"), ["a", "", "b"]);
    assert_eq!(words("\"<\"$S\">\""), ["<", "lead", "and", "trail", ">"]);
    assert_eq!(words("echo#notcomment # a comment"), ["echo#notcomment"]);
    assert_eq!(words("a\\\nb"), ["ab"]);
}

#[test]
fn lists_and_pipelines() {
    let items = parse("a; b & c && d || e | f\ng").unwrap();
    assert_eq!(items.len(), 4);
    assert!(!items[0].background);
    assert!(items[1].background);
    assert_eq!(items[1].text, "b");
    let ao = &items[2].and_or;
    assert_eq!(ao.rest.len(), 2);
    assert_eq!(ao.rest[0].0, Connector::And);
    assert_eq!(ao.rest[1].0, Connector::Or);
    assert_eq!(ao.rest[1].1.commands.len(), 2);
    assert_eq!(items[2].text, "c && d || e | f");
    assert_eq!(ao.rest[1].1.text, "e | f");
    assert_eq!(ao.first.text, "c");
    let p = &one("a | b | c | d").and_or.first;
    assert_eq!(p.commands.len(), 4);
    // A newline may follow an operator that needs more.
    assert_eq!(one("a |\n b &&\n c").and_or.rest.len(), 1);
    assert!(parse("").unwrap().is_empty());
    assert!(parse("  # only a comment\n\n").unwrap().is_empty());
    assert_eq!(parse("a;").unwrap().len(), 1);
}

#[test]
fn redirections_in_order() {
    let item = one("cmd <in >out 2>&1 >>log 2>err 3< x");
    let r = &item.and_or.first.commands[0].redirs;
    let got: Vec<(i32, RedirOp)> = r.iter().map(|r| (r.fd, r.op.clone())).collect();
    assert_eq!(
        got,
        [
            (0, RedirOp::Read),
            (1, RedirOp::Write),
            (2, RedirOp::Dup),
            (1, RedirOp::Append),
            (2, RedirOp::Write),
            (3, RedirOp::Read),
        ]
    );
    assert_eq!(r[2].target, Word::plain("1"));
    // Digits glued to a word are part of it.
    assert_eq!(words("a2>/dev/null"), ["a2"]);
}

#[test]
fn assignments() {
    let item = one("X=1 Y='a b' cmd Z=2");
    let w = &item.and_or.first.commands[0].words;
    let (name, value) = w[1].assignment().unwrap();
    assert_eq!(name, "Y");
    assert_eq!(
        value.pieces,
        [Piece::Lit {
            text: "a b".into(),
            quoted: true
        }]
    );
    assert!(w[2].assignment().is_none());
    assert!(Word::plain("1X=2").assignment().is_none());
    assert!(one("'X'=1").and_or.first.commands[0].words[0]
        .assignment()
        .is_none());
}

#[test]
fn syntax_errors() {
    assert_eq!(parse("echo 'abc"), Err(SyntaxError::UnterminatedQuote));
    assert_eq!(parse("echo \"abc"), Err(SyntaxError::UnterminatedQuote));
    assert_eq!(parse("echo ${X"), Err(SyntaxError::UnterminatedQuote));
    assert_eq!(parse("echo \\"), Err(SyntaxError::UnterminatedQuote));
    assert_eq!(parse("a |"), Err(SyntaxError::MissingCommand));
    assert_eq!(parse("a &&"), Err(SyntaxError::MissingCommand));
    assert_eq!(parse("| a"), Err(SyntaxError::Unexpected("|")));
    assert_eq!(parse("a && || b"), Err(SyntaxError::Unexpected("||")));
    assert_eq!(parse("a ;; b"), Err(SyntaxError::Unexpected(";")));
    assert_eq!(parse("&"), Err(SyntaxError::Unexpected("&")));
    assert_eq!(parse("a >"), Err(SyntaxError::BadRedirection));
    assert_eq!(parse("a 2>&x"), Err(SyntaxError::BadRedirection));
    assert_eq!(parse("a ${1x}"), Err(SyntaxError::BadSubstitution));
    assert!(SyntaxError::UnterminatedQuote.is_incomplete());
    assert!(!SyntaxError::Unexpected("|").is_incomplete());
    assert_eq!(
        SyntaxError::UnterminatedQuote.to_string(),
        "unterminated quote"
    );
}

#[test]
fn long_lines() {
    let line = "true; ".repeat(2000) + "x 'quoted word'";
    let items = parse(&line).unwrap();
    assert_eq!(items.len(), 2001);
    let big = "a".repeat(100_000);
    assert_eq!(words(&format!("x {big}")), ["x".to_owned(), big]);
}

/// Replays the committed corpus of the `sh_parse` host fuzzer and every input it found
/// (`fuzz/corpus/sh_parse`, `fuzz/regressions/sh_parse`) through its property.
#[test]
fn sh_parse_fuzz_corpus_replays() {
    fuzz_replay::replay("sh_parse", fuzzing::sh_parse);
}

/// Found by the `sh_parse` fuzzer: an item's text (what `jobs` shows) was trimmed, dropping
/// the escaped blank that ends its last word (and Unicode white space that is part of a word),
/// so the text no longer said the same command.
#[test]
fn item_text_keeps_an_escaped_blank_and_drops_a_line_continuation() {
    let item = one("echo a\\ ");
    assert_eq!(item.text, "echo a\\ ");
    assert_eq!(item.and_or.first.text, "echo a\\ ");
    assert_eq!(one("echo a\u{b}").text, "echo a\u{b}");
    assert_eq!(one("echo a\\\n").text, "echo a");
    fuzzing::sh_parse(include_bytes!(
        "../../fuzz/regressions/sh_parse/item-text-drops-an-escaped-blank"
    ));
}
