//! The shell's grammar: text to words and operators (the lexer), words and operators to a
//! list of and-or lists of pipelines (the parser).
//!
//! Pure code on `alloc` only, so the host tests (`tests/tests/sh_syntax.rs`) compile this
//! very file and check it without booting anything.
//!
//! The grammar, a subset of POSIX's:
//!
//! ```text
//! script    := item* ;  item := and_or ( ';' | '&' | newline | end )
//! and_or    := pipeline ( ( '&&' | '||' ) newline* pipeline )*
//! pipeline  := command ( '|' newline* command )*
//! command   := ( word | redirection )+
//! redirect  := [digits] ( '<' | '>' | '>>' | '<&' | '>&' ) word
//! ```
//!
//! Words keep their quoting (see [`Piece`]) because expansion needs it: `$X` is expanded
//! inside double quotes but not inside single ones, and only an unquoted expansion is split
//! into fields. `#` at the start of a word starts a comment that runs to the end of the line.

use alloc::string::String;
use alloc::vec::Vec;

/// One part of a word, with how it was quoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Literal text; `quoted` when it came from quotes or a backslash (it then never starts
    /// a comment or an assignment and keeps an otherwise empty word alive: `''` is a word).
    Lit {
        /// The text.
        text: String,
        /// Whether the text was quoted.
        quoted: bool,
    },
    /// `$NAME`, `${NAME}`, `$?`, `$$`, `$!`, `$#` or `$0`..`$9`; `quoted` inside double
    /// quotes (no field splitting).
    Var {
        /// The variable's name (`?`, `$`, `!`, `#` or a digit for the special ones).
        name: String,
        /// Whether the expansion was inside double quotes.
        quoted: bool,
    },
}

/// A word as written: its pieces in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
}

impl Word {
    /// A word of one unquoted literal (for the host tests).
    #[allow(dead_code)]
    pub fn plain(text: &str) -> Word {
        Word {
            pieces: alloc::vec![Piece::Lit {
                text: String::from(text),
                quoted: false,
            }],
        }
    }

    /// `NAME=rest` when the word starts with an unquoted `NAME=`: the name and the pieces
    /// after the `=`.
    pub fn assignment(&self) -> Option<(String, Word)> {
        let Some(Piece::Lit {
            text,
            quoted: false,
        }) = self.pieces.first()
        else {
            return None;
        };
        let (name, rest) = text.split_once('=')?;
        if !is_name(name) {
            return None;
        }
        let mut pieces = Vec::with_capacity(self.pieces.len());
        if !rest.is_empty() {
            pieces.push(Piece::Lit {
                text: String::from(rest),
                quoted: false,
            });
        }
        pieces.extend(self.pieces[1..].iter().cloned());
        Some((String::from(name), Word { pieces }))
    }
}

/// Whether `s` is a valid variable name: a letter or `_`, then letters, digits and `_`.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// What a redirection does with its descriptor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`: open the file for reading.
    Read,
    /// `>`: create or truncate the file for writing.
    Write,
    /// `>>`: create the file or append to it.
    Append,
    /// `>&` or `<&`: make the descriptor a copy of another one (the word is its number).
    Dup,
}

/// One redirection: `fd op target`, applied in the order written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    /// The descriptor redirected (0 for `<` and `<&`, 1 for the others unless written).
    pub fd: i32,
    /// What is done.
    pub op: RedirOp,
    /// The file name, or the descriptor number for [`RedirOp::Dup`].
    pub target: Word,
}

/// A simple command: its words (assignments first, if any) and redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// The words, assignments included.
    pub words: Vec<Word>,
    /// The redirections in the order written.
    pub redirs: Vec<Redir>,
}

/// Commands joined by `|`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// At least one command.
    pub commands: Vec<Command>,
    /// The source text, for job listings.
    pub text: String,
}

/// How a pipeline joins the one before it in an and-or list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// `&&`: run only if the previous status was 0.
    And,
    /// `||`: run only if the previous status was not 0.
    Or,
}

/// Pipelines joined by `&&` and `||`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    /// The first pipeline.
    pub first: Pipeline,
    /// The others, each with its connector.
    pub rest: Vec<(Connector, Pipeline)>,
}

/// One item of a script: an and-or list, run in the background if it ended with `&`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What to run.
    pub and_or: AndOr,
    /// Ended with `&`.
    pub background: bool,
    /// The source text, for job listings.
    pub text: String,
}

