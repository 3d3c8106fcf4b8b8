//! The allocator the binary runs on, and the benchmarks and examples that
//! measure it: mimalloc, told to give freed memory back to the system at
//! once.
//!
//! mimalloc keeps a freed page for a second before it returns it, so a
//! run that reads a design into a parse tree, lowers it, frees the tree
//! and then estimates (all well within that second) would peak at the sum
//! of its phases instead of the largest of them: without this, `check` of
//! a generated 10,000-component design peaked at 77 MB rather than 56 MB,
//! and took about 2% less time. Transparent huge pages are off too (the crate's `no_thp` feature):
//! in a run this short they only round memory up to 2 MB at a time.

/// The global allocator: `#[global_allocator] static ALLOCATOR:
/// blueprint::allocator::Allocator = blueprint::allocator::Allocator;`,
/// then [`return_freed_memory_at_once`] first thing in `main`.
pub use mimalloc::MiMalloc as Allocator;

/// `mi_option_purge_delay` (milliseconds) in the mimalloc v3 that
/// libmimalloc-sys 0.1.49 builds (`include/mimalloc.h`): its Rust bindings
/// name only the options of v2.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes mimalloc return pages to the system as soon as they are free.
pub fn return_freed_memory_at_once() {
    // SAFETY: setting an option is a store to mimalloc's option table,
    // which it reads on its slow paths; any thread may do it at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option is the purge delay: its default, a second, is what
    /// mimalloc v3's option table gives it (no neighbour has that default),
    /// so an upgrade that moves the options fails here rather than setting
    /// some other option to 0. Tests run on the system allocator, so nothing
    /// else sets mimalloc's options in this process.
    #[test]
    fn the_option_set_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
    }
}
