//! `execve` with every kind of bad argument: each must fail with the right errno and leave
//! the caller exactly as it was (a global, the stack and the heap hold what they held).
//! `exec_paths` checks POSIX path resolution for the paths a program may pass.

use super::*;

static GLOBAL: AtomicU32 = AtomicU32::new(0);
const GLOBAL_VALUE: u32 = 0x600D_F00D;

/// A NUL-terminated copy of `s` on the heap.
fn c_string(s: &str) -> Vec<u8> {
    let mut v = Vec::from(s.as_bytes());
    v.push(0);
    v
}

/// A NULL-terminated array of pointers to the strings.
fn pointer_array(strings: &[Vec<u8>]) -> Vec<usize> {
    let mut v: Vec<usize> = strings.iter().map(|s| s.as_ptr() as usize).collect();
    v.push(0);
    v
}

/// Checks that the caller survived a failed execve unchanged.
fn intact(stack: &[u32; 64], heap: &[u32], me: Pid, brk0: usize, what: &str) -> Verdict {
    ensure!(getpid() == me, "{what}: the pid changed");
    ensure!(
        current_break() == brk0,
        "{what}: the program break moved from {brk0:#x} to {:#x}",
        current_break()
    );
    ensure!(
        GLOBAL.load(Ordering::SeqCst) == GLOBAL_VALUE,
        "{what}: a global variable changed"
    );
    let stack = black_box(stack);
    ensure!(
        stack
            .iter()
            .enumerate()
            .all(|(i, &v)| v == 0xA5A5_0000 + i as u32),
        "{what}: the caller's stack changed"
    );
    ensure!(
        heap.iter()
            .enumerate()
            .all(|(i, &v)| v == 0x5A5A_0000 + i as u32),
        "{what}: the caller's heap changed"
    );
    Ok(())
}

