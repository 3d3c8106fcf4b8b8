//! BP212 implausible-figure, and the catalogue of published per-node
//! figures it reads (`catalogue.toml`, compiled in).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::LazyLock;

use serde::Deserialize;

use super::capacity_span;
use crate::design::quantity::{format_duration, format_rate, parse_duration, parse_rate};
use crate::design::{Component, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP212",
        name: "implausible-figure",
        severity: Severity::Warning,
        summary: "a component claims far more per replica, or far less latency, than its `engine` (or, without one, its kind) is known to deliver; the message gives the published figure it is measured against",
        docs: r#"## Why it matters
Every number the estimate prints rests on each component's `capacity` and
`latency`. A database at ten million requests a second per node, or a
network call that answers in a microsecond, makes every figure after it
look comfortable, and no machine will ever deliver it. A reviewer asks
"where does that number come from?"; this rule asks it for them.

## What fires it
A replica's `capacity` is more than twice the best published per-node
figure of its `engine` (a vendor benchmark or a documented limit, the
source named in the message), or a queue's capacity spread over its
`partitions` is more than twice the engine's per-partition figure, or the
`latency` written for it is below the floor of its engine or kind: no
request crosses a network in less than tens of microseconds, no store
acknowledges a durable write before it reaches stable storage, no object
store answers in under a millisecond. An engine the catalogue does not
know is measured by its kind's floor only. The figures are ceilings: the
best a node has been shown to do, on large hardware with small requests.

## How to fix it
Use figures measured on your own hardware, or the engine's published
ones, and add replicas (or shards, or partitions) for the load beyond
them. The table below lists every figure with its source.

```yaml
# before: one Postgres node claimed to serve 10M queries/s in 1us
  orders_db: { kind: database, engine: postgres, capacity: 10M/s, latency: 1us }
```

```yaml
# after: figures a node delivers, and the nodes the load needs
  orders_db:
    kind: database
    engine: postgres
    replicas: 6
    capacity: 20k/s
    latency: 2ms
```
"#,
    },
    check,
};

/// The catalogue as written: quantities as text, so that the file reads
/// like a design.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    margin: f64,
    floors: BTreeMap<String, FloorFile>,
    engines: Vec<EngineFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FloorFile {
    latency: String,
    what: String,
    source: String,
    kinds: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EngineFile {
    names: Vec<String>,
    capacity: String,
    counts: String,
    floor: Option<String>,
    partition_capacity: Option<String>,
    partition_counts: Option<String>,
    source: String,
}

/// The published figures BP212 measures claims against.
pub struct Catalogue {
    /// A claim fires above this multiple of a published figure.
    pub margin: f64,
    pub floors: Vec<Floor>,
    pub engines: Vec<Engine>,
}

/// The least latency a request to a component can take.
pub struct Floor {
    pub name: String,
    pub seconds: f64,
    pub what: String,
    pub source: String,
    pub kinds: Vec<Kind>,
}

/// An engine's best published figure for one node.
pub struct Engine {
    pub names: Vec<String>,
    /// Requests/s one node has been shown to serve.
    pub capacity: f64,
    /// What the figure counts: `requests/s per node`.
    pub counts: String,
    /// The floor its latency is measured by, when not its kind's.
    pub floor: Option<usize>,
    /// Messages/s through one partition, for a broker, and what it counts.
    pub partition: Option<(f64, String)>,
    pub source: String,
}

/// The catalogue, read once from the copy compiled into the binary.
pub static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    Catalogue::parse(include_str!("catalogue.toml")).expect("the bundled catalogue is valid")
});

