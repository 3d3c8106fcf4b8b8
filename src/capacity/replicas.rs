//! What one replica of a component sees (capacity-model.md, sections 2-4):
//! its share of the load, its M/M/c station, and the time a read or a write
//! takes, including shards, hot keys, replication and quorums for stores
//! and the partition cap for queue consumers.

use super::load::Load;
use super::station::{Response, Station, Variability};
use crate::design::{Component, Design, Kind, ReadFrom, ReplicationMode, ServiceModel};

/// How a store keeps its data: shards, each with `factor` copies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Copies {
    pub shards: u32,
    pub factor: u32,
    /// Copies of the worst-hit shard that are up.
    pub live: u32,
    /// Copies a write waits for (and that must be up for writes).
    pub write_needed: u32,
    /// Copies a read waits for.
    pub read_needed: u32,
}

impl Copies {
    /// True when the worst-hit shard cannot serve the operations it gets.
    pub fn lost(&self, load: Load) -> bool {
        (load.writes > 0.0 && self.live < self.write_needed) || self.live < self.read_needed.max(1)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaModel {
    /// Replicas up.
    pub live: u32,
    /// Replicas that take work: a queue's consumers beyond its partitions idle.
    pub serving: u32,
    /// The busiest replica's station; none when the component is not
    /// modelled or no replica serves.
    pub station: Option<Station>,
    /// None when not modelled; infinite when nothing serves the load.
    pub utilization: Option<f64>,
    pub read: Response,
    pub write: Response,
    pub copies: Option<Copies>,
}

impl ReplicaModel {
    /// The response to one request, reads and writes mixed by their shares.
    pub fn response(&self, load: Load) -> Response {
        match (load.reads > 0.0, load.writes > 0.0) {
            (true, true) if self.read != self.write => Response::Mix(vec![
                (load.reads, self.read.clone()),
                (load.writes, self.write.clone()),
            ]),
            (false, true) => self.write.clone(),
            _ => self.read.clone(),
        }
    }

    /// The same replica with arrivals of SCV `arrival_scv` at its
    /// station (see `variability`).
    pub fn with_arrival_scv(self, arrival_scv: f64) -> ReplicaModel {
        let vary = |station: Station| {
            station.with_variability(Variability {
                arrival_scv,
                ..station.variability
            })
        };
        ReplicaModel {
            station: self.station.map(vary),
            read: self.read.map_station(&vary),
            write: self.write.map_station(&vary),
            ..self
        }
    }

    pub fn is_saturated(&self) -> bool {
        self.utilization.is_some_and(|u| u >= 1.0)
    }
}

/// For every component, the replicas that can work at once when it
/// consumes queues: the sum of those queues' partitions (none when no queue
/// it consumes declares partitions).
pub fn partition_caps(design: &Design) -> Vec<Option<u32>> {
    let mut caps = vec![None; design.components.len()];
    for queue in &design.components {
        if let (Some(consumer), Some(partitions)) = (&queue.consumer, &queue.partitions) {
            let cap: &mut Option<u32> = &mut caps[consumer.value];
            *cap = Some(cap.unwrap_or(0).saturating_add(partitions.value));
        }
    }
    caps
}

fn station(service: &ServiceModel, arrival_rate: f64) -> Station {
    Station::new(
        service.concurrency,
        service.capacity / f64::from(service.concurrency),
        arrival_rate,
    )
    .with_variability(Variability {
        arrival_scv: 1.0,
        service: service.shape,
    })
}

/// The replica model of `component` with `live` replicas up, receiving
/// `load`. `partition_cap` limits the replicas that serve.
pub fn model(
    component: &Component,
    load: Load,
    live: u32,
    partition_cap: Option<u32>,
) -> ReplicaModel {
    let serving = partition_cap.map_or(live, |cap| live.min(cap));
    if component.kind() == Kind::Database {
        return store(component, load, live);
    }
    let Some(service) = &component.service else {
        return ReplicaModel {
            live,
            serving,
            station: None,
            utilization: None,
            read: Response::Zero,
            write: Response::Zero,
            copies: None,
        };
    };
    if serving == 0 {
        return down(live, serving, None);
    }
    // A sharded cache or search index keeps one copy of each key: a node
    // lost is a shard whose keys miss or move, so only the split matters.
    let share = match &component.sharding {
        Some(sharding) => {
            let shards = sharding.value.shards.unwrap_or(serving).clamp(1, serving);
            let hot_key_share = sharding
                .value
                .hot_key_share
                .as_ref()
                .map_or(0.0, |h| h.value);
            hottest_shard_share(shards, hot_key_share)
        }
        None => 1.0 / f64::from(serving),
    };
    let station = station(service, load.total() * share);
    let response = Response::Station(station);
    ReplicaModel {
        live,
        serving,
        station: Some(station),
        utilization: Some(station.utilization()),
        read: response.clone(),
        write: response,
        copies: None,
    }
}

/// The share of all load on the hottest of `shards`: an even split, plus
/// `hot_key_share` of all load on one of them.
fn hottest_shard_share(shards: u32, hot_key_share: f64) -> f64 {
    (1.0 - hot_key_share) / f64::from(shards) + hot_key_share
}

fn down(live: u32, serving: u32, copies: Option<Copies>) -> ReplicaModel {
    ReplicaModel {
        live,
        serving,
        station: None,
        utilization: Some(f64::INFINITY),
        read: Response::Zero,
        write: Response::Zero,
        copies,
    }
}

/// Section 3: a database's load splits over shards (the hottest also carries
/// `hot_key_share` of all load); reads go to the primary or spread over the
/// copies; every write is applied on every copy; a write waits for the k-th
/// fastest copy its replication mode needs.
fn store(component: &Component, load: Load, live: u32) -> ReplicaModel {
    let nodes = component.replica_count();
    let replication = component.replication.as_ref().map(|r| &r.value);
    let factor = replication.map_or(1, |r| r.factor).max(1);
    let sharding = component.sharding.as_ref().map(|s| &s.value);
    let shards = sharding
        .and_then(|s| s.shards)
        .unwrap_or((nodes / factor).max(1));
    let hot_key_share = sharding
        .and_then(|s| s.hot_key_share.as_ref())
        .map_or(0.0, |h| h.value);

    // Copies of the worst-hit shard lost with the replicas that are down.
    let down_nodes = nodes.saturating_sub(live);
    let lost_copies = (f64::from(factor) * f64::from(down_nodes) / f64::from(nodes)).ceil() as u32;
    let live_copies = factor.saturating_sub(lost_copies);

    let majority = factor / 2 + 1;
    let mode = replication.map_or(ReplicationMode::Async, |r| r.mode);
    let write_needed = match mode {
        ReplicationMode::Async => 1,
        ReplicationMode::SemiSync => factor.min(2),
        ReplicationMode::Sync => factor,
        ReplicationMode::Quorum => replication.and_then(|r| r.write_quorum).unwrap_or(majority),
    };
    let read_needed = match mode {
        ReplicationMode::Quorum => replication.and_then(|r| r.read_quorum).unwrap_or(majority),
        _ => 1,
    };
    let copies = Copies {
        shards,
        factor,
        live: live_copies,
        write_needed,
        read_needed,
    };

    let Some(service) = &component.service else {
        return ReplicaModel {
            live,
            serving: live,
            station: None,
            utilization: None,
            read: Response::Zero,
            write: Response::Zero,
            copies: Some(copies),
        };
    };
    if live_copies == 0 || live == 0 {
        return down(live, live, Some(copies));
    }
    let hottest_share = hottest_shard_share(shards, hot_key_share);
    let shard_reads = hottest_share * load.reads;
    // Ranges over a growing key: the newest shard takes every write.
    let shard_writes = if sharding.is_some_and(|s| s.writes_to_newest_shard()) {
        load.writes
    } else {
        hottest_share * load.writes
    };
    let spread_reads = replication.is_some_and(|r| r.read_from != ReadFrom::Primary);
    let reads_per_copy = if spread_reads {
        shard_reads / f64::from(live_copies)
    } else {
        shard_reads
    };
    // When there are more shard copies than nodes, each node holds several.
    let copies_per_node = (f64::from(shards * factor) / f64::from(nodes)).max(1.0);
    let station = station(service, copies_per_node * (reads_per_copy + shard_writes));
    let read = if read_needed > 1 {
        Response::KthOf {
            station,
            k: read_needed.min(live_copies),
            copies: live_copies,
        }
    } else {
        Response::Station(station)
    };
    let write = if write_needed > 1 {
        Response::KthOf {
            station,
            k: write_needed.min(live_copies),
            copies: live_copies,
        }
    } else {
        Response::Station(station)
    };
    ReplicaModel {
        live,
        serving: live,
        station: Some(station),
        utilization: Some(station.utilization()),
        read,
        write,
        copies: Some(copies),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(yaml_component: &str) -> Component {
        let yaml = format!("version: 1\nname: t\ncomponents:\n  db: {yaml_component}\n");
        crate::design::load(yaml.as_bytes())
            .unwrap()
            .components
            .remove(0)
    }

    #[test]
    fn a_replicated_store_spreads_shards_and_applies_writes_everywhere() {
        // 9 nodes, factor 3: 3 shards. 3000 reads/s on primaries: 1000 per
        // shard; 900 writes/s: 300 per shard, on every copy.
        let db = component(
            "{ kind: database, replicas: 9, capacity: 10k/s, latency: 2ms, replication: { factor: 3, mode: quorum } }",
        );
        let replica = model(
            &db,
            Load {
                reads: 3000.0,
                writes: 900.0,
            },
            9,
            None,
        );
        let station = replica.station.unwrap();
        assert!((station.arrival_rate - 1300.0).abs() < 1e-9);
        assert!((replica.utilization.unwrap() - 0.13).abs() < 1e-12);
        assert_eq!(replica.copies.unwrap().write_needed, 2);
        assert!(matches!(
            replica.write,
            Response::KthOf {
                k: 2,
                copies: 3,
                ..
            }
        ));
    }

    #[test]
    fn the_hot_key_lands_on_one_shard() {
        // 4 shards, 10% of all load on one key: (0.9 / 4 + 0.1) = 0.325.
        let db = component(
            "{ kind: database, replicas: 4, capacity: 1k/s, latency: 1ms, sharding: { key: user_id, hot_key_share: 0.1 } }",
        );
        let replica = model(
            &db,
            Load {
                reads: 1000.0,
                writes: 0.0,
            },
            4,
            None,
        );
        assert!((replica.station.unwrap().arrival_rate - 325.0).abs() < 1e-9);
    }

    /// Ranges over a growing key (capacity-model.md, section 3): 4 shards,
    /// 800 reads/s spread (200 on each), 400 writes/s all on the newest.
    #[test]
    fn a_growing_range_key_puts_every_write_on_the_newest_shard() {
        let db = component(
            "{ kind: database, replicas: 4, capacity: 1k/s, latency: 1ms, sharding: { key: created_at, strategy: range } }",
        );
        let replica = model(
            &db,
            Load {
                reads: 800.0,
                writes: 400.0,
            },
            4,
            None,
        );
        assert!((replica.station.unwrap().arrival_rate - 600.0).abs() < 1e-9);
    }

    #[test]
    fn replica_reads_spread_over_copies() {
        let db = component(
            "{ kind: database, replicas: 3, capacity: 1k/s, latency: 1ms, replication: { factor: 3, read_from: replicas } }",
        );
        let replica = model(
            &db,
            Load {
                reads: 900.0,
                writes: 30.0,
            },
            3,
            None,
        );
        assert!((replica.station.unwrap().arrival_rate - 330.0).abs() < 1e-9);
    }

    #[test]
    fn partitions_cap_the_consumers_that_work() {
        let worker = component("{ kind: worker, replicas: 8, capacity: 100/s, latency: 10ms }");
        let replica = model(
            &worker,
            Load {
                reads: 300.0,
                writes: 0.0,
            },
            8,
            Some(4),
        );
        assert_eq!(replica.serving, 4);
        assert!((replica.utilization.unwrap() - 0.75).abs() < 1e-12);
    }

    #[test]
    fn losing_a_zone_of_a_quorum_store_keeps_the_quorum() {
        let db = component(
            "{ kind: database, replicas: 9, capacity: 10k/s, latency: 2ms, replication: { factor: 3, mode: quorum } }",
        );
        let copies = model(
            &db,
            Load {
                reads: 10.0,
                writes: 10.0,
            },
            6,
            None,
        )
        .copies
        .unwrap();
        assert_eq!(copies.live, 2);
        assert!(!copies.lost(Load {
            reads: 10.0,
            writes: 10.0
        }));
        let copies = model(
            &db,
            Load {
                reads: 10.0,
                writes: 10.0,
            },
            3,
            None,
        )
        .copies
        .unwrap();
        assert!(copies.lost(Load {
            reads: 10.0,
            writes: 10.0
        }));
    }
}
