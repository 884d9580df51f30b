//! What the system-call fuzzers (`hostile raw_fuzz` and `sysfuzz`) share: a seeded,
//! reproducible random-number generator, the pool of argument values at the edges that
//! kernels get wrong, and the decoding of a raw result.

use ulib::layout::{KERNEL_BASE, USER_STACK_LIMIT, USER_STACK_TOP};

/// splitmix64: a tiny, fast generator whose whole state is one `u64`, so a run is reproduced
/// from the seed it prints.
#[derive(Clone, Copy, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started at `seed`.
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// A generator for the `stream`th of several processes fuzzing with one seed: each is
    /// reproducible, and no stream is another shifted by a few steps (as a start of
    /// `seed ^ k * increment` would make it: the state only ever adds the increment).
    pub const fn stream(seed: u64, stream: u64) -> SplitMix64 {
        SplitMix64::new(mix(seed ^ mix(stream.wrapping_add(1))))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True once in `one_in` times on average.
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    /// One element of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// splitmix64's output function: every bit of `z` affects every bit of the result.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Argument values at the edges: zero and small numbers, -1 and its neighbours, page sizes
/// and their neighbours, the signed limits, and addresses around the user/kernel boundary
/// (`KERNEL_BASE`, and the kernel image 1 MiB above it), the top of the stack and the bottom
/// of its region (from `ulib::layout`).
pub const EDGE_VALUES: [u32; 32] = [
    0,
    1,
    2,
    3,
    4,
    7,
    0xFF,
    0x100,
    0xFFF,
    0x1000,
    0x1001,
    0xFFFF,
    0x1_0000,
    0x1_0001,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0xFFFF_FFFE,
    0xFFFF_FFFC,
    0xFFFF_F000,
    0x4000_0000,
    0x7000_0000,
    USER_STACK_LIMIT,
    USER_STACK_LIMIT - 1,
    USER_STACK_TOP - (1 << 20),
    USER_STACK_TOP - 1,
    USER_STACK_TOP - 4,
    KERNEL_BASE,
    KERNEL_BASE + 1,
    KERNEL_BASE + (1 << 20),
    0xDEAD_BEEF,
    0xFFFF_FFF0,
];

/// Call numbers at the edges of the table and of the number's range (most name no call).
pub const EDGE_NUMBERS: [u32; 16] = [
    0,
    0xFFFF_FFFF,
    0x8000_0000,
    0x8000_0001,
    0x7FFF_FFFF,
    127,
    128,
    129,
    130,
    11,
    21,
    23,
    53,
    55,
    255,
    256,
];

/// A seed as typed: decimal, or hexadecimal after `0x`.
pub fn parse_seed(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The value of a raw result: `Ok(value)`, or `Err(errno)` for -4095..=-1.
pub fn split(r: isize) -> Result<usize, i32> {
    if (-4095..=-1).contains(&r) {
        Err(-r as i32)
    } else {
        Ok(r as usize)
    }
}
