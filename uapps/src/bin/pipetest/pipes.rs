//! Pipes: scenarios 26-31 and the pipe cases of the bad input.

use super::*;

/// Scenario 26: Bytes written into a pipe made before fork arrive identical, whatever the sizes of
/// the writes and reads.
pub fn pipe_roundtrip() -> Verdict {
    const TOTAL: usize = 100_000;
    let (r, w) = ulib::io::pipe().map_err(|e| format!("pipe: {}", e.name()))?;
    let child = spawn_check("pipe_roundtrip", move || {
        shut(r)?;
        let data: Vec<u8> = (0..TOTAL).map(pattern).collect();
        let (mut off, mut size) = (0, 1);
        while off < TOTAL {
            let n = size.min(TOTAL - off);
            put_all(w, &data[off..off + n])?;
            off += n;
            size = size * 3 % 9001 + 1;
        }
        shut(w)
    })?;
    shut(w)?;
    let got = get_to_eof(r, 3000)?;
    shut(r)?;
    expect_exit(child, 0, "the writer")?;
    ensure!(
        got.len() == TOTAL,
        "read {} bytes, the writer wrote {TOTAL}",
        got.len()
    );
    if let Some(i) = (0..TOTAL).find(|&i| got[i] != pattern(i)) {
        bail!("byte {i} is {}, expected {}", got[i], pattern(i));
    }
    println!("pipe_roundtrip: {TOTAL} bytes arrived identical");
    Ok(())
}

/// Scenario 27: After the last writer closes, the reader gets the rest, then 0: five writes of 1033
/// bytes in sequence, read with chunk sizes 1, 2, 4, ... up to 8192.
pub fn pipe_eof() -> Verdict {
    const N: usize = 5;
    const SZ: usize = 1033;
    let (r, w) = make_pipe(0)?;
    let child = spawn_check("pipe_eof", move || {
        shut(r)?;
        let mut seq = 0usize;
        for _ in 0..N {
            let buf: Vec<u8> = (0..SZ)
                .map(|_| {
                    seq += 1;
                    (seq - 1) as u8
                })
                .collect();
            let n = ulib::io::write(w, &buf).map_err(|e| format!("write: {}", e.name()))?;
            ensure!(n == SZ, "write of {SZ} bytes returned {n}");
        }
        shut(w)
    })?;
    shut(w)?;
    let mut buf = [0u8; 8192];
    let (mut seq, mut total, mut cc) = (0usize, 0usize, 1usize);
    loop {
        let n = read(r, &mut buf[..cc])
            .map_err(|e| format!("read({cc}) after {total} bytes: {}", e.name()))?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            ensure!(b == seq as u8, "byte {seq} is {b}, expected {}", seq as u8);
            seq += 1;
        }
        total += n;
        cc = (cc * 2).min(buf.len());
    }
    ensure!(
        total == N * SZ,
        "read {total} bytes before 0, expected {}",
        N * SZ
    );
    let again = read(r, &mut buf);
    ensure!(
        again == Ok(0),
        "a second read at end of file gave {again:?}"
    );
    shut(r)?;
    expect_exit(child, 0, "the writer")?;
    println!("pipe_eof: {total} bytes in sequence, then 0");
    Ok(())
}

/// Scenario 28: Writing with no reader left: SIGPIPE kills by default; ignored or caught, the write
/// fails with EPIPE (and the handler runs once).
pub fn pipe_sigpipe() -> Verdict {
    let default = spawn_check("pipe_sigpipe", || {
        let (r, w) = make_pipe(0)?;
        shut(r)?;
        let got = ulib::io::write(w, b"x");
        bail!("survived a write with no reader: {got:?}")
    })?;
    expect_signal(
        default,
        Signal::SIGPIPE,
        "a writer with SIGPIPE at its default",
    )?;

    let ignored = spawn_check("pipe_sigpipe", || {
        set_action(Signal::SIGPIPE, SigHandler::SigIgn, SaFlags::empty())?;
        let (r, w) = make_pipe(0)?;
        shut(r)?;
        let got = ulib::io::write(w, b"x");
        ensure!(
            got == Err(Errno::EPIPE),
            "write with SIGPIPE ignored: {got:?}"
        );
        shut(w)
    })?;
    expect_exit(ignored, 0, "a writer ignoring SIGPIPE")?;

    let caught = spawn_check("pipe_sigpipe", || {
        set_action(
            Signal::SIGPIPE,
            SigHandler::Handler(count),
            SaFlags::empty(),
        )?;
        let (r, w) = make_pipe(0)?;
        // The reader is in another process, which ends.
        let reader = spawn(move || i32::from(close(w).is_err()))?;
        shut(r)?;
        expect_exit(reader, 0, "the reader")?;
        let got = ulib::io::write(w, &[7u8; 100]);
        ensure!(
            got == Err(Errno::EPIPE),
            "write with SIGPIPE caught: {got:?}"
        );
        let n = CAUGHT.load(Ordering::SeqCst);
        ensure!(n == 1, "the SIGPIPE handler ran {n} times, expected once");
        shut(w)
    })?;
    expect_exit(caught, 0, "a writer catching SIGPIPE")?;
    println!(
        "pipe_sigpipe: killed by SIGPIPE, EPIPE when ignored, EPIPE and the handler when caught"
    );
    Ok(())
}

