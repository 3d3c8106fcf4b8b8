//! BP5xx: security at the edge: TLS, tiers clients may not skip, rate
//! limits and authentication on the way in.

pub mod no_auth;
pub mod no_rate_limit;
pub mod no_tls;
pub mod tier_bypass;

use crate::design::{ComponentId, Kind};
use crate::rules::Context;
use crate::topology::EdgeKind;

/// Kinds that stand in front of the application: they route, terminate
/// and filter requests but hold no business logic.
pub fn is_front(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::LoadBalancer | Kind::Gateway | Kind::Cdn | Kind::Dns
    )
}

/// The components `component` waits on for a request: its sync calls and,
/// for a cache or CDN, its misses to the backing.
pub fn waits_on<'a>(
    context: &'a Context,
    component: ComponentId,
) -> impl Iterator<Item = ComponentId> + 'a {
    context
        .topology
        .edges_from(component)
        .filter(move |(_, kind)| match kind {
            EdgeKind::Call { index, .. } => {
                context.design.components[component].calls[*index].is_sync()
            }
            EdgeKind::Backing => true,
            EdgeKind::Consumer | EdgeKind::DeadLetter => false,
        })
        .map(|(target, _)| target)
}

/// The clients of the design, in file order.
pub fn clients<'a>(context: &'a Context) -> impl Iterator<Item = ComponentId> + 'a {
    context
        .design
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind() == Kind::Client)
        .map(|(id, _)| id)
}
