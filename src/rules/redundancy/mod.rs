//! BP1xx: redundancy and single points of failure.

pub mod cut_vertex;
pub mod no_health_check;
pub mod not_n_plus_one;
pub mod reconnect_storm;
pub mod single_replica;
pub mod single_zone;

use crate::design::{Component, Kind};

/// Clients and third-party dependencies are never counted as points of
/// failure of the design: it owns neither.
pub fn is_owned(component: &Component) -> bool {
    !matches!(component.kind(), Kind::Client | Kind::External)
}
