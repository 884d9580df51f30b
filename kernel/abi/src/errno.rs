//! Error numbers (Linux i386 values) and the one encoding of system call results.
//!
//! A system call returns its result in `eax`. A value in -4095..=-1 (as a signed word) is a
//! negated [`Errno`]; anything else is success. The kernel's handlers return
//! `Result<usize, Errno>` and [`encode_result`] is the only place that turns an error into
//! `-errno`; user space decodes with [`decode_result`].

use core::fmt;

/// The largest error number the result encoding can carry (Linux's `MAX_ERRNO`).
pub const MAX_ERRNO: i32 = 4095;

/// Defines [`Errno`] and its tables from one list of `NAME = value, "message";` lines.
///
/// Each error is written once; the enum, [`Errno::ALL`], [`Errno::from_raw`],
/// [`Errno::name`] and [`Errno::message`] are all expanded from the same line, so they
/// cannot disagree. The C shim's `errno.h` and `strerror` table are generated from
/// [`Errno::ALL`] (see the `syscall-gen` crate).
macro_rules! errnos {
    ($($name:ident = $value:literal, $message:literal;)+) => {
        /// A system call error, with the Linux i386 number as its discriminant.
        #[repr(i32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Errno {
            $(
                #[doc = concat!($message, " (`", $value, "`).")]
                $name = $value,
            )+
        }

        impl Errno {
            /// Every error number, in ascending order.
            pub const ALL: [Errno; [$($value),+].len()] = [$(Errno::$name),+];

            /// The error with Linux number `raw`, or `None` if this ABI does not define it.
            pub const fn from_raw(raw: i32) -> Option<Errno> {
                match raw {
                    $($value => Some(Errno::$name),)+
                    _ => None,
                }
            }

            /// The symbolic name (`"ENOENT"`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Errno::$name => stringify!($name),)+
                }
            }

            /// The glibc message (`"No such file or directory"`).
            pub const fn message(self) -> &'static str {
                match self {
                    $(Errno::$name => $message,)+
                }
            }
        }
    };
}

// The one list of error numbers: Linux i386 values and glibc's messages. The kernel returns
// most of them; EOVERFLOW comes only from the C shim's printf.
errnos! {
    EPERM = 1, "Operation not permitted";
    ENOENT = 2, "No such file or directory";
    ESRCH = 3, "No such process";
    EINTR = 4, "Interrupted system call";
    EIO = 5, "Input/output error";
    ENXIO = 6, "No such device or address";
    E2BIG = 7, "Argument list too long";
    ENOEXEC = 8, "Exec format error";
    EBADF = 9, "Bad file descriptor";
    ECHILD = 10, "No child processes";
    EAGAIN = 11, "Resource temporarily unavailable";
    ENOMEM = 12, "Cannot allocate memory";
    EACCES = 13, "Permission denied";
    EFAULT = 14, "Bad address";
    ENOTBLK = 15, "Block device required";
    EBUSY = 16, "Device or resource busy";
    EEXIST = 17, "File exists";
    EXDEV = 18, "Invalid cross-device link";
    ENODEV = 19, "No such device";
    ENOTDIR = 20, "Not a directory";
    EISDIR = 21, "Is a directory";
    EINVAL = 22, "Invalid argument";
    ENFILE = 23, "Too many open files in system";
    EMFILE = 24, "Too many open files";
    ENOTTY = 25, "Inappropriate ioctl for device";
    ETXTBSY = 26, "Text file busy";
    EFBIG = 27, "File too large";
    ENOSPC = 28, "No space left on device";
    ESPIPE = 29, "Illegal seek";
    EROFS = 30, "Read-only file system";
    EMLINK = 31, "Too many links";
    EPIPE = 32, "Broken pipe";
    EDOM = 33, "Numerical argument out of domain";
    ERANGE = 34, "Numerical result out of range";
    EDEADLK = 35, "Resource deadlock avoided";
    ENAMETOOLONG = 36, "File name too long";
    ENOLCK = 37, "No locks available";
    ENOSYS = 38, "Function not implemented";
    ENOTEMPTY = 39, "Directory not empty";
    ELOOP = 40, "Too many levels of symbolic links";
    EOVERFLOW = 75, "Value too large for defined data type";
}

impl Errno {
    /// Other names C programs know for some errors (`EWOULDBLOCK` is `EAGAIN` on Linux).
    pub const ALIASES: [(&'static str, Errno); 1] = [("EWOULDBLOCK", Errno::EAGAIN)];

    /// The Linux number (`Errno::ENOENT.as_raw() == 2`).
    pub const fn as_raw(self) -> i32 {
        self as i32
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

    /// Linux's numbers (include/uapi/asm-generic/errno-base.h and errno.h), written out
    /// independently of the list above so that a typo in either shows up.
    const LINUX: [(&str, i32); 41] = [
        ("EPERM", 1),
        ("ENOENT", 2),
        ("ESRCH", 3),
        ("EINTR", 4),
        ("EIO", 5),
        ("ENXIO", 6),
        ("E2BIG", 7),
        ("ENOEXEC", 8),
        ("EBADF", 9),
        ("ECHILD", 10),
        ("EAGAIN", 11),
        ("ENOMEM", 12),
        ("EACCES", 13),
        ("EFAULT", 14),
        ("ENOTBLK", 15),
        ("EBUSY", 16),
        ("EEXIST", 17),
        ("EXDEV", 18),
        ("ENODEV", 19),
        ("ENOTDIR", 20),
        ("EISDIR", 21),
        ("EINVAL", 22),
        ("ENFILE", 23),
        ("EMFILE", 24),
        ("ENOTTY", 25),
        ("ETXTBSY", 26),
        ("EFBIG", 27),
        ("ENOSPC", 28),
        ("ESPIPE", 29),
        ("EROFS", 30),
        ("EMLINK", 31),
        ("EPIPE", 32),
        ("EDOM", 33),
        ("ERANGE", 34),
        ("EDEADLK", 35),
        ("ENAMETOOLONG", 36),
        ("ENOLCK", 37),
        ("ENOSYS", 38),
        ("ENOTEMPTY", 39),
        ("ELOOP", 40),
        ("EOVERFLOW", 75),
    ];

    #[test]
    fn values_are_linux_i386() {
        assert_eq!(Errno::ALL.len(), LINUX.len());
        for (e, (name, value)) in Errno::ALL.iter().zip(LINUX) {
            assert_eq!((e.name(), e.as_raw()), (name, value));
        }
    }

    #[test]
    fn each_error_is_listed_once_in_ascending_order() {
        for pair in Errno::ALL.windows(2) {
            assert!(pair[0].as_raw() < pair[1].as_raw(), "{pair:?}");
        }
        let mut names: Vec<_> = Errno::ALL.iter().map(|e| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Errno::ALL.len());
    }

    #[test]
    fn raw_round_trip() {
        for e in Errno::ALL {
            assert_eq!(Errno::from_raw(e.as_raw()), Some(e));
        }
        for raw in -2..=200 {
            let listed = Errno::ALL.iter().any(|e| e.as_raw() == raw);
            assert_eq!(Errno::from_raw(raw).is_some(), listed, "{raw}");
        }
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
    }

    #[test]
    fn aliases_name_listed_errors_by_other_names() {
        for (alias, e) in Errno::ALIASES {
            assert!(Errno::ALL.iter().all(|listed| listed.name() != alias));
            assert!(Errno::ALL.contains(&e));
        }
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