/// Why text does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// A quote, `${` or trailing backslash was not closed before the end of the text.
    UnterminatedQuote,
    /// The text ended where a command must follow (after `|`, `&&` or `||`).
    MissingCommand,
    /// An operator where it cannot be: `| x`, `; ;`, `&& &&`, `x ||| y`, ...
    Unexpected(&'static str),
    /// A redirection without a file name (or a `>&` with something not a number).
    BadRedirection,
    /// `${...}` with something that is not a variable name.
    BadSubstitution,
}

impl SyntaxError {
    /// Whether more text could complete the input (a script reader then joins the next
    /// line, as other shells do).
    pub fn is_incomplete(self) -> bool {
        matches!(
            self,
            SyntaxError::UnterminatedQuote | SyntaxError::MissingCommand
        )
    }
}

impl core::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SyntaxError::UnterminatedQuote => f.write_str("unterminated quote"),
            SyntaxError::MissingCommand => f.write_str("missing command"),
            SyntaxError::Unexpected(op) => write!(f, "unexpected '{op}'"),
            SyntaxError::BadRedirection => f.write_str("bad redirection"),
            SyntaxError::BadSubstitution => f.write_str("bad substitution"),
        }
    }
}

/// The operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Semi,
    Amp,
    AndIf,
    OrIf,
    Pipe,
    Newline,
    Redir(i32, RedirKind),
}

/// A redirection operator before its fd is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RedirKind {
    Less,
    Great,
    DGreat,
    LessAnd,
    GreatAnd,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Semi => ";",
            Op::Amp => "&",
            Op::AndIf => "&&",
            Op::OrIf => "||",
            Op::Pipe => "|",
            Op::Newline => "newline",
            Op::Redir(..) => "redirection",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(Word),
    Op(Op),
}

/// A token and the byte range of the text it came from.
struct Spanned {
    token: Token,
    start: usize,
    end: usize,
}

/// Splits `src` into tokens.
fn lex(src: &str) -> Result<Vec<Spanned>, SyntaxError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                tokens.push(Spanned {
                    token: Token::Op(Op::Newline),
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b';' | b'&' | b'|' | b'<' | b'>' => {
                let (op, len) = operator(&bytes[i..], None);
                tokens.push(Spanned {
                    token: Token::Op(op),
                    start: i,
                    end: i + len,
                });
                i += len;
            }
            _ => {
                // A run of digits right before `<` or `>` names the descriptor.
                let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                if digits > 0 && matches!(bytes.get(i + digits), Some(b'<' | b'>')) {
                    let fd = src[i..i + digits].parse::<i32>().unwrap_or(i32::MAX);
                    let (op, len) = operator(&bytes[i + digits..], Some(fd));
                    tokens.push(Spanned {
                        token: Token::Op(op),
                        start: i,
                        end: i + digits + len,
                    });
                    i += digits + len;
                    continue;
                }
                let start = i;
                let word = lex_word(src, &mut i)?;
                tokens.push(Spanned {
                    token: Token::Word(word),
                    start,
                    end: i,
                });
            }
        }
    }
    Ok(tokens)
}

/// The operator at the start of `bytes` (which starts with one of `;&|<>`) and its length.
fn operator(bytes: &[u8], fd: Option<i32>) -> (Op, usize) {
    let next = bytes.get(1).copied();
    match (bytes[0], next) {
        (b';', _) => (Op::Semi, 1),
        (b'&', Some(b'&')) => (Op::AndIf, 2),
        (b'&', _) => (Op::Amp, 1),
        (b'|', Some(b'|')) => (Op::OrIf, 2),
        (b'|', _) => (Op::Pipe, 1),
        (b'<', Some(b'&')) => (Op::Redir(fd.unwrap_or(0), RedirKind::LessAnd), 2),
        (b'<', _) => (Op::Redir(fd.unwrap_or(0), RedirKind::Less), 1),
        (b'>', Some(b'>')) => (Op::Redir(fd.unwrap_or(1), RedirKind::DGreat), 2),
        (b'>', Some(b'&')) => (Op::Redir(fd.unwrap_or(1), RedirKind::GreatAnd), 2),
        _ => (Op::Redir(fd.unwrap_or(1), RedirKind::Great), 1),
    }
}

/// Whether `c` ends an unquoted word.
fn is_break(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>'
    )
}

