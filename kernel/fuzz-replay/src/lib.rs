//! Replays what the host fuzzers keep in the repository (`fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/`) through a target's property, so `cargo test` checks every
//! committed input on the normal build. Used by the parser crates' tests (a dev-dependency).

use std::path::{Path, PathBuf};

/// The repository's `fuzz/` directory.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Runs `check` on every committed input of fuzz target `target`; panics naming the first
/// input whose check panics, or when the target has no committed input at all.
pub fn replay(target: &str, check: impl Fn(&[u8])) {
    let mut count = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(listing) = std::fs::read_dir(fuzz_dir().join(dir).join(target)) else {
            continue;
        };
        for file in listing {
            let path = file.expect("read a fuzz directory").path();
            let bytes = std::fs::read(&path).expect("read a fuzz input");
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bytes)));
            assert!(outcome.is_ok(), "{} fails", path.display());
            count += 1;
        }
    }
    assert!(count > 0, "no committed corpus for {target}");
}
