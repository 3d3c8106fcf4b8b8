//! What the design costs to run: each component's `cost` (a price per
//! replica, per month of `quantity::HOURS_PER_MONTH` hours) times the
//! replicas it deploys. Replicas down under `--fail` are still paid for, so
//! the cost is the design's, not the failure's.

use crate::design::Design;

/// The monthly cost of a design that prices at least one component.
#[derive(Clone, Debug, PartialEq)]
pub struct Costs {
    /// Per component, in file order: replicas times price; none where the
    /// design gives no price.
    pub components: Vec<Option<f64>>,
    /// The sum of the priced components.
    pub total: f64,
}

/// The monthly cost of `design` as written; none when no component has a
/// `cost`, so that designs without prices show nothing new.
pub fn monthly(design: &Design) -> Option<Costs> {
    let replicas: Vec<u32> = design
        .components
        .iter()
        .map(|c| c.replica_count())
        .collect();
    with_replicas(design, &replicas)
}

/// The monthly cost of `design` run with `replicas[id]` replicas of each
/// component; none when no component has a `cost`.
pub fn with_replicas(design: &Design, replicas: &[u32]) -> Option<Costs> {
    let components: Vec<Option<f64>> = design
        .components
        .iter()
        .zip(replicas)
        .map(|(component, &count)| component.cost.as_ref().map(|c| c.value * f64::from(count)))
        .collect();
    if components.iter().all(Option::is_none) {
        return None;
    }
    let total = components.iter().flatten().sum();
    Some(Costs { components, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_times_the_monthly_price() {
        let design = crate::design::load(
            b"version: 1\nname: t\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, replicas: 3, cost: 0.1/h, calls: [{ to: db }] }\n  db: { kind: database, replicas: 2, cost: 500/month }\n",
        )
        .unwrap();
        let costs = monthly(&design).unwrap();
        // 0.1 x 730 h = 73 a month per replica.
        assert_eq!(costs.components[0], None);
        assert!((costs.components[1].unwrap() - 219.0).abs() < 1e-9);
        assert_eq!(costs.components[2], Some(1000.0));
        assert!((costs.total - 1219.0).abs() < 1e-9);
        let bigger = with_replicas(&design, &[1, 6, 2]).unwrap();
        assert!((bigger.total - 1438.0).abs() < 1e-9);
    }

    #[test]
    fn no_price_no_cost() {
        let design = crate::design::load(
            b"version: 1\nname: t\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, replicas: 3 }\n",
        )
        .unwrap();
        assert_eq!(monthly(&design), None);
    }
}
