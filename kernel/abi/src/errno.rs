//! Error numbers (Linux i386 values) and the one encoding of system call results.
//!
//! A system call returns its result in `eax`. A value in -4095..=-1 (as a signed word) is a
//! negated [`Errno`]; anything else is success. The kernel's handlers return
//! `Result<usize, Errno>` and [`encode_result`] is the only place that turns an error into
//! `-errno`; user space decodes with [`decode_result`].

use core::fmt;

/// The largest error number the result encoding can carry (Linux's `MAX_ERRNO`).
pub const MAX_ERRNO: i32 = 4095;

/// A system call error, with the Linux i386 number as its discriminant.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Errno {
    /// Operation not permitted.
    EPERM = 1,
    /// No such file or directory.
    ENOENT = 2,
    /// No such process.
    ESRCH = 3,
    /// Interrupted system call.
    EINTR = 4,
    /// Input/output error.
    EIO = 5,
    /// No such device or address.
    ENXIO = 6,
    /// Argument list too long.
    E2BIG = 7,
    /// Exec format error.
    ENOEXEC = 8,
    /// Bad file descriptor.
    EBADF = 9,
    /// No child processes.
    ECHILD = 10,
    /// Resource temporarily unavailable.
    EAGAIN = 11,
    /// Cannot allocate memory.
    ENOMEM = 12,
    /// Permission denied.
    EACCES = 13,
    /// Bad address.
    EFAULT = 14,
    /// Block device required.
    ENOTBLK = 15,
    /// Device or resource busy.
    EBUSY = 16,
    /// File exists.
    EEXIST = 17,
    /// Invalid cross-device link.
    EXDEV = 18,
    /// No such device.
    ENODEV = 19,
    /// Not a directory.
    ENOTDIR = 20,
    /// Is a directory.
    EISDIR = 21,
    /// Invalid argument.
    EINVAL = 22,
    /// Too many open files in system.
    ENFILE = 23,
    /// Too many open files.
    EMFILE = 24,
    /// Inappropriate ioctl for device.
    ENOTTY = 25,
    /// Text file busy.
    ETXTBSY = 26,
    /// File too large.
    EFBIG = 27,
    /// No space left on device.
    ENOSPC = 28,
    /// Illegal seek.
    ESPIPE = 29,
    /// Read-only file system.
    EROFS = 30,
    /// Too many links.
    EMLINK = 31,
    /// Broken pipe.
    EPIPE = 32,
    /// Numerical argument out of domain.
    EDOM = 33,
    /// Numerical result out of range.
    ERANGE = 34,
    /// Resource deadlock avoided.
    EDEADLK = 35,
    /// File name too long.
    ENAMETOOLONG = 36,
    /// No locks available.
    ENOLCK = 37,
    /// Function not implemented.
    ENOSYS = 38,
    /// Directory not empty.
    ENOTEMPTY = 39,
    /// Too many levels of symbolic links.
    ELOOP = 40,
}

impl Errno {
    /// Every error number, in ascending order.
    pub const ALL: [Errno; 40] = [
        Errno::EPERM,
        Errno::ENOENT,
        Errno::ESRCH,
        Errno::EINTR,
        Errno::EIO,
        Errno::ENXIO,
        Errno::E2BIG,
        Errno::ENOEXEC,
        Errno::EBADF,
        Errno::ECHILD,
        Errno::EAGAIN,
        Errno::ENOMEM,
        Errno::EACCES,
        Errno::EFAULT,
        Errno::ENOTBLK,
        Errno::EBUSY,
        Errno::EEXIST,
        Errno::EXDEV,
        Errno::ENODEV,
        Errno::ENOTDIR,
        Errno::EISDIR,
        Errno::EINVAL,
        Errno::ENFILE,
        Errno::EMFILE,
        Errno::ENOTTY,
        Errno::ETXTBSY,
        Errno::EFBIG,
        Errno::ENOSPC,
        Errno::ESPIPE,
        Errno::EROFS,
        Errno::EMLINK,
        Errno::EPIPE,
        Errno::EDOM,
        Errno::ERANGE,
        Errno::EDEADLK,
        Errno::ENAMETOOLONG,
        Errno::ENOLCK,
        Errno::ENOSYS,
        Errno::ENOTEMPTY,
        Errno::ELOOP,
    ];