/// Scenario 29: Every blocked reader wakes (with 0) when the last writer closes, and not before.
pub fn pipe_readers_wake() -> Verdict {
    const READERS: usize = 3;
    let (r, w) = make_pipe(0)?;
    let mut readers = Vec::new();
    for _ in 0..READERS {
        readers.push(spawn_check("pipe_readers_wake", move || {
            shut(w)?;
            let mut b = [0u8; 16];
            let got = read(r, &mut b);
            ensure!(got == Ok(0), "a blocked read gave {got:?}, expected 0");
            Ok(())
        })?);
    }
    // One more write end, held by a process that closes it later.
    let late = spawn_check("pipe_readers_wake", move || {
        shut(r)?;
        nap(400);
        shut(w)
    })?;
    shut(r)?;
    nap(150);
    shut(w)?;
    nap(100);
    for &k in &readers {
        expect_alive(k, "a reader while a write end is still open")?;
    }
    expect_exit(late, 0, "the last writer")?;
    for k in readers {
        expect_exit(k, 0, "a reader")?;
    }
    println!("pipe_readers_wake: {READERS} readers woke with 0 after the last writer closed");
    Ok(())
}

/// Scenario 30: Several writers and readers moving PIPE_BUF-sized records: every record arrives once,
/// whole.
pub fn pipe_many() -> Verdict {
    const WRITERS: usize = 3;
    const READERS: usize = 2;
    const RECORDS: usize = 24;
    let fill = |w: usize, seq: usize| (w * 37 + seq * 11 + 1) as u8;
    let (r, w) = make_pipe(0)?;
    // Each reader reports (writer, seq) of every record it got, two bytes at a time.
    let (res_r, res_w) = make_pipe(0)?;
    let mut kids = Vec::new();
    for id in 0..WRITERS {
        kids.push(spawn_check("pipe_many", move || {
            shut(r)?;
            shut(res_r)?;
            shut(res_w)?;
            let mut rec = [0u8; PIPE_BUF];
            for seq in 0..RECORDS {
                rec.fill(fill(id, seq));
                rec[0] = id as u8;
                rec[1] = seq as u8;
                let n = ulib::io::write(w, &rec).map_err(|e| format!("write: {}", e.name()))?;
                ensure!(n == PIPE_BUF, "a write of PIPE_BUF bytes returned {n}");
            }
            shut(w)
        })?);
    }
    for _ in 0..READERS {
        kids.push(spawn_check("pipe_many", move || {
            shut(w)?;
            shut(res_r)?;
            let mut rec = [0u8; PIPE_BUF];
            loop {
                let n = read(r, &mut rec).map_err(|e| format!("read: {}", e.name()))?;
                if n == 0 {
                    return shut(res_w);
                }
                ensure!(
                    n == PIPE_BUF,
                    "a read returned {n} bytes, not one whole record"
                );
                let (id, seq) = (rec[0] as usize, rec[1] as usize);
                ensure!(id < WRITERS && seq < RECORDS, "bad header {id}/{seq}");
                if let Some(i) = (2..PIPE_BUF).find(|&i| rec[i] != fill(id, seq)) {
                    bail!("record {id}/{seq} is torn at byte {i}");
                }
                put_all(res_w, &rec[..2])?;
            }
        })?);
    }
    shut(r)?;
    shut(w)?;
    shut(res_w)?;
    let reports = get_to_eof(res_r, 256)?;
    shut(res_r)?;
    for k in kids {
        expect_exit(k, 0, "a writer or reader")?;
    }
    let mut seen = [[0u32; RECORDS]; WRITERS];
    for pair in reports.chunks(2) {
        ensure!(pair.len() == 2, "an odd report length {}", reports.len());
        seen[pair[0] as usize][pair[1] as usize] += 1;
    }
    for (id, row) in seen.iter().enumerate() {
        for (seq, &n) in row.iter().enumerate() {
            ensure!(n == 1, "record {id}/{seq} arrived {n} times");
        }
    }
    println!(
        "pipe_many: {} records from {WRITERS} writers to {READERS} readers, each once and whole",
        WRITERS * RECORDS
    );
    Ok(())
}

