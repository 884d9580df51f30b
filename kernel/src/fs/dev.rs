//! `/dev`: the device nodes the kernel makes in the root file system at
//! boot. A node is a RAM file system inode of type `S_IFCHR` whose tag names
//! the [`Device`]; opening it gives an open file of that device, not of the
//! inode. Lunaix's counterpart is its device file system (`devfs`), where
//! each registered device appears as a node.

use abi::fs::S_IFCHR;

/// A character device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    /// `/dev/console`: the serial console.
    Console,
    /// `/dev/tty`: the caller's controlling terminal, which is the console
    /// (the only terminal); ENXIO for a process without one.
    Tty,
    /// `/dev/null`: reads end at once, writes vanish.
    Null,
    /// `/dev/zero`: reads give zeros, writes vanish.
    Zero,
}

impl Device {
    /// Every device, with its name under `/dev` and its permission bits.
    pub const ALL: [(Device, &'static str, u32); 4] = [
        (Device::Console, "console", 0o600),
        (Device::Tty, "tty", 0o666),
        (Device::Null, "null", 0o666),
        (Device::Zero, "zero", 0o666),
    ];

    /// The tag kept in the node (Linux's old `major << 8 | minor`).
    pub const fn tag(self) -> u32 {
        let (major, minor) = match self {
            Device::Console => (5, 1),
            Device::Tty => (5, 0),
            Device::Null => (1, 3),
            Device::Zero => (1, 5),
        };
        major << 8 | minor
    }

    /// The device a node's tag names.
    pub fn from_tag(tag: u32) -> Option<Device> {
        Device::ALL
            .iter()
            .map(|&(device, _, _)| device)
            .find(|device| device.tag() == tag)
    }

    /// The node's full mode.
    pub const fn node_mode(perm: u32) -> u32 {
        S_IFCHR | perm
    }

    /// Whether it is a terminal (answers `TCGETS`).
    pub fn is_terminal(self) -> bool {
        matches!(self, Device::Console | Device::Tty)
    }
}
