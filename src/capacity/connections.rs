//! Long-lived connections (design-format.md, Long-lived connections): which
//! components hold the connections clients keep open (WebSockets, MQTT,
//! long polls), how many each replica holds, and how many the survivors
//! hold when a zone (or, without zones, one replica) is lost and every
//! dropped client reconnects to them.

use crate::design::{CallMode, ComponentId, Design, Kind};

/// The connections one component holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub component: ComponentId,
    /// Open connections at peak, over all its replicas.
    pub connections: f64,
    /// Replicas up (after the what-if's failures).
    pub live: u32,
    /// The worst single loss: what is lost (`zone az1`, `one replica`) and
    /// the replicas left.
    pub worst_loss: Option<(String, u32)>,
}

impl Held {
    pub fn per_replica(&self) -> Option<f64> {
        (self.live > 0).then(|| self.connections / f64::from(self.live))
    }

    /// Connections per surviving replica after the worst single loss; none
    /// when nothing survives it.
    pub fn per_survivor(&self) -> Option<f64> {
        let (_, left) = self.worst_loss.as_ref()?;
        (*left > 0).then(|| self.connections / f64::from(*left))
    }
}

/// Whether a component can hold clients' connections.
fn can_hold(kind: Kind) -> bool {
    matches!(kind, Kind::LoadBalancer | Kind::Gateway | Kind::Service)
}

/// The components that hold clients' connections: what a client with
/// `connections` calls directly, and behind a load balancer (which proxies
/// the socket) what the balancer calls; each holds all the connections of
/// the clients that reach it. In component order.
pub fn held(design: &Design, live: &[u32]) -> Vec<Held> {
    let mut connections = vec![0.0; design.components.len()];
    for client in &design.components {
        let Some(count) = &client.connections else {
            continue;
        };
        let mut holders: Vec<ComponentId> = Vec::new();
        let mut stack: Vec<ComponentId> = client
            .calls
            .iter()
            .filter(|c| c.mode == CallMode::Sync)
            .map(|c| c.to.value)
            .collect();
        while let Some(id) = stack.pop() {
            let component = &design.components[id];
            if !can_hold(component.kind()) || holders.contains(&id) {
                continue;
            }
            holders.push(id);
            if component.kind() == Kind::LoadBalancer {
                stack.extend(
                    component
                        .calls
                        .iter()
                        .filter(|c| c.mode == CallMode::Sync)
                        .map(|c| c.to.value),
                );
            }
        }
        for holder in holders {
            connections[holder] += count.value;
        }
    }
    connections
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > 0.0)
        .map(|(id, count)| Held {
            component: id,
            connections: *count,
            live: live[id],
            worst_loss: worst_loss(design, id, live[id]),
        })
        .collect()
}

/// The single loss that leaves a component the fewest replicas: its
/// fullest zone, or one replica when it names no zones.
fn worst_loss(design: &Design, id: ComponentId, live: u32) -> Option<(String, u32)> {
    let component = &design.components[id];
    let per_zone = component.replicas_per_zone(live);
    if per_zone.is_empty() || design.zones.is_empty() {
        return (live > 0).then(|| ("one replica".to_string(), live - 1));
    }
    per_zone
        .iter()
        .max_by_key(|(zone, count)| (*count, std::cmp::Reverse(*zone)))
        .map(|(zone, count)| (format!("zone {}", design.zones[*zone].value), live - count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_balancer_passes_the_sockets_to_what_it_calls() {
        let design = crate::design::load(
            b"version: 1
name: t
zones: [a, b, c]
components:
  phones: { kind: client, connections: 3M, calls: [{ to: lb }] }
  lb: { kind: load_balancer, replicas: 3, zones: [a, b, c], calls: [{ to: gw }] }
  gw: { kind: gateway, replicas: 10, zones: [a, b, c], calls: [{ to: db }] }
  db: { kind: database }
",
        )
        .unwrap();
        let live: Vec<u32> = design
            .components
            .iter()
            .map(|c| c.replica_count())
            .collect();
        let held = held(&design, &live);
        assert_eq!(held.iter().map(|h| h.component).collect::<Vec<_>>(), [1, 2]);
        // 10 gateways over three zones: 4, 3, 3. Losing zone a leaves 6.
        let gateway = &held[1];
        assert_eq!(gateway.per_replica(), Some(300_000.0));
        assert_eq!(gateway.worst_loss, Some(("zone a".to_string(), 6)));
        assert_eq!(gateway.per_survivor(), Some(500_000.0));
    }
}