/// Scenario 31: A writer blocked on a full pipe can be killed; the pipe then holds exactly its
/// capacity, and reads 0 after it.
pub fn pipe_kill_blocked() -> Verdict {
    let (r, w) = make_pipe(0)?;
    let writer = spawn_check("pipe_kill_blocked", move || {
        shut(r)?;
        let big = alloc::vec![0x5Au8; 4 * PIPE_CAPACITY];
        let got = ulib::io::write(w, &big);
        bail!("a write into a full pipe nobody reads returned {got:?}")
    })?;
    shut(w)?;
    nap(300);
    expect_alive(writer, "the writer on a full pipe")?;
    signal::kill(writer, Some(Signal::SIGKILL)).map_err(|e| format!("kill: {}", e.name()))?;
    expect_signal(writer, Signal::SIGKILL, "the blocked writer")?;
    let got = get_to_eof(r, 5000)?;
    shut(r)?;
    ensure!(
        got.len() == PIPE_CAPACITY,
        "the pipe held {} bytes, expected its capacity {PIPE_CAPACITY}",
        got.len()
    );
    ensure!(got.iter().all(|&b| b == 0x5A), "the pipe's bytes changed");
    println!("pipe_kill_blocked: the blocked writer died of SIGKILL, {PIPE_CAPACITY} bytes left");
    Ok(())
}

/// Bad input: eight processes write `PIPE_BUF` records into one pipe while its two readers are
/// killed. Each reader checks every record it takes is whole; once the last reader is gone,
/// every writer dies of `SIGPIPE` (the harness then checks every frame came back).
pub fn pipe_readers_killed() -> Verdict {
    const WRITERS: usize = 8;
    const READERS: usize = 2;
    let (r, w) = make_pipe(0)?;
    let mut writers = Vec::new();
    for id in 0..WRITERS {
        writers.push(spawn_check("pipe_readers_killed", move || {
            shut(r)?;
            let mut rec = [id as u8 + 1; PIPE_BUF];
            for seq in 0u32.. {
                rec[1..5].copy_from_slice(&seq.to_le_bytes());
                put_all(w, &rec)?;
            }
            unreachable!()
        })?);
    }
    let mut readers = Vec::new();
    for _ in 0..READERS {
        readers.push(spawn_check("pipe_readers_killed", move || {
            shut(w)?;
            let mut rec = [0u8; PIPE_BUF];
            loop {
                let mut got = 0;
                while got < PIPE_BUF {
                    match read(r, &mut rec[got..]) {
                        Ok(0) => bail!("end of file while writers remain"),
                        Ok(n) => got += n,
                        Err(e) => bail!("read: {}", e.name()),
                    }
                }
                let id = rec[0];
                ensure!(
                    (1..=WRITERS as u8).contains(&id) && rec[5..].iter().all(|&b| b == id),
                    "a torn record: it starts with {id}"
                );
            }
        })?);
    }
    shut(r)?;
    shut(w)?;
    nap(200);
    for &reader in &readers {
        expect_alive(reader, "a reader among eight writers")?;
        signal::kill(reader, Some(Signal::SIGKILL)).map_err(|e| format!("kill: {}", e.name()))?;
        expect_signal(reader, Signal::SIGKILL, "a reader")?;
        nap(50);
    }
    for &writer in &writers {
        expect_signal(
            writer,
            Signal::SIGPIPE,
            "a writer after the last reader died",
        )?;
    }
    println!(
        "pipe_readers_killed: {READERS} readers killed among {WRITERS} writers; every writer died \
         of SIGPIPE"
    );
    Ok(())
}

