//! Properties the host fuzzers check (`fuzz/fuzz_targets/`), kept here so that the normal
//! `cargo test` replays the committed corpora (`fuzz/corpus/<target>/`) and every input a
//! fuzzer ever found (`fuzz/regressions/<target>/`) through the very same checks.

use super::table::{parse, ArgType, Table, MAX_ARGS};

/// `syscall_table`: [`parse`] on arbitrary text. An accepted table is sorted by number with
/// unique numbers and names, at most [`MAX_ARGS`] uniquely named arguments a call and every
/// buffer's length a `usize` argument; written back in the table format it parses to the same
/// table; every generator runs on it. A rejection names a line of the text.
pub fn table(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let table = match parse(text) {
        Ok(table) => table,
        Err(error) => {
            assert!(
                error.line >= 1 && error.line <= text.lines().count(),
                "{error}"
            );
            return;
        }
    };
    for pair in table.calls.windows(2) {
        assert!(pair[0].nr < pair[1].nr, "unsorted or repeated numbers");
    }
    for (i, call) in table.calls.iter().enumerate() {
        assert!(!table.calls[..i].iter().any(|c| c.name == call.name));
        assert!(call.args.len() <= MAX_ARGS);
        assert!(!call.summary.is_empty() && call.summary == call.summary.trim());
        for (j, arg) in call.args.iter().enumerate() {
            assert!(!call.args[..j].iter().any(|a| a.name == arg.name));
            if let ArgType::UserBuf { len_arg, .. } = arg.ty {
                assert_eq!(call.args[len_arg].ty, ArgType::Usize);
            }
        }
    }

    let written = write_table(&table);
    let again = parse(&written).unwrap_or_else(|e| panic!("{e} in\n{written}"));
    assert_eq!(again, table, "written as\n{written}");

    for text in [
        super::kernel_dispatch(&table),
        super::ulib_wrappers(&table),
        super::c_header(&table),
        super::markdown_table(&table),
        super::rust_numbers(&table),
    ] {
        assert!(!text.is_empty());
    }
}

/// The table in its own format, one call a line.
fn write_table(table: &Table) -> String {
    let mut out = String::from("# written back by the fuzzer\n");
    for call in &table.calls {
        let args: Vec<String> = (0..call.args.len())
            .map(|i| format!("{}: {}", call.args[i].name, call.arg_spelling(i)))
            .collect();
        out += &format!(
            "{} {}({}) -- {}\n",
            call.nr,
            call.name,
            args.join(", "),
            call.summary
        );
    }
    out
}

#[cfg(test)]
mod tests {
    //! Replays the committed corpora and regressions: fast, and part of `cargo test`.
    use fuzz_replay::replay;

    #[test]
    fn syscall_table_corpus_replays() {
        replay("syscall_table", super::table);
    }
}
