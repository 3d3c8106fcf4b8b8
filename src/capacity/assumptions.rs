//! What the figures rest on that the design does not say: the defaults the
//! model applies and the figures it derives, each with the components it
//! applies to, so a reviewer can see them and decide whether to trust the
//! numbers. `report` lists them in its Assumptions section and `estimate
//! --assumptions` prints them.

use crate::design::quantity::{format_duration, format_percent, format_rate};
use crate::design::{Component, Design, Kind};

/// One assumption and the components it applies to (none: the whole
/// design).
#[derive(Clone, Debug, PartialEq)]
pub struct Assumption {
    pub text: String,
    pub components: Vec<String>,
}

/// Every assumption behind the design's figures, in a fixed order: the
/// model, the failure domains, then per component.
pub fn assumptions(design: &Design) -> Vec<Assumption> {
    let mut list = vec![whole(
        "every component is an M/M/c station: requests arrive as a Poisson stream and service \
         times are exponential around latency (capacity-model.md); real p99s are often longer",
    )];
    let assumed = |field: &str| design.assumed.contains(&field);
    if design.zones.is_empty() {
        list.push(whole(&format!(
            "no zones declared: the whole design runs in one zone, up {} of the time",
            format_percent(design.zone_availability)
        )));
    } else if assumed("zone_availability") {
        list.push(whole(&format!(
            "each zone is up {} of the time (zone_availability not given)",
            format_percent(design.zone_availability)
        )));
    }
    if !design.regions.is_empty() && assumed("region_availability") {
        list.push(whole(&format!(
            "each region is up {} of the time (region_availability not given)",
            format_percent(design.region_availability)
        )));
    }
    let modelled = || {
        design
            .components
            .iter()
            .filter(|c| c.kind() != Kind::Client)
    };
    push(
        &mut list,
        "each replica is up 99.9% of the time (availability not given)",
        modelled().filter(|c| c.assumed.contains(&"availability") && c.kind() != Kind::External),
    );
    push(
        &mut list,
        "one replica (replicas not given)",
        modelled().filter(|c| c.replicas.is_none()),
    );
    push(
        &mut list,
        "no capacity, latency or concurrency given: it takes no time and never saturates",
        modelled().filter(|c| c.service.is_none()),
    );
    push(
        &mut list,
        "serves one request at a time (concurrency not given, nor derivable)",
        modelled().filter(|c| {
            c.service.is_some()
                && c.assumed.contains(&"concurrency")
                && (c.assumed.contains(&"capacity") || c.assumed.contains(&"latency"))
        }),
    );
    // Derived service figures, one line per derivation, each component
    // with the value it came to.
    let mut derived: [(&str, Vec<String>); 3] = [
        ("concurrency derived from capacity x latency", Vec::new()),
        ("capacity derived from concurrency / latency", Vec::new()),
        ("latency derived from concurrency / capacity", Vec::new()),
    ];
    for component in modelled() {
        let Some(service) = component.service else {
            continue;
        };
        let assumed = |field: &str| component.assumed.contains(&field);
        let (line, value) = match (
            assumed("capacity"),
            assumed("latency"),
            assumed("concurrency"),
        ) {
            (false, false, true) => (0, service.concurrency.to_string()),
            (true, false, false) => (1, format_rate(service.capacity)),
            (false, true, false) => (2, format_duration(service.latency)),
            _ => continue,
        };
        derived[line]
            .1
            .push(format!("{} ({value})", component.name()));
    }
    for (text, components) in derived {
        if !components.is_empty() {
            list.push(Assumption {
                text: text.to_string(),
                components,
            });
        }
    }
    let closed = || design.components.iter().filter(|c| c.is_closed());
    push(
        &mut list,
        "closed population: its rate is solved by Mean Value Analysis (a replica of m servers as \
         Seidmann's one server and a delay); the percentiles then treat that rate as a Poisson \
         stream, which overstates waits near saturation, where the MVA response time is the one to read",
        closed(),
    );
    push(
        &mut list,
        "no think time: each user sends its next request as soon as the answer comes (think_time not given)",
        closed().filter(|c| c.think_time.is_none()),
    );
    push(
        &mut list,
        "no hit_ratio: every read misses and goes to the backing store",
        modelled().filter(|c| c.backing.is_some() && c.hit_ratio.is_none()),
    );
    push(
        &mut list,
        "kept filled cache-aside (pattern not given): the caller reads the store on a miss and writes it directly",
        modelled().filter(|c| c.kind() == Kind::Cache && c.pattern.is_none()),
    );
    push(
        &mut list,
        "shards: the node count divided by the replication factor (shards not given)",
        modelled().filter(|c| {
            c.sharding
                .as_ref()
                .is_some_and(|s| s.value.shards.is_none())
        }),
    );
    list
}