/// Scheduling: two pairs of processes that keep waking each other through pipes (one byte
/// each way, for ever) must not starve a process that computes: it is preempted many times
/// in 300 ms of spinning on the clock and must get the CPU back each time (a scheduler that
/// puts every woken task first never lets it run again, and the harness times out).
pub fn no_starvation() -> Verdict {
    const PAIRS: usize = 2;
    let mut kids = Vec::new();
    for _ in 0..PAIRS {
        let (a_r, a_w) = make_pipe(0)?;
        let (b_r, b_w) = make_pipe(0)?;
        for (input, output, first) in [(a_r, b_w, true), (b_r, a_w, false)] {
            kids.push(spawn_check("no_starvation", move || {
                let mut byte = [0u8; 1];
                if first {
                    put_all(output, &byte)?;
                }
                loop {
                    match read(input, &mut byte) {
                        Ok(1) => put_all(output, &byte)?,
                        other => bail!("ping-pong read gave {other:?}"),
                    }
                }
            })?);
        }
        for fd in [a_r, a_w, b_r, b_w] {
            shut(fd)?;
        }
    }
    let start = ulib::time::Instant::now();
    let mut spins: u64 = 0;
    while start.elapsed() < core::time::Duration::from_millis(300) {
        spins = spins.wrapping_add(1);
    }
    for &kid in &kids {
        expect_alive(kid, "a ping-pong process")?;
        signal::kill(kid, Some(Signal::SIGKILL)).map_err(|e| format!("kill: {}", e.name()))?;
    }
    for &kid in &kids {
        expect_signal(kid, Signal::SIGKILL, "a ping-pong process")?;
    }
    ensure!(spins > 0, "the spinning loop never ran");
    println!(
        "no_starvation: a computing process kept getting the CPU while {} others woke each \
         other",
        2 * PAIRS
    );
    Ok(())
}

/// 10 000 pipes made and closed: every one gets descriptors 3 and 4 (nothing leaks); the
/// harness checks that every frame came back at power-off.
pub fn pipe_cycles() -> Verdict {
    const CYCLES: usize = 10_000;
    for i in 0..CYCLES {
        let (r, w) = pipe2(if i % 2 == 0 {
            0
        } else {
            O_NONBLOCK | O_CLOEXEC
        })
        .map_err(|e| format!("pipe2 #{i} failed: {}", e.name()))?;
        ensure!(
            (r, w) == (3, 4),
            "pipe #{i} got ({r}, {w}), expected (3, 4)"
        );
        if i % 100 == 0 {
            put_all(w, b"some bytes")?;
        }
        shut(w)?;
        shut(r)?;
    }
    println!("pipe_cycles: {CYCLES} pipes made and closed");
    Ok(())
}

