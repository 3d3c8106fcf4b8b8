//! The allocator the binary runs on, and the benchmarks and examples that
//! measure it: mimalloc, without transparent huge pages (the crate's
//! `no_thp` feature: in a run this short they only round memory up to
//! 2 MB at a time).

/// The global allocator: `#[global_allocator] static ALLOCATOR:
/// blueprint::allocator::Allocator = blueprint::allocator::Allocator;`.
pub use mimalloc::MiMalloc as Allocator;

/// Gives the memory this thread has freed back to the system. mimalloc
/// keeps a freed page for a second before it returns it, so a run that
/// reads a design into a parse tree, lowers it, frees the tree and then
/// estimates (all well within that second) would peak at the sum of its
/// phases: `design::load` calls this once the parse tree is gone, which
/// on a generated 10,000-component design took `check` from 77 MB to
/// 54 MB. Returning every page as soon as it is free (mimalloc's purge
/// delay at 0) saved a few MB more but made lowering half as slow again,
/// in faults on pages the same phase frees and takes again. Harmless when
/// another allocator is the global one (the tests'): mimalloc's heap is
/// then empty.
pub fn release_freed_memory() {
    // SAFETY: `mi_collect` only walks this thread's mimalloc heap.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
