//! Walking the chain of saved frame pointers (the kernel is built with
//! frame pointers) to list return addresses for fault reports.

/// Calls `report` with each return address of the chain that starts at
/// frame pointer `ebp`, innermost first, at most `max_frames` of them.
/// `readable(addr)` must tell whether the kernel may read the word at `addr`
/// without faulting (a stack that overflowed into its guard page must not
/// turn a report into a second fault).
pub fn walk(
    mut ebp: usize,
    max_frames: usize,
    readable: impl Fn(usize) -> bool,
    mut report: impl FnMut(usize),
) {
    for _ in 0..max_frames {
        if !ebp.is_multiple_of(4) || ebp > usize::MAX - 8 || !readable(ebp) || !readable(ebp + 4) {
            break;
        }
        // SAFETY: `readable` vouched for both words; frames were built with
        // frame pointers, so [ebp] is the caller's ebp and [ebp+4] the return
        // address.
        let (next, ret) = unsafe { (*(ebp as *const usize), *((ebp + 4) as *const usize)) };
        if ret == 0 {
            break;
        }
        report(ret);
        if next <= ebp {
            break;
        }
        ebp = next;
    }
}
