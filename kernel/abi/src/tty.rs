//! Terminals: Linux's i386 `ioctl` request numbers and its kernel `struct termios`.

/// `ioctl`: store the terminal's settings (`struct termios`).
pub const TCGETS: u32 = 0x5401;
/// `ioctl`: change the terminal's settings at once.
pub const TCSETS: u32 = 0x5402;
/// `ioctl`: store the terminal's foreground process group.
pub const TIOCGPGRP: u32 = 0x540f;
/// `ioctl`: make a process group the terminal's foreground group.
pub const TIOCSPGRP: u32 = 0x5410;
/// `ioctl`: change the settings once output is drained (`tcsetattr(TCSADRAIN)`).
pub const TCSETSW: u32 = 0x5403;
/// `ioctl`: change the settings once output is drained, discarding unread input
/// (`tcsetattr(TCSAFLUSH)`).
pub const TCSETSF: u32 = 0x5404;
/// `ioctl`: wait until output is drained (`tcdrain`: argument 1); with argument 0 also send a
/// break.
pub const TCSBRK: u32 = 0x5409;
/// `ioctl`: discard unread input ([`TCIFLUSH`]), unsent output ([`TCOFLUSH`]) or both
/// ([`TCIOFLUSH`]) (`tcflush`).
pub const TCFLSH: u32 = 0x540b;
/// `ioctl`: store the terminal's size (`struct winsize`: rows, columns, and two pixel sizes,
/// four `u16`).
pub const TIOCGWINSZ: u32 = 0x5413;
/// `ioctl`: set the terminal's size; the foreground group gets `SIGWINCH` when it changes.
pub const TIOCSWINSZ: u32 = 0x5414;
/// `ioctl`: store how many bytes a `read` could take now (an `int`).
pub const FIONREAD: u32 = 0x541b;
/// `ioctl`: make the terminal the caller's controlling terminal; the caller must lead a
/// session that has none. Argument 1 takes it from the session that has it (Linux allows
/// that to the superuser, which every process is here).
pub const TIOCSCTTY: u32 = 0x540e;
/// `ioctl`: give up the controlling terminal; for a session leader the whole session loses
/// it and the foreground group gets `SIGHUP` and `SIGCONT`.
pub const TIOCNOTTY: u32 = 0x5422;
/// `ioctl`: store the session the terminal controls (`tcgetsid`, a `pid_t`).
pub const TIOCGSID: u32 = 0x5429;

/// [`TCFLSH`]'s argument: discard unread input.
pub const TCIFLUSH: u32 = 0;
/// [`TCFLSH`]'s argument: discard unsent output.
pub const TCOFLUSH: u32 = 1;
/// [`TCFLSH`]'s argument: both.
pub const TCIOFLUSH: u32 = 2;

/// `c_iflag`: read CR as NL.
pub const ICRNL: u32 = 0o400;
/// `c_oflag`: process output (without it, bytes go out as they are).
pub const OPOST: u32 = 0o1;
/// `c_oflag`: with `OPOST`, send NL as CR NL.
pub const ONLCR: u32 = 0o4;
/// `c_lflag`: signal characters raise signals.
pub const ISIG: u32 = 0o1;
/// `c_lflag`: canonical mode.
pub const ICANON: u32 = 0o2;
/// `c_lflag`: echo input.
pub const ECHO: u32 = 0o10;

/// Index into `c_cc`: interrupt (^C).
pub const VINTR: usize = 0;
/// Quit (^\).
pub const VQUIT: usize = 1;
/// Erase (DEL).
pub const VERASE: usize = 2;
/// Kill line (^U).
pub const VKILL: usize = 3;
/// End of file (^D).
pub const VEOF: usize = 4;
/// Timeout for non-canonical reads (tenths of a second).
pub const VTIME: usize = 5;
/// Minimum bytes for a non-canonical read.
pub const VMIN: usize = 6;
/// Suspend (^Z).
pub const VSUSP: usize = 10;
/// An extra end-of-line character (0: none).
pub const VEOL: usize = 11;

/// Control characters in [`Termios::c_cc`].
pub const NCCS: usize = 19;

/// Linux's kernel `struct termios` on i386 (36 bytes): the four flag words, the line
/// discipline number and the control characters.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Termios {
    /// Input modes (`ICRNL`, `IXON`, ...).
    pub c_iflag: u32,
    /// Output modes (`OPOST`, `ONLCR`, ...).
    pub c_oflag: u32,
    /// Control modes (speed, `CS8`, `CREAD`, ...).
    pub c_cflag: u32,
    /// Local modes (`ISIG`, `ICANON`, `ECHO`, ...).
    pub c_lflag: u32,
    /// The line discipline (0: N_TTY).
    pub c_line: u8,
    /// Control characters: `VINTR` (0), `VQUIT` (1), `VERASE` (2), `VKILL` (3), `VEOF` (4),
    /// `VTIME` (5), `VMIN` (6), ...
    pub c_cc: [u8; NCCS],
}

const _: () = assert!(core::mem::size_of::<Termios>() == 36);

/// Linux's `struct winsize` (8 bytes): [`TIOCGWINSZ`], [`TIOCSWINSZ`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WinSize {
    /// Rows of characters.
    pub ws_row: u16,
    /// Columns of characters.
    pub ws_col: u16,
    /// Width in pixels (unused: 0).
    pub ws_xpixel: u16,
    /// Height in pixels (unused: 0).
    pub ws_ypixel: u16,
}

impl WinSize {
    /// The console's size until a program sets another: 24 rows of 80 columns.
    pub const CONSOLE: WinSize = WinSize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
}

const _: () = assert!(core::mem::size_of::<WinSize>() == 8);

impl Termios {
    /// A new terminal's settings, Linux's `tty_std_termios`: `ICRNL | IXON` in, `OPOST | ONLCR`
    /// out, 38400 baud `CS8 | CREAD | HUPCL`, and `ISIG | ICANON | ECHO | ECHOE | ECHOK |
    /// ECHOCTL | ECHOKE | IEXTEN` with ^C, ^\, DEL, ^U, ^D, VTIME 0, VMIN 1, ..., ^Z, ^R, ^O,
    /// ^W, ^V.
    pub const fn linux_default() -> Termios {
        Termios {
            c_iflag: 0o2400,
            c_oflag: 0o5,
            c_cflag: 0o2277,
            c_lflag: 0o105073,
            c_line: 0,
            c_cc: [
                3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0,
                0,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_linux() {
        let t = Termios::linux_default();
        assert_eq!(
            (t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag),
            (0x500, 0x5, 0x4bf, 0x8a3b)
        );
        assert_eq!(
            (TCGETS, TCSETS, TIOCGPGRP, TIOCSPGRP),
            (0x5401, 0x5402, 0x540f, 0x5410)
        );
    }
}