pub fn bad_exec() -> Verdict {
    let me = getpid();
    GLOBAL.store(GLOBAL_VALUE, Ordering::SeqCst);
    let mut stack = [0u32; 64];
    for (i, v) in stack.iter_mut().enumerate() {
        *v = 0xA5A5_0000 + i as u32;
    }
    let stack = black_box(stack);
    let heap: Vec<u32> = (0..1024).map(|i| 0x5A5A_0000 + i).collect();

    let hello = c_string("/bin/hello");
    let argv_ok = pointer_array(&[c_string("hello"), c_string("bad_exec")]);
    let envp_ok = [0usize];

    let long300 = c_string(&format!("/{}", "d".repeat(299)));
    // The longest path (its names short enough), and one byte more.
    let longest = c_string(&format!("/{}", "e/".repeat((MAX_PATH_LEN - 1) / 2)));
    let one_over = c_string(&format!("/{}f", "e/".repeat((MAX_PATH_LEN - 1) / 2)));
    assert_eq!(
        (longest.len(), one_over.len()),
        (MAX_PATH_LEN + 1, MAX_PATH_LEN + 2)
    );
    let bin = c_string("/bin");
    let missing = c_string("/no/such/program");
    let empty = c_string("");

    let many: Vec<Vec<u8>> = (0..=MAX_ARGS).map(|i| c_string(&format!("a{i}"))).collect();
    let argv33 = pointer_array(&many);
    let envp33 = pointer_array(&many);
    let big: Vec<Vec<u8>> = (0..3).map(|_| c_string(&"g".repeat(1500))).collect();
    let argv_big = pointer_array(&big);
    let argv_kernel_elem = [hello.as_ptr() as usize, 0xC000_0000, 0];
    let argv_unmapped_elem = [hello.as_ptr() as usize, 0x7000_0000, 0];
    let argv_odd_elem = [hello.as_ptr() as usize, 1, 0];
    let bad_utf8 = [0x2Fu8, 0xFF, 0xFE, 0];

    // An unterminated path running into an unmapped page, and a long one that reaches the
    // length limit first: both end at the heap's edge. Set up last: any allocation after
    // this could grow the heap over the edge.
    let edge = edges::heap_edge()?;
    poke(edge - 100, &[b'a'; 100]);
    let long_to_edge = edge - 100 - (MAX_PATH_LEN + 1);
    poke(long_to_edge, &[b'/'; 1]);
    poke(long_to_edge + 1, &[b'c'; MAX_PATH_LEN]);
    let unterminated = edge - 100;
    // An argv array that runs into the unmapped page without its NULL (written over the
    // unterminated path once the path cases are done).
    let argv_unterminated = edge - 8;

    let h = hello.as_ptr() as usize;
    let a = argv_ok.as_ptr() as usize;
    let e = envp_ok.as_ptr() as usize;
    // Each case gets one argument wrong (the other two are `h`, `a`, `e`): (what, path,
    // argv, envp, the errno it must fail with).
    let bad_path = |what, path, want| (what, path, a, e, want);
    let bad_argv = |what, argv, want| (what, h, argv, e, want);
    let bad_envp = |what, envp, want| (what, h, a, envp, want);
    let cases: [(&str, usize, usize, usize, Errno); 24] = {
        use Errno::{E2BIG, EACCES, EFAULT, EINVAL, ENAMETOOLONG, ENOENT};
        [
            bad_path("NULL path", 0, EFAULT),
            bad_path("path at 0x1", 1, EFAULT),
            bad_path("kernel path 0xC0000000", 0xC000_0000, EFAULT),
            bad_path("kernel path 0xFFFFFFFF", 0xFFFF_FFFF, EFAULT),
            bad_path("unmapped path", 0x7000_0000, EFAULT),
            bad_path(
                "unterminated path into an unmapped page",
                unterminated,
                EFAULT,
            ),
            bad_path("300-byte name", long300.as_ptr() as usize, ENAMETOOLONG),
            bad_path("4096-byte path", one_over.as_ptr() as usize, ENAMETOOLONG),
            bad_path(
                "unterminated 4196 bytes before an unmapped page",
                long_to_edge,
                ENAMETOOLONG,
            ),
            bad_path(
                "4095-byte path of a missing file",
                longest.as_ptr() as usize,
                ENOENT,
            ),
            bad_path("directory /bin", bin.as_ptr() as usize, EACCES),
            bad_path("missing file", missing.as_ptr() as usize, ENOENT),
            bad_path("empty path", empty.as_ptr() as usize, ENOENT),
            // The kernel takes paths as UTF-8 (EINVAL otherwise); POSIX would say ENOENT.
            bad_path("path that is not UTF-8", bad_utf8.as_ptr() as usize, EINVAL),
            bad_argv("argv with 33 entries", argv33.as_ptr() as usize, E2BIG),
            bad_envp("envp with 33 entries", envp33.as_ptr() as usize, E2BIG),
            bad_argv("argv strings over 4 KiB", argv_big.as_ptr() as usize, E2BIG),
            bad_argv("argv in the kernel", 0xC000_0000, EFAULT),
            bad_argv("argv at 0xFFFFFFFC", 0xFFFF_FFFC, EFAULT),
            bad_argv(
                "argv element in the kernel",
                argv_kernel_elem.as_ptr() as usize,
                EFAULT,
            ),
            bad_argv(
                "argv element unmapped",
                argv_unmapped_elem.as_ptr() as usize,
                EFAULT,
            ),
            bad_argv(
                "argv element at 0x1",
                argv_odd_elem.as_ptr() as usize,
                EFAULT,
            ),
            bad_argv(
                "argv without NULL into an unmapped page",
                argv_unterminated,
                EFAULT,
            ),
            bad_envp("envp in the kernel", 0xC000_0000, EFAULT),
        ]
    };
    let brk0 = current_break();
    for (what, path, argv, envp, want) in cases {
        if argv == argv_unterminated {
            poke(argv_unterminated, &(h as u32).to_le_bytes());
            poke(argv_unterminated + 4, &(h as u32).to_le_bytes());
        }
        let got = execve_raw(path, argv, envp);
        let ok = got == want || (want == Errno::EINVAL && got == Errno::ENOENT);
        ensure!(ok, "{what}: {}, expected {}", got.name(), want.name());
        intact(&stack, &heap, me, brk0, what)?;
    }
    println!("bad_exec: 24 bad execve calls failed as they should, the caller is intact");

    // The limits themselves are allowed: 32 entries, and exactly 4096 bytes of strings.
    let thirty_two: Vec<Vec<u8>> = (0..MAX_ARGS).map(|i| c_string(&format!("x{i}"))).collect();
    let argv32 = pointer_array(&thirty_two);
    let fill = MAX_ARG_BYTES - "hello".len() - 1 - 1;
    let exact = [c_string("hello"), c_string(&"h".repeat(fill))];
    let argv_exact = pointer_array(&exact);
    let runs: [(&str, usize, usize); 4] = [
        ("hello with argv", a, e),
        ("hello with NULL argv and envp", 0, 0),
        ("hello with 32 arguments", argv32.as_ptr() as usize, e),
        (
            "hello with exactly 4096 bytes of arguments",
            argv_exact.as_ptr() as usize,
            e,
        ),
    ];
    for (what, argv, envp) in runs {
        in_child(what, || ERRNO_EXIT + execve_raw(h, argv, envp) as i32)?;
    }
    // And the typed wrapper, as any program would.
    in_child("execve(/bin/hello) through ulib", || {
        match execve("/bin/hello", &["hello", "bad_exec-ok"]) {
            Err(e) => ERRNO_EXIT + e as i32,
            Ok(never) => match never {},
        }
    })?;
    intact(&stack, &heap, me, brk0, "after the valid execs")?;
    Ok(())
}

/// POSIX path resolution for execve: a directory is EACCES, a trailing slash or a
/// component under a file is ENOTDIR, and `//`, `.` and `..` resolve as usual.
pub fn exec_paths() -> Verdict {
    let argv = pointer_array(&[c_string("hello"), c_string("exec_paths")]);
    let checks: [(&str, i32); 10] = [
        ("/bin/hello", 0),
        ("bin/hello", 0),
        ("/./bin/hello", 0),
        ("/bin/", ERRNO_EXIT + Errno::EACCES as i32),
        ("/", ERRNO_EXIT + Errno::EACCES as i32),
        ("/bin/hello/", ERRNO_EXIT + Errno::ENOTDIR as i32),
        ("/bin/hello/x", ERRNO_EXIT + Errno::ENOTDIR as i32),
        ("//bin//hello", 0),
        ("/bin/./hello", 0),
        ("/bin/../bin/hello", 0),
    ];
    let mut wrong = Vec::new();
    for (path, want) in checks {
        let p = c_string(path);
        let child = spawn(|| {
            ERRNO_EXIT + execve_raw(p.as_ptr() as usize, argv.as_ptr() as usize, 0) as i32
        })?;
        let got = match reap(child)? {
            WaitStatus::Exited(_, code) => code,
            other => bail!("execve({path:?}): the child {other}"),
        };
        let show = |code: i32| {
            if code == 0 {
                String::from("runs the program")
            } else {
                errno_name(code - ERRNO_EXIT)
            }
        };
        println!("exec_paths: {path:?} -> {}", show(got));
        if got != want {
            wrong.push(format!("{path:?}: {}, expected {}", show(got), show(want)));
        }
    }
    ensure!(wrong.is_empty(), "{}", wrong.join("; "));
    Ok(())
}