impl Catalogue {
    /// Reads a catalogue, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let rate = |text: &str| parse_rate(text).map_err(|_| format!("`{text}` is not a rate"));
        let duration =
            |text: &str| parse_duration(text).map_err(|_| format!("`{text}` is not a duration"));
        let mut floors = Vec::new();
        for (name, floor) in file.floors {
            let kinds = floor
                .kinds
                .iter()
                .map(|kind| Kind::from_name(kind).ok_or(format!("`{kind}` is not a kind")))
                .collect::<Result<Vec<Kind>, String>>()?;
            floors.push(Floor {
                name,
                seconds: duration(&floor.latency)?,
                what: floor.what,
                source: floor.source,
                kinds,
            });
        }
        let mut engines = Vec::new();
        for engine in file.engines {
            let floor = match &engine.floor {
                Some(name) => Some(
                    floors
                        .iter()
                        .position(|f| f.name == *name)
                        .ok_or(format!("no floor is named `{name}`"))?,
                ),
                None => None,
            };
            let partition = match (&engine.partition_capacity, engine.partition_counts) {
                (Some(capacity), Some(counts)) => Some((rate(capacity)?, counts)),
                (None, None) => None,
                _ => return Err("`partition_capacity` and `partition_counts` go together".into()),
            };
            engines.push(Engine {
                names: engine.names.iter().map(|n| n.to_lowercase()).collect(),
                capacity: rate(&engine.capacity)?,
                counts: engine.counts,
                floor,
                partition,
                source: engine.source,
            });
        }
        Ok(Catalogue {
            margin: file.margin,
            floors,
            engines,
        })
    }

    /// The engine a design names, ignoring case.
    pub fn engine(&self, name: &str) -> Option<&Engine> {
        let name = name.trim().to_lowercase();
        self.engines.iter().find(|e| e.names.contains(&name))
    }

    /// The latency floor of a component: its engine's, else its kind's.
    pub fn floor(&self, engine: Option<&Engine>, kind: Kind) -> Option<&Floor> {
        match engine.and_then(|e| e.floor) {
            Some(index) => Some(&self.floors[index]),
            None => self.floors.iter().find(|f| f.kinds.contains(&kind)),
        }
    }

    /// The catalogue as Markdown tables, for `explain BP212`.
    pub fn table(&self) -> String {
        let mut out = format!(
            "## The figures\n\nA claim fires above {} times a figure. Engines (named in `engine:`, any case):\n\n| engine | figure | counts | source |\n|---|---|---|---|\n",
            self.margin
        );
        for engine in &self.engines {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                engine.names.join(", "),
                format_rate(engine.capacity),
                engine.counts,
                engine.source
            );
            if let Some((capacity, counts)) = &engine.partition {
                let _ = writeln!(
                    out,
                    "| {} | {} | {counts} | as above |",
                    engine.names.join(", "),
                    format_rate(*capacity)
                );
            }
        }
        out.push_str("\nLatency floors (an engine's, else its kind's):\n\n| floor | latency | kinds | engines | why | source |\n|---|---|---|---|---|---|\n");
        for (index, floor) in self.floors.iter().enumerate() {
            let kinds: Vec<&str> = floor.kinds.iter().map(|k| k.as_str()).collect();
            let engines: Vec<&str> = self
                .engines
                .iter()
                .filter(|e| e.floor == Some(index))
                .map(|e| e.names[0].as_str())
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                floor.name,
                format_duration(floor.seconds),
                kinds.join(", "),
                engines.join(", "),
                floor.what,
                floor.source
            );
        }
        out
    }
}

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let catalogue = &*CATALOGUE;
    for component in &context.design.components {
        let Some(service) = component.service else {
            continue;
        };
        let engine = component
            .engine
            .as_deref()
            .and_then(|name| catalogue.engine(name));
        if let Some(engine) = engine {
            capacity_claims(catalogue, component, service.capacity, engine, findings);
        }
        let (Some(floor), Some(latency)) = (
            catalogue.floor(engine, component.kind()),
            &component.written_latency,
        ) else {
            continue;
        };
        if latency.value < floor.seconds {
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "`{}` claims a latency of {}, below the {} floor of {}",
                        component.name(),
                        format_duration(latency.value),
                        format_duration(floor.seconds),
                        floor.what
                    ))
                    .at(latency.span)
                    .component(component.name())
                    .label("faster than the hardware goes")
                    .help(format!(
                        "use a latency measured on real hardware; the floor: {}",
                        floor.source
                    )),
            );
        }
    }
}

