//! BP3xx: consistency and CAP: what stores promise their readers, and what
//! their replication and partition mode can actually keep.

pub mod ap_money;
pub mod cap_undeclared;
pub mod even_voters;
pub mod split_brain;
pub mod stale_cache;
pub mod stale_replica_reads;
pub mod weak_quorum;

use crate::design::Component;
use crate::diagnostic::Span;

/// Where a finding about a store's copies points: its `replication` value,
/// or `fallback` when the design gives none.
pub fn replication_span(component: &Component, fallback: Span) -> Span {
    component.replication.as_ref().map_or(fallback, |r| r.span)
}