/// O_NONBLOCK on both ends: EAGAIN on an empty read and a full write; a small write is all or
/// nothing, a large one takes what fits; F_SETFL turns it on and off.
pub fn nonblock() -> Verdict {
    let (r, w) = make_pipe(O_NONBLOCK)?;
    let mut buf = [0u8; 8192];
    let got = read(r, &mut buf);
    ensure!(got == Err(Errno::EAGAIN), "read of an empty pipe: {got:?}");
    let chunk = [1u8; 1000];
    let mut total = 0;
    loop {
        match ulib::io::write(w, &chunk) {
            Ok(n) => {
                ensure!(n == chunk.len(), "a 1000-byte write returned {n}");
                total += n;
                ensure!(total <= PIPE_CAPACITY, "wrote {total} bytes without EAGAIN");
            }
            Err(Errno::EAGAIN) => break,
            Err(e) => bail!("write after {total} bytes: {}", e.name()),
        }
    }
    ensure!(
        total == PIPE_CAPACITY / 1000 * 1000,
        "EAGAIN after {total} bytes"
    );
    let rest = PIPE_CAPACITY - total;
    let got = ulib::io::write(w, &chunk[..rest]);
    ensure!(got == Ok(rest), "the last {rest} bytes of room: {got:?}");
    let got = ulib::io::write(w, b"z");
    ensure!(
        got == Err(Errno::EAGAIN),
        "a write into a full pipe: {got:?}"
    );
    let got = ulib::io::write(w, &buf);
    ensure!(
        got == Err(Errno::EAGAIN),
        "a large write into a full pipe: {got:?}"
    );
    let got = read(r, &mut buf[..5000]);
    ensure!(got == Ok(5000), "read 5000: {got:?}");
    let got = ulib::io::write(w, &buf);
    ensure!(
        got == Ok(5000),
        "a non-blocking write of 8192 bytes with 5000 free: {got:?}, expected 5000"
    );
    // F_GETFL reports the access mode and O_NONBLOCK; F_SETFL clears it.
    let fl_r = fcntl(r, F_GETFL, 0).map_err(|e| format!("F_GETFL: {}", e.name()))? as u32;
    let fl_w = fcntl(w, F_GETFL, 0).map_err(|e| format!("F_GETFL: {}", e.name()))? as u32;
    ensure!(
        fl_r & O_ACCMODE == 0 && fl_r & O_NONBLOCK != 0,
        "F_GETFL of the read end: {fl_r:#o}"
    );
    ensure!(
        fl_w & O_ACCMODE == O_WRONLY && fl_w & O_NONBLOCK != 0,
        "F_GETFL of the write end: {fl_w:#o}"
    );
    shut(w)?;
    shut(r)?;
    // A blocking pipe made non-blocking with F_SETFL.
    let (r, w) = make_pipe(0)?;
    fcntl(r, F_SETFL, O_NONBLOCK as i32).map_err(|e| format!("F_SETFL: {}", e.name()))?;
    let got = read(r, &mut buf);
    ensure!(
        got == Err(Errno::EAGAIN),
        "read after F_SETFL(O_NONBLOCK): {got:?}"
    );
    fcntl(r, F_SETFL, 0).map_err(|e| format!("F_SETFL(0): {}", e.name()))?;
    let fl = fcntl(r, F_GETFL, 0).map_err(|e| format!("F_GETFL: {}", e.name()))? as u32;
    ensure!(fl & O_NONBLOCK == 0, "O_NONBLOCK still set: {fl:#o}");
    shut(w)?;
    shut(r)?;
    println!("nonblock: EAGAIN on both ends, {PIPE_CAPACITY} bytes of room");
    Ok(())
}

/// A blocked read interrupted by a caught signal fails with EINTR, or restarts with
/// SA_RESTART; a blocked write that moved some bytes returns their count, one that moved
/// none fails with EINTR.
pub fn read_eintr() -> Verdict {
    let (r, w) = make_pipe(0)?;
    let (ready_r, ready_w) = make_pipe(0)?;
    let child = spawn_check("read_eintr", move || {
        shut(w)?;
        shut(ready_r)?;
        let mut b = [0u8; 8];
        set_action(
            Signal::SIGUSR1,
            SigHandler::Handler(count),
            SaFlags::empty(),
        )?;
        put_all(ready_w, b"1")?;
        let got = read(r, &mut b);
        ensure!(
            got == Err(Errno::EINTR),
            "interrupted read: {got:?}, expected EINTR"
        );
        ensure!(
            CAUGHT.load(Ordering::SeqCst) == 1,
            "the handler did not run"
        );
        set_action(
            Signal::SIGUSR1,
            SigHandler::Handler(count),
            SaFlags::SA_RESTART,
        )?;
        put_all(ready_w, b"2")?;
        let got = read(r, &mut b);
        ensure!(
            got == Ok(1) && b[0] == b'x',
            "restarted read: {got:?} {:?}",
            b[0]
        );
        ensure!(
            CAUGHT.load(Ordering::SeqCst) == 2,
            "the handler did not run again"
        );
        // A write that fills the pipe, then blocks, then is interrupted.
        set_action(
            Signal::SIGUSR1,
            SigHandler::Handler(count),
            SaFlags::empty(),
        )?;
        let (r2, w2) = make_pipe(0)?;
        put_all(ready_w, b"3")?;
        let big = alloc::vec![3u8; PIPE_CAPACITY + 5000];
        let got = ulib::io::write(w2, &big);
        ensure!(
            got == Ok(PIPE_CAPACITY),
            "interrupted write with progress: {got:?}, expected {PIPE_CAPACITY}"
        );
        // The pipe is full: a write that moves nothing is EINTR.
        put_all(ready_w, b"4")?;
        let got = ulib::io::write(w2, b"more");
        ensure!(
            got == Err(Errno::EINTR),
            "interrupted write without progress: {got:?}, expected EINTR"
        );
        ensure!(
            CAUGHT.load(Ordering::SeqCst) == 4,
            "the handler did not run four times"
        );
        shut(r2)?;
        shut(w2)
    })?;
    shut(r)?;
    shut(ready_w)?;
    let mut step = [0u8; 1];
    for round in *b"1234" {
        let got = read(ready_r, &mut step);
        ensure!(
            got == Ok(1) && step[0] == round,
            "child's step {round}: {got:?}"
        );
        nap(200);
        signal::kill(child, Some(Signal::SIGUSR1)).map_err(|e| format!("kill: {}", e.name()))?;
        if round == b'2' {
            nap(200);
            put_all(w, b"x")?;
        }
    }
    shut(w)?;
    shut(ready_r)?;
    expect_exit(child, 0, "the blocked child")?;
    println!(
        "read_eintr: EINTR, restart with SA_RESTART, a partial write's count, EINTR for a write"
    );
    Ok(())
}