/// Appends literal text to `pieces`, merging with a literal of the same quoting before it.
#[allow(clippy::collapsible_if)] // let chains would not compile as edition 2021 (host tests)
fn push_lit(pieces: &mut Vec<Piece>, s: &str, quoted: bool) {
    // (No let chains: the host tests compile this file as edition 2021.)
    if let Some(Piece::Lit { text, quoted: q }) = pieces.last_mut() {
        if *q == quoted {
            text.push_str(s);
            return;
        }
    }
    pieces.push(Piece::Lit {
        text: String::from(s),
        quoted,
    });
}

/// Reads one word starting at `*i`, leaving `*i` just after it.
fn lex_word(src: &str, i: &mut usize) -> Result<Word, SyntaxError> {
    let bytes = src.as_bytes();
    let mut pieces = Vec::new();
    while *i < bytes.len() && !is_break(bytes[*i]) {
        match bytes[*i] {
            b'\'' => {
                let close = src[*i + 1..]
                    .find('\'')
                    .ok_or(SyntaxError::UnterminatedQuote)?;
                let text = &src[*i + 1..*i + 1 + close];
                push_lit(&mut pieces, text, true);
                *i += close + 2;
            }
            b'"' => {
                *i += 1;
                // An empty "" still makes a word.
                push_lit(&mut pieces, "", true);
                loop {
                    match bytes.get(*i) {
                        None => return Err(SyntaxError::UnterminatedQuote),
                        Some(b'"') => {
                            *i += 1;
                            break;
                        }
                        Some(b'\\') => match bytes.get(*i + 1) {
                            None => return Err(SyntaxError::UnterminatedQuote),
                            Some(b'\n') => *i += 2,
                            Some(b'$' | b'"' | b'\\' | b'`') => {
                                push_lit(&mut pieces, &src[*i + 1..*i + 2], true);
                                *i += 2;
                            }
                            Some(_) => {
                                push_lit(&mut pieces, "\\", true);
                                *i += 1;
                            }
                        },
                        Some(b'$') => dollar(src, i, &mut pieces, true)?,
                        Some(_) => {
                            let len = char_len(src, *i);
                            push_lit(&mut pieces, &src[*i..*i + len], true);
                            *i += len;
                        }
                    }
                }
            }
            b'\\' => match bytes.get(*i + 1) {
                None => return Err(SyntaxError::UnterminatedQuote),
                Some(b'\n') => *i += 2,
                Some(_) => {
                    let len = char_len(src, *i + 1);
                    push_lit(&mut pieces, &src[*i + 1..*i + 1 + len], true);
                    *i += 1 + len;
                }
            },
            b'$' => dollar(src, i, &mut pieces, false)?,
            _ => {
                let len = char_len(src, *i);
                push_lit(&mut pieces, &src[*i..*i + len], false);
                *i += len;
            }
        }
    }
    Ok(Word { pieces })
}

/// The length in bytes of the character starting at byte `i`.
fn char_len(src: &str, i: usize) -> usize {
    src[i..].chars().next().map_or(1, char::len_utf8)
}

/// Reads `$...` at `*i`: a variable, or a literal `$` when no name follows.
fn dollar(
    src: &str,
    i: &mut usize,
    pieces: &mut Vec<Piece>,
    quoted: bool,
) -> Result<(), SyntaxError> {
    let bytes = src.as_bytes();
    let after = *i + 1;
    match bytes.get(after) {
        Some(b'?' | b'$' | b'!' | b'#' | b'0'..=b'9') => {
            pieces.push(Piece::Var {
                name: String::from(&src[after..after + 1]),
                quoted,
            });
            *i = after + 1;
        }
        Some(b'{') => {
            let close = src[after..]
                .find('}')
                .ok_or(SyntaxError::UnterminatedQuote)?;
            let name = &src[after + 1..after + close];
            let special = matches!(name, "?" | "$" | "!" | "#")
                || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()));
            if !is_name(name) && !special {
                return Err(SyntaxError::BadSubstitution);
            }
            pieces.push(Piece::Var {
                name: String::from(name),
                quoted,
            });
            *i = after + close + 1;
        }
        Some(&c) if c == b'_' || c.is_ascii_alphabetic() => {
            let len = bytes[after..]
                .iter()
                .take_while(|&&b| b == b'_' || b.is_ascii_alphanumeric())
                .count();
            pieces.push(Piece::Var {
                name: String::from(&src[after..after + len]),
                quoted,
            });
            *i = after + len;
        }
        _ => {
            push_lit(pieces, "$", quoted);
            *i = after;
        }
    }
    Ok(())
}

