//! BP2xx: scaling and capacity. Most of these read the capacity model's
//! estimate at peak load.

pub mod availability_slo;
pub mod backing_overload;
pub mod hot;
pub mod hot_shard_key;
pub mod idle_consumers;
pub mod implausible_figure;
pub mod latency_slo;
pub mod queue_backlog;
pub mod saturated;
pub mod stateful_scale_out;
pub mod uncapped_model;
pub mod unscaled_reads;

use crate::design::Component;
use crate::diagnostic::Span;

/// Where a capacity finding points: the component's capacity (or latency,
/// or concurrency), else its replica count.
pub fn capacity_span(component: &Component) -> Span {
    component
        .service_span
        .unwrap_or_else(|| component.replicas_span())
}
