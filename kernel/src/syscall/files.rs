//! The file system calls: descriptors (read, write, close, dup, dup2,
//! pipe2, fcntl, lseek, getdents64, fstat, ioctl) and names (open, stat,
//! mkdir, rmdir, unlink, rename, chdir, getcwd). The work is done in fs/;
//! these read the arguments from user memory and pick the open file.

use alloc::string::String;
use alloc::sync::Arc;

use abi::errno::Errno;
use abi::fs::{
    FdPair, Stat, FD_CLOEXEC, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL,
    O_CLOEXEC, O_NONBLOCK,
};

use super::SyscallContext;
use crate::fs::{self, OpenFile};
use crate::mm::{user, In, Out, UserAddr, UserPtr, UserSlice};

pub fn sys_write(ctx: &mut SyscallContext, fd: i32, buf: UserSlice<In>) -> Result<usize, Errno> {
    let file = open_file(ctx, fd)?;
    file.write(ctx.process(), buf)
}

pub fn sys_read(ctx: &mut SyscallContext, fd: i32, buf: UserSlice<Out>) -> Result<usize, Errno> {
    let file = open_file(ctx, fd)?;
    file.read(ctx.process(), buf)
}

/// The open file `fd` refers to (a reference of its own: the descriptor may
/// be closed while the call runs).
fn open_file(ctx: &SyscallContext, fd: i32) -> Result<Arc<OpenFile>, Errno> {
    ctx.process().files.lock().get(fd).cloned()
}

pub fn sys_close(ctx: &mut SyscallContext, fd: i32) -> Result<usize, Errno> {
    let file = ctx.process().files.lock().close(fd)?;
    drop(file); // with no lock held
    Ok(0)
}

pub fn sys_dup(ctx: &mut SyscallContext, fd: i32) -> Result<usize, Errno> {
    ctx.process().files.lock().dup(fd).map(|fd| fd as usize)
}

pub fn sys_dup2(ctx: &mut SyscallContext, oldfd: i32, newfd: i32) -> Result<usize, Errno> {
    let (fd, replaced) = ctx.process().files.lock().dup2(oldfd, newfd)?;
    drop(replaced); // with no lock held
    Ok(fd as usize)
}

pub fn sys_pipe2(
    ctx: &mut SyscallContext,
    fds: UserPtr<FdPair>,
    flags: u32,
) -> Result<usize, Errno> {
    if flags & !(O_CLOEXEC | O_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    let process = ctx.process();
    let (read, write) = OpenFile::pipe(flags)?;
    let (r, w) = process
        .files
        .lock()
        .insert_pair(read, write, flags & O_CLOEXEC != 0)?;
    let stored = fds.write(process.lock().space()?, FdPair { read: r, write: w });
    if let Err(e) = stored {
        // Nobody learned the numbers: undo.
        let mut files = process.files.lock();
        let ends = (files.close(r), files.close(w));
        drop(files);
        drop(ends);
        return Err(e);
    }
    Ok(0)
}

pub fn sys_fcntl(ctx: &mut SyscallContext, fd: i32, cmd: i32, arg: u32) -> Result<usize, Errno> {
    let process = ctx.process();
    let mut files = process.files.lock();
    // The descriptor first, whatever the command (as Linux does).
    files.get(fd)?;
    match cmd {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            let min = i32::try_from(arg).map_err(|_| Errno::EINVAL)?;
            files
                .fcntl_dupfd(fd, min, cmd == F_DUPFD_CLOEXEC)
                .map(|fd| fd as usize)
        }
        F_GETFD => files
            .cloexec(fd)
            .map(|on| if on { FD_CLOEXEC as usize } else { 0 }),
        F_SETFD => files.set_cloexec(fd, arg & FD_CLOEXEC != 0).map(|()| 0),
        F_GETFL => files.get(fd).map(|file| file.status() as usize),
        F_SETFL => files.get(fd).map(|file| {
            file.set_status(arg);
            0
        }),
        _ => Err(Errno::EINVAL),
    }
}

/// A path argument: at most `MAX_PATH_LEN` bytes before its NUL
/// (ENAMETOOLONG), readable (EFAULT). Names are UTF-8; a path that is not
/// names nothing (ENOENT).
fn read_path(ctx: &SyscallContext, path: UserAddr) -> Result<String, Errno> {
    let bytes = {
        let mut inner = ctx.process().lock();
        user::read_c_string(
            inner.space()?,
            path,
            abi::limits::MAX_PATH_LEN,
            Errno::ENAMETOOLONG,
        )?
    };
    String::from_utf8(bytes).map_err(|_| Errno::ENOENT)
}