fn whole(text: &str) -> Assumption {
    Assumption {
        text: text.to_string(),
        components: Vec::new(),
    }
}

/// Adds the assumption when it applies to any component.
fn push<'a>(
    list: &mut Vec<Assumption>,
    text: &str,
    components: impl Iterator<Item = &'a Component>,
) {
    let components: Vec<String> = components.map(|c| c.name().to_string()).collect();
    if !components.is_empty() {
        list.push(Assumption {
            text: text.to_string(),
            components,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(yaml: &str) -> Vec<Assumption> {
        assumptions(&crate::design::load(yaml.as_bytes()).unwrap())
    }

    #[test]
    fn defaults_are_listed_with_their_components() {
        let found = of("version: 1
name: t
zones: [az1, az2]
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, zones: [az1, az2], capacity: 1k/s, latency: 4ms, calls: [{ to: cache }] }
  cache: { kind: cache, replicas: 2, availability: 99.99%, capacity: 10k/s, latency: 1ms, backing: db }
  db: { kind: database, replicas: 3, concurrency: 8, latency: 2ms }
");
        let texts: Vec<(&str, Vec<&str>)> = found
            .iter()
            .map(|a| {
                (
                    a.text.as_str(),
                    a.components.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert!(
            texts[0]
                .0
                .starts_with("every component is an M/M/c station")
        );
        assert!(texts.contains(&(
            "each zone is up 99.95% of the time (zone_availability not given)",
            vec![]
        )));
        assert!(texts.contains(&(
            "each replica is up 99.9% of the time (availability not given)",
            vec!["api", "db"]
        )));
        assert!(texts.contains(&(
            "concurrency derived from capacity x latency",
            vec!["api (4)", "cache (10)"]
        )));
        assert!(
            texts.contains(&(
                "capacity derived from concurrency / latency",
                vec!["db (4000/s)"]
            )),
            "{texts:?}"
        );
        assert!(texts.contains(&(
            "no hit_ratio: every read misses and goes to the backing store",
            vec!["cache"]
        )));
        assert!(
            !texts
                .iter()
                .any(|(text, _)| text.starts_with("one replica")),
            "{texts:?}"
        );
    }

    #[test]
    fn closed_clients_say_how_their_rate_is_solved_and_when_they_do_not_think() {
        let found = of("version: 1
name: t
components:
  pool: { kind: client, users: 20, calls: [{ to: api }] }
  staff: { kind: client, users: 5, think_time: 10s, calls: [{ to: api }] }
  api: { kind: service, latency: 1ms }
");
        let components = |start: &str| {
            found
                .iter()
                .find(|a| a.text.starts_with(start))
                .map(|a| a.components.clone())
        };
        assert_eq!(
            components("closed population"),
            Some(vec!["pool".to_string(), "staff".to_string()])
        );
        assert_eq!(components("no think time"), Some(vec!["pool".to_string()]));
    }

    #[test]
    fn a_design_without_zones_is_one_zone() {
        let found = of("version: 1
name: t
components:
  api: { kind: service, replicas: 2, availability: 99.95%, capacity: 1k/s, latency: 1ms, concurrency: 1 }
");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[1].text,
            "no zones declared: the whole design runs in one zone, up 99.95% of the time"
        );
    }
}
