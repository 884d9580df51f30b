//! The C shim's host test suite, `ulib/c/test/host-test.sh` (see `docs/sysroot.md`,
//! "Testing"): it refills `sysroot/` from a clean state, checks the ELF layout of `lunaix-cc`
//! output, and runs `ctest`, `ftest` (the file API, in a temporary directory) and `hello`
//! natively over Linux system calls, using `strace` to check stdio's buffering (a file stdout
//! gets few big `write()`s, a terminal one `write()` a line).
//!
//! The script deletes and rebuilds `sysroot/` in place, so it runs under the sysroot lock,
//! which every test that builds with the sysroot (`sdk.rs`) takes too.

use integration_tests::host::{clean_command, lock_sysroot, run_command};
use integration_tests::repo_root;
use std::io::ErrorKind;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn host_test_script_passes() {
    match Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            eprintln!(
                "SKIPPED host_test_script_passes: strace is not installed \
                 (apt-get install strace), and ulib/c/test/host-test.sh needs it"
            );
            return;
        }
        _ => {}
    }
    let script = repo_root().join("ulib/c/test/host-test.sh");
    let _sysroot = lock_sysroot();
    let mut cmd = clean_command("bash");
    cmd.arg(&script).current_dir(repo_root());
    let out = run_command(cmd, "ulib/c/test/host-test.sh", Duration::from_secs(600));
    out.expect_success();
    for line in ["PASS ctest", "PASS ftest", "host-test: all passed"] {
        if !out.stdout.lines().any(|l| l == line) {
            out.fail(&format!("no line {line:?} on stdout"));
        }
    }
    if out.stderr.contains("host-test: FAIL") {
        out.fail("a check failed");
    }
    // The sysroot is whole again for whoever comes next.
    for file in [
        "lib/libc.a",
        "lib/crt0.o",
        "lib/user.ld",
        "i686-lunaix.json",
        "toolchain",
    ] {
        let path = repo_root().join("sysroot").join(file);
        assert!(
            path.is_file(),
            "{} is missing after host-test.sh",
            path.display()
        );
    }
}