    /// The error with Linux number `raw`, or `None` if this ABI does not define it.
    pub const fn from_raw(raw: i32) -> Option<Errno> {
        Some(match raw {
            1 => Errno::EPERM,
            2 => Errno::ENOENT,
            3 => Errno::ESRCH,
            4 => Errno::EINTR,
            5 => Errno::EIO,
            6 => Errno::ENXIO,
            7 => Errno::E2BIG,
            8 => Errno::ENOEXEC,
            9 => Errno::EBADF,
            10 => Errno::ECHILD,
            11 => Errno::EAGAIN,
            12 => Errno::ENOMEM,
            13 => Errno::EACCES,
            14 => Errno::EFAULT,
            15 => Errno::ENOTBLK,
            16 => Errno::EBUSY,
            17 => Errno::EEXIST,
            18 => Errno::EXDEV,
            19 => Errno::ENODEV,
            20 => Errno::ENOTDIR,
            21 => Errno::EISDIR,
            22 => Errno::EINVAL,
            23 => Errno::ENFILE,
            24 => Errno::EMFILE,
            25 => Errno::ENOTTY,
            26 => Errno::ETXTBSY,
            27 => Errno::EFBIG,
            28 => Errno::ENOSPC,
            29 => Errno::ESPIPE,
            30 => Errno::EROFS,
            31 => Errno::EMLINK,
            32 => Errno::EPIPE,
            33 => Errno::EDOM,
            34 => Errno::ERANGE,
            35 => Errno::EDEADLK,
            36 => Errno::ENAMETOOLONG,
            37 => Errno::ENOLCK,
            38 => Errno::ENOSYS,
            39 => Errno::ENOTEMPTY,
            40 => Errno::ELOOP,
            _ => return None,
        })
    }

    /// The Linux number (`Errno::ENOENT.as_raw() == 2`).
    pub const fn as_raw(self) -> i32 {
        self as i32
    }