/// A replica's capacity against its engine's per-node figure, and a
/// queue's against the per-partition one.
fn capacity_claims(
    catalogue: &Catalogue,
    component: &Component,
    capacity: f64,
    engine: &Engine,
    findings: &mut Vec<Diagnostic>,
) {
    let engine_name = component.engine.as_deref().unwrap_or_default();
    if capacity > catalogue.margin * engine.capacity {
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` claims {} per replica, more than {} times the {} ({}) published for {engine_name}",
                    component.name(),
                    format_rate(capacity),
                    catalogue.margin,
                    format_rate(engine.capacity),
                    engine.counts
                ))
                .at(capacity_span(component))
                .component(component.name())
                .label("more than one node is known to do")
                .help(format!(
                    "use a figure measured on real hardware and add replicas for the rest; the figure: {}",
                    engine.source
                )),
        );
    }
    let (Some((figure, counts)), Some(partitions)) = (&engine.partition, &component.partitions)
    else {
        return;
    };
    let working = component.replica_count().min(partitions.value).max(1);
    let per_partition = capacity * f64::from(working) / f64::from(partitions.value.max(1));
    if per_partition > catalogue.margin * figure {
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` claims {} per partition, more than {} times the {} ({counts}) published for {engine_name}",
                    component.name(),
                    format_rate(per_partition),
                    catalogue.margin,
                    format_rate(*figure),
                ))
                .at(partitions.span)
                .component(component.name())
                .label("more than one partition is known to carry")
                .help(format!(
                    "add partitions so that each carries less; the figure: {}",
                    engine.source
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{findings, places};

    const DESIGN: &str = "version: 1
name: t
requirements:
  peak_rps: 1k/s
zones: [az1, az2, az3]
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 3
    zones: [az1, az2, az3]
    capacity: 1k/s
    latency: API_LATENCY
    calls: [{ to: db, timeout: 100ms }]
  db:
    kind: database
    engine: ENGINE
    replicas: 3
    zones: [az1, az2, az3]
    capacity: DB_CAPACITY
    latency: DB_LATENCY
  events:
    kind: queue
    engine: kafka
    replicas: 3
    zones: [az1, az2, az3]
    capacity: 400k/s
    partitions: PARTITIONS
";

    fn design(api_latency: &str, engine: &str, capacity: &str, latency: &str) -> String {
        DESIGN
            .replace("API_LATENCY", api_latency)
            .replace("ENGINE", engine)
            .replace("DB_CAPACITY", capacity)
            .replace("DB_LATENCY", latency)
            .replace("PARTITIONS", "12")
    }

    #[test]
    fn fires_on_a_node_beyond_its_engine_and_a_latency_below_the_floor() {
        let found = findings(&design("5ms", "postgres", "10M/s", "1us"), "BP212");
        assert_eq!(
            places(&found),
            [("db".to_string(), 20, 15), ("db".to_string(), 21, 14)]
        );
        assert!(
            found[0].message.contains("10M/s per replica"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("postgres"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("Four million TPS"),
            "{:?}",
            found[0].help
        );
        assert!(
            found[1].message.contains("below the 100us floor"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn without_an_engine_the_kind_floor_still_applies() {
        let found = findings(&design("5us", "some-new-db", "10M/s", "1us"), "BP212");
        // No figure for an unknown engine's capacity: the two latencies only.
        assert_eq!(
            places(&found),
            [("api".to_string(), 13, 14), ("db".to_string(), 21, 14)]
        );
        assert!(
            found[0]
                .message
                .contains("below the 20us floor of one network round trip")
        );
    }

    #[test]
    fn fires_on_a_partition_beyond_its_engine() {
        let yaml =
            design("5ms", "postgres", "5k/s", "2ms").replace("partitions: 12", "partitions: 1");
        let found = findings(&yaml, "BP212");
        assert_eq!(places(&found), [("events".to_string(), 28, 17)]);
        assert!(
            found[0].message.contains("per partition"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_on_figures_a_node_delivers() {
        assert!(findings(&design("5ms", "postgres", "20k/s", "2ms"), "BP212").is_empty());
        // Engine names match ignoring case.
        assert!(findings(&design("5ms", "PostgreSQL", "20k/s", "2ms"), "BP212").is_empty());
        // A latency derived from a capacity alone is not a claim.
        let derived = design("5ms", "redis", "900k/s", "2ms").replace("    latency: 2ms\n", "");
        assert!(findings(&derived, "BP212").is_empty());
    }

    #[test]
    fn the_bundled_catalogue_reads_and_names_a_source_for_every_figure() {
        let catalogue = &*CATALOGUE;
        assert!(catalogue.engines.len() >= 12);
        for engine in &catalogue.engines {
            assert!(engine.source.len() > 20, "{}", engine.names[0]);
            assert!(engine.capacity > 0.0);
        }
        for name in [
            "redis",
            "memcached",
            "postgres",
            "mysql",
            "cassandra",
            "dynamodb",
            "kafka",
            "rabbitmq",
            "s3",
            "nginx",
            "envoy",
            "haproxy",
        ] {
            assert!(catalogue.engine(name).is_some(), "{name}");
        }
        assert!(catalogue.engine("kafka").unwrap().partition.is_some());
        let table = catalogue.table();
        assert!(
            table.contains("| redis, valkey, elasticache | 1M/s |"),
            "{table}"
        );
        assert!(table.contains("| durable_write | 100us |"), "{table}");
    }

    #[test]
    fn a_bad_catalogue_says_what_is_wrong() {
        let error = |text: &str| Catalogue::parse(text).err().unwrap();
        assert!(error("margin = 2.0\nfloors = {}\nengines = [{ names = [\"x\"], capacity = \"fast\", counts = \"c\", source = \"s\" }]").contains("`fast` is not a rate"));
        assert!(error("margin = 2.0\nengines = []\n[floors.f]\nlatency = \"1us\"\nwhat = \"w\"\nsource = \"s\"\nkinds = [\"robot\"]").contains("`robot` is not a kind"));
    }
}