pub fn sys_open(
    ctx: &mut SyscallContext,
    path: UserAddr,
    flags: u32,
    mode: u32,
) -> Result<usize, Errno> {
    let path = read_path(ctx, path)?;
    let process = ctx.process();
    // No number free: fail before the open creates or truncates anything
    // (the process has one thread, so none can be taken meanwhile).
    if process.files.lock().len() >= klib::fdtable::MAX_FDS {
        return Err(Errno::EMFILE);
    }
    let file = fs::open(process, &path, flags, mode)?;
    let fd = process
        .files
        .lock()
        .insert_lowest(file, flags & O_CLOEXEC != 0, 0);
    // Should the table fail to grow (ENOMEM), the new description is dropped
    // inside the descriptor lock: its release takes the file system's lock,
    // which comes after that one.
    fd.map(|fd| fd as usize)
}

pub fn sys_lseek(
    ctx: &mut SyscallContext,
    fd: i32,
    high: u32,
    low: u32,
    pos: UserPtr<i64>,
    whence: i32,
) -> Result<usize, Errno> {
    let file = open_file(ctx, fd)?;
    let offset = ((u64::from(high) << 32) | u64::from(low)) as i64;
    let new = file.seek(offset, whence)?;
    pos.write(ctx.process().lock().space()?, new)?;
    Ok(0)
}

pub fn sys_getdents64(
    ctx: &mut SyscallContext,
    fd: i32,
    buf: UserSlice<Out>,
) -> Result<usize, Errno> {
    let file = open_file(ctx, fd)?;
    file.read_dir(ctx.process(), buf)
}

pub fn sys_fstat(ctx: &mut SyscallContext, fd: i32, buf: UserPtr<Stat>) -> Result<usize, Errno> {
    let st = open_file(ctx, fd)?.stat()?;
    buf.write(ctx.process().lock().space()?, st)?;
    Ok(0)
}

pub fn sys_stat(
    ctx: &mut SyscallContext,
    path: UserAddr,
    buf: UserPtr<Stat>,
) -> Result<usize, Errno> {
    let path = read_path(ctx, path)?;
    let st = fs::stat(ctx.process(), &path)?;
    buf.write(ctx.process().lock().space()?, st)?;
    Ok(0)
}

pub fn sys_ioctl(
    ctx: &mut SyscallContext,
    fd: i32,
    request: u32,
    arg: UserAddr,
) -> Result<usize, Errno> {
    let file = open_file(ctx, fd)?;
    if !file.is_terminal() {
        return Err(Errno::ENOTTY);
    }
    crate::tty::ioctl(ctx.process(), request, arg)
}

pub fn sys_mkdir(ctx: &mut SyscallContext, path: UserAddr, mode: u32) -> Result<usize, Errno> {
    let path = read_path(ctx, path)?;
    fs::mkdir(ctx.process(), &path, mode).map(|()| 0)
}

pub fn sys_rmdir(ctx: &mut SyscallContext, path: UserAddr) -> Result<usize, Errno> {
    let path = read_path(ctx, path)?;
    fs::rmdir(ctx.process(), &path).map(|()| 0)
}

pub fn sys_unlink(ctx: &mut SyscallContext, path: UserAddr) -> Result<usize, Errno> {
    let path = read_path(ctx, path)?;
    fs::unlink(ctx.process(), &path).map(|()| 0)
}

pub fn sys_rename(
    ctx: &mut SyscallContext,
    oldpath: UserAddr,
    newpath: UserAddr,
) -> Result<usize, Errno> {
    let old = read_path(ctx, oldpath)?;
    let new = read_path(ctx, newpath)?;
    fs::rename(ctx.process(), &old, &new).map(|()| 0)
}

pub fn sys_chdir(ctx: &mut SyscallContext, path: UserAddr) -> Result<usize, Errno> {
    let path = read_path(ctx, path)?;
    fs::chdir(ctx.process(), &path).map(|()| 0)
}

pub fn sys_getcwd(ctx: &mut SyscallContext, buf: UserSlice<Out>) -> Result<usize, Errno> {
    let path = fs::getcwd(ctx.process())?;
    let len = path.len() + 1;
    if buf.len() < len {
        return Err(Errno::ERANGE);
    }
    let mut inner = ctx.process().lock();
    let space = inner.space()?;
    buf.write_from(space, path.as_bytes())?;
    buf.sub(path.len(), 1).write_from(space, &[0])?;
    Ok(len)
}