    /// The symbolic name (`"ENOENT"`).
    pub const fn name(self) -> &'static str {
        match self {
            Errno::EPERM => "EPERM",
            Errno::ENOENT => "ENOENT",
            Errno::ESRCH => "ESRCH",
            Errno::EINTR => "EINTR",
            Errno::EIO => "EIO",
            Errno::ENXIO => "ENXIO",
            Errno::E2BIG => "E2BIG",
            Errno::ENOEXEC => "ENOEXEC",
            Errno::EBADF => "EBADF",
            Errno::ECHILD => "ECHILD",
            Errno::EAGAIN => "EAGAIN",
            Errno::ENOMEM => "ENOMEM",
            Errno::EACCES => "EACCES",
            Errno::EFAULT => "EFAULT",
            Errno::ENOTBLK => "ENOTBLK",
            Errno::EBUSY => "EBUSY",
            Errno::EEXIST => "EEXIST",
            Errno::EXDEV => "EXDEV",
            Errno::ENODEV => "ENODEV",
            Errno::ENOTDIR => "ENOTDIR",
            Errno::EISDIR => "EISDIR",
            Errno::EINVAL => "EINVAL",
            Errno::ENFILE => "ENFILE",
            Errno::EMFILE => "EMFILE",
            Errno::ENOTTY => "ENOTTY",
            Errno::ETXTBSY => "ETXTBSY",
            Errno::EFBIG => "EFBIG",
            Errno::ENOSPC => "ENOSPC",
            Errno::ESPIPE => "ESPIPE",
            Errno::EROFS => "EROFS",
            Errno::EMLINK => "EMLINK",
            Errno::EPIPE => "EPIPE",
            Errno::EDOM => "EDOM",
            Errno::ERANGE => "ERANGE",
            Errno::EDEADLK => "EDEADLK",
            Errno::ENAMETOOLONG => "ENAMETOOLONG",
            Errno::ENOLCK => "ENOLCK",
            Errno::ENOSYS => "ENOSYS",
            Errno::ENOTEMPTY => "ENOTEMPTY",
            Errno::ELOOP => "ELOOP",
        }
    }

    /// The glibc message (`"No such file or directory"`).
    pub const fn message(self) -> &'static str {
        match self {
            Errno::EPERM => "Operation not permitted",
            Errno::ENOENT => "No such file or directory",
            Errno::ESRCH => "No such process",
            Errno::EINTR => "Interrupted system call",
            Errno::EIO => "Input/output error",
            Errno::ENXIO => "No such device or address",
            Errno::E2BIG => "Argument list too long",
            Errno::ENOEXEC => "Exec format error",
            Errno::EBADF => "Bad file descriptor",
            Errno::ECHILD => "No child processes",
            Errno::EAGAIN => "Resource temporarily unavailable",
            Errno::ENOMEM => "Cannot allocate memory",
            Errno::EACCES => "Permission denied",
            Errno::EFAULT => "Bad address",
            Errno::ENOTBLK => "Block device required",
            Errno::EBUSY => "Device or resource busy",
            Errno::EEXIST => "File exists",
            Errno::EXDEV => "Invalid cross-device link",
            Errno::ENODEV => "No such device",
            Errno::ENOTDIR => "Not a directory",
            Errno::EISDIR => "Is a directory",
            Errno::EINVAL => "Invalid argument",
            Errno::ENFILE => "Too many open files in system",
            Errno::EMFILE => "Too many open files",
            Errno::ENOTTY => "Inappropriate ioctl for device",
            Errno::ETXTBSY => "Text file busy",
            Errno::EFBIG => "File too large",
            Errno::ENOSPC => "No space left on device",
            Errno::ESPIPE => "Illegal seek",
            Errno::EROFS => "Read-only file system",
            Errno::EMLINK => "Too many links",
            Errno::EPIPE => "Broken pipe",
            Errno::EDOM => "Numerical argument out of domain",
            Errno::ERANGE => "Numerical result out of range",
            Errno::EDEADLK => "Resource deadlock avoided",
            Errno::ENAMETOOLONG => "File name too long",
            Errno::ENOLCK => "No locks available",
            Errno::ENOSYS => "Function not implemented",
            Errno::ENOTEMPTY => "Directory not empty",
            Errno::ELOOP => "Too many levels of symbolic links",
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Decodes a raw system call result (the signed value of `eax`).
///
/// Values in -4095..=-1 are errors. A negative value in that range that this ABI does not
/// name (the kernel never produces one) decodes as [`Errno::EIO`], a generic I/O failure,
/// rather than being mistaken for success. Every other value is success and is returned as
/// the unsigned word it is (so an address above 2 GiB survives).
pub const fn decode_result(raw: isize) -> Result<usize, Errno> {
    if raw < 0 && raw >= -(MAX_ERRNO as isize) {
        match Errno::from_raw(-raw as i32) {
            Some(e) => Err(e),
            None => Err(Errno::EIO),
        }
    } else {
        Ok(raw as usize)
    }
}

/// Encodes a handler's result for `eax`: the value itself, or `-errno` for an error.
///
/// The one place the kernel turns an [`Errno`] into a negative number. A successful value
/// must not fall in the error range (the top 4095 values of the word); no call of this ABI
/// returns one, as user space ends at 3 GiB.
pub const fn encode_result(r: Result<usize, Errno>) -> usize {
    match r {
        Ok(v) => v,
        Err(e) => (-(e.as_raw() as isize)) as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_linux_i386() {
        assert_eq!(Errno::EPERM as i32, 1);
        assert_eq!(Errno::ENOENT as i32, 2);
        assert_eq!(Errno::ESRCH as i32, 3);
        assert_eq!(Errno::EIO as i32, 5);
        assert_eq!(Errno::E2BIG as i32, 7);
        assert_eq!(Errno::ENOEXEC as i32, 8);
        assert_eq!(Errno::ECHILD as i32, 10);
        assert_eq!(Errno::EAGAIN as i32, 11);
        assert_eq!(Errno::ENOMEM as i32, 12);
        assert_eq!(Errno::EFAULT as i32, 14);
        assert_eq!(Errno::EINVAL as i32, 22);
        assert_eq!(Errno::ERANGE as i32, 34);
        assert_eq!(Errno::ENAMETOOLONG as i32, 36);
        assert_eq!(Errno::ENOSYS as i32, 38);
        assert_eq!(Errno::ELOOP as i32, 40);
    }

    #[test]
    fn raw_round_trip_covers_1_to_40() {
        assert_eq!(Errno::ALL.len(), 40);
        for raw in 1..=40 {
            let e = Errno::from_raw(raw).expect("1..=40 are all defined");
            assert_eq!(e.as_raw(), raw);
            assert_eq!(Errno::ALL[(raw - 1) as usize], e);
        }
        assert_eq!(Errno::from_raw(0), None);
        assert_eq!(Errno::from_raw(41), None);
        assert_eq!(Errno::from_raw(-2), None);
    }

    #[test]
    fn names_and_messages() {
        assert_eq!(Errno::ENOENT.name(), "ENOENT");
        assert_eq!(Errno::ENOENT.message(), "No such file or directory");
        assert_eq!(Errno::ENOSYS.to_string(), "Function not implemented");
        assert_eq!(Errno::EAGAIN.message(), "Resource temporarily unavailable");
        for e in Errno::ALL {
            assert!(e.name().starts_with('E'), "{e:?}");
            assert_eq!(format!("{e:?}"), e.name());
            assert!(!e.message().is_empty());
        }
        let mut names: Vec<_> = Errno::ALL.iter().map(|e| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Errno::ALL.len());
    }

    #[test]
    fn result_encoding_round_trips() {
        for e in Errno::ALL {
            let raw = encode_result(Err(e));
            assert_eq!(raw as isize, -(e as isize));
            assert_eq!(decode_result(raw as isize), Err(e));
        }
        for v in [0usize, 1, 42, 0x4000_0000, 0xBFFF_FFFF, usize::MAX - 4095] {
            assert_eq!(encode_result(Ok(v)), v);
            assert_eq!(decode_result(v as isize), Ok(v));
        }
    }

    #[test]
    fn decode_boundaries() {
        assert_eq!(decode_result(-1), Err(Errno::EPERM));
        assert_eq!(decode_result(-38), Err(Errno::ENOSYS));
        // Unnamed numbers inside the error range are still errors.
        assert_eq!(decode_result(-41), Err(Errno::EIO));
        assert_eq!(decode_result(-4095), Err(Errno::EIO));
        // Just below the error range is a successful (large unsigned) value.
        assert_eq!(decode_result(-4096), Ok((-4096isize) as usize));
        assert_eq!(decode_result(isize::MIN), Ok(isize::MIN as usize));
    }
}
