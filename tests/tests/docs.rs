//! The SDK's API documentation builds without warnings (`make doc`): every public ulib item
//! is documented and every intra-doc link resolves.

use integration_tests::host::{clean_command, lock_sysroot, run_command};
use integration_tests::repo_root;
use std::time::Duration;

#[test]
fn ulib_docs_build_without_warnings() {
    let _sysroot = lock_sysroot();
    let root = repo_root();
    let mut cmd = clean_command(root.join("sysroot/bin/lunaix-cargo"));
    cmd.args(["doc", "--no-deps"])
        .current_dir(root.join("ulib"))
        .env("RUSTDOCFLAGS", "-D warnings -D missing_docs");
    let out = run_command(cmd, "lunaix-cargo doc in ulib/", Duration::from_secs(600));
    out.expect_success();
    let index = root.join("ulib/target/i686-lunaix/doc/ulib/index.html");
    if !index.is_file() {
        out.fail(&format!("{} was not generated", index.display()));
    }
}