/// Zero-length reads and writes return 0 and move nothing.
pub fn zero_length() -> Verdict {
    let (r, w) = make_pipe(O_NONBLOCK)?;
    let got = ulib::io::write(w, &[]);
    ensure!(got == Ok(0), "write of 0 bytes: {got:?}");
    let mut b = [0u8; 4];
    let got = read(r, &mut b[..0]);
    ensure!(got == Ok(0), "read of 0 bytes: {got:?}");
    let got = read(r, &mut b);
    ensure!(
        got == Err(Errno::EAGAIN),
        "the pipe is not empty after it: {got:?}"
    );
    let got = ulib::io::write(r, &[]);
    ensure!(
        got == Err(Errno::EBADF),
        "write of 0 bytes to the read end: {got:?}"
    );
    shut(w)?;
    let got = read(r, &mut b[..0]);
    ensure!(got == Ok(0), "read of 0 bytes at end of file: {got:?}");
    shut(r)
}

/// Bad buffers: EFAULT, nothing consumed or moved, no descriptor leaked.
pub fn bad_buffers() -> Verdict {
    const KERNEL: usize = 0xC000_0000;
    let read_only = uapps::raw_calls::READ_ONLY.as_ptr() as usize;
    let (r, w) = make_pipe(O_NONBLOCK)?;
    for addr in [0usize, 1, KERNEL, 0xFFFF_FFF0] {
        let got = sys::write_from(w, addr, 10);
        ensure!(got == Err(Errno::EFAULT), "write from {addr:#x}: {got:?}");
    }
    let mut b = [0u8; 16];
    let got = read(r, &mut b);
    ensure!(
        got == Err(Errno::EAGAIN),
        "a failed write left bytes: {got:?}"
    );
    put_all(w, b"hello")?;
    for addr in [0usize, 1, KERNEL, 0xFFFF_FFF0, read_only] {
        let got = sys::read_into_bad(r, addr, 5);
        ensure!(got == Err(Errno::EFAULT), "read into {addr:#x}: {got:?}");
    }
    ensure!(
        uapps::raw_calls::READ_ONLY == uapps::raw_calls::READ_ONLY_VALUE,
        "read-only data changed"
    );
    let got = read(r, &mut b);
    ensure!(
        got == Ok(5) && &b[..5] == b"hello",
        "after the failed reads: {got:?} {:?} (a failed read must consume nothing)",
        &b[..5]
    );
    for addr in [0usize, KERNEL, read_only, 0xFFFF_FFFC] {
        let got = sys::pipe2_at(addr, 0);
        ensure!(got == Err(Errno::EFAULT), "pipe2 into {addr:#x}: {got:?}");
    }
    shut(w)?;
    shut(r)?;
    let (r, w) = make_pipe(0)?;
    ensure!(
        (r, w) == (3, 4),
        "after the failed pipe2 calls the next pipe got ({r}, {w}): descriptors leaked"
    );
    shut(w)?;
    shut(r)?;
    println!("bad_buffers: EFAULT, nothing consumed, nothing leaked");
    Ok(())
}