/// Parses a whole script (or one command line).
///
/// # Errors
///
/// The first [`SyntaxError`] in the text; [`SyntaxError::is_incomplete`] tells whether
/// more lines could fix it.
pub fn parse(src: &str) -> Result<Vec<Item>, SyntaxError> {
    let tokens = lex(src)?;
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
    };
    let mut items = Vec::new();
    loop {
        p.skip_newlines();
        let Some(start) = p.peek_start() else {
            break;
        };
        let and_or = p.and_or()?;
        let end = p.tokens[p.pos - 1].end;
        let background = match p.peek() {
            None | Some(Token::Op(Op::Newline)) => false,
            Some(Token::Op(Op::Semi)) => {
                p.pos += 1;
                false
            }
            Some(Token::Op(Op::Amp)) => {
                p.pos += 1;
                true
            }
            Some(Token::Op(op)) => return Err(SyntaxError::Unexpected(op.text())),
            Some(Token::Word(_)) => return Err(SyntaxError::Unexpected("word")),
        };
        items.push(Item {
            and_or,
            background,
            text: span_text(&src[start..end]),
        });
    }
    Ok(items)
}

/// The source text of an item or pipeline, from its first token's start to its last one's
/// end, without the line continuations (a `\` and a newline) its last word may end with.
/// Nothing else is trimmed: a blank there is an escaped one (`a\ `), and other white space
/// (a form feed, say) is part of the word.
fn span_text(mut text: &str) -> String {
    while let Some(rest) = text.strip_suffix("\\\n") {
        text = rest;
    }
    String::from(text)
}

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Spanned>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    fn peek_start(&self) -> Option<usize> {
        self.tokens.get(self.pos).map(|t| t.start)
    }

    /// Skips newlines (a command may continue on the next line after `|`, `&&` and `||`).
    fn skip_newlines(&mut self) {
        while let Some(Token::Op(Op::Newline)) = self.peek() {
            self.pos += 1;
        }
    }

    fn and_or(&mut self) -> Result<AndOr, SyntaxError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let connector = match self.peek() {
                Some(Token::Op(Op::AndIf)) => Connector::And,
                Some(Token::Op(Op::OrIf)) => Connector::Or,
                _ => break,
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((connector, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        let start = self.peek_start().unwrap_or(self.src.len());
        let mut commands = alloc::vec![self.command()?];
        while let Some(Token::Op(Op::Pipe)) = self.peek() {
            self.pos += 1;
            self.skip_newlines();
            commands.push(self.command()?);
        }
        let end = self.tokens[self.pos - 1].end;
        Ok(Pipeline {
            commands,
            text: span_text(&self.src[start..end]),
        })
    }

    fn command(&mut self) -> Result<Command, SyntaxError> {
        let mut cmd = Command::default();
        loop {
            match self.peek() {
                Some(Token::Word(w)) => {
                    cmd.words.push(w.clone());
                    self.pos += 1;
                }
                Some(&Token::Op(Op::Redir(fd, kind))) => {
                    self.pos += 1;
                    let Some(Token::Word(target)) = self.peek() else {
                        return Err(SyntaxError::BadRedirection);
                    };
                    let target = target.clone();
                    self.pos += 1;
                    let op = match kind {
                        RedirKind::Less => RedirOp::Read,
                        RedirKind::Great => RedirOp::Write,
                        RedirKind::DGreat => RedirOp::Append,
                        RedirKind::LessAnd | RedirKind::GreatAnd => {
                            if dup_target(&target).is_none() {
                                return Err(SyntaxError::BadRedirection);
                            }
                            RedirOp::Dup
                        }
                    };
                    cmd.redirs.push(Redir { fd, op, target });
                }
                _ => break,
            }
        }
        if cmd.words.is_empty() && cmd.redirs.is_empty() {
            return Err(match self.peek() {
                None => SyntaxError::MissingCommand,
                Some(Token::Op(op)) => SyntaxError::Unexpected(op.text()),
                Some(Token::Word(_)) => SyntaxError::Unexpected("word"),
            });
        }
        Ok(cmd)
    }
}

/// The descriptor number a `>&`/`<&` word names (`-` is not supported).
pub fn dup_target(word: &Word) -> Option<i32> {
    match word.pieces.as_slice() {
        [Piece::Lit { text, .. }]
            if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) =>
        {
            text.parse().ok()
        }
        _ => None,
    }
}
