//! Failure what-if (capacity-model.md, section 8): `--fail NAME`,
//! `--fail NAME:K` and `--fail zone:Z` turned into the replicas left up.

use std::fmt;

use crate::design::Design;
use crate::design::quantity::{parse_duration, parse_instant};
use crate::suggest::did_you_mean;

/// What a `--fail` takes down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Every replica of a component, or `count` of them.
    Component { name: String, count: Option<u32> },
    /// Every replica placed in a zone.
    Zone(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Component { name, count: None } => write!(f, "{name}"),
            Failure::Component {
                name,
                count: Some(count),
            } => write!(f, "{name}:{count}"),
            Failure::Zone(zone) => write!(f, "zone:{zone}"),
        }
    }
}

impl Failure {
    /// Reads `NAME`, `NAME:K` or `zone:Z`.
    pub fn parse(text: &str) -> Result<Failure, String> {
        if let Some(zone) = text.strip_prefix("zone:") {
            if zone.is_empty() {
                return Err("`zone:` needs a zone name, e.g. `zone:az1`".to_string());
            }
            return Ok(Failure::Zone(zone.to_string()));
        }
        match text.split_once(':') {
            None if !text.is_empty() => Ok(Failure::Component {
                name: text.to_string(),
                count: None,
            }),
            Some((name, count)) if !name.is_empty() => match count.parse::<u32>() {
                Ok(count) if count > 0 => Ok(Failure::Component {
                    name: name.to_string(),
                    count: Some(count),
                }),
                _ => Err(format!(
                    "`{text}`: the replica count after `:` must be a whole number of at least 1"
                )),
            },
            _ => Err(format!(
                "`{text}` is not a failure: write NAME, NAME:K or zone:Z"
            )),
        }
    }
}

/// A failure with how long it lasts: `estimate --fail NAME@DURATION`.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedOutage {
    pub failure: Failure,
    /// Seconds; none for a failure that lasts (plain `NAME`).
    pub duration: Option<f64>,
}

impl TimedOutage {
    /// Reads a failure as [`Failure::parse`] does, optionally followed by
    /// `@DURATION` (`orders_worker@10m`, `zone:az1@10m`, `db:1@30s`) or by
    /// `simulate`'s window `@FROM..UNTIL`, which means the same outage
    /// there: `api@1m..11m` is `api@10m`, so a window copied from one
    /// command to the other keeps its meaning.
    pub fn parse(text: &str) -> Result<TimedOutage, String> {
        let Some((target, duration)) = text.rsplit_once('@') else {
            return Ok(TimedOutage {
                failure: Failure::parse(text)?,
                duration: None,
            });
        };
        let failure = Failure::parse(target)?;
        if let Some((from, until)) = duration.split_once("..") {
            return match (parse_instant(from), parse_instant(until)) {
                (Ok(from), Ok(until)) if from >= 0.0 && until > from && until.is_finite() => {
                    Ok(TimedOutage {
                        failure,
                        duration: Some(until - from),
                    })
                }
                _ => Err(format!(
                    "`{text}`: `{duration}` after `@` is not a window that ends after it starts, such as `1m..11m`; write `@DURATION` (`@10m`) for an outage of that length, or no `@` for a failure that lasts"
                )),
            };
        }
        match parse_duration(duration) {
            Ok(seconds) if seconds > 0.0 && seconds.is_finite() => Ok(TimedOutage {
                failure,
                duration: Some(seconds),
            }),
            _ => Err(format!(
                "`{text}`: `{duration}` after `@` is not a duration above zero such as `30s`, `10m` or `1h`"
            )),
        }
    }
}

/// The one duration of a set of `--fail` targets: none when no target has
/// one; an error when they differ, or when some have one and others not.
pub fn outage_duration(outages: &[TimedOutage]) -> Result<Option<f64>, String> {
    let Some(first) = outages.first() else {
        return Ok(None);
    };
    if outages.iter().any(|o| o.duration != first.duration) {
        return Err(
            "every `--fail` of one estimate must give the same `@DURATION`, or none: the outage is one window"
                .to_string(),
        );
    }
    Ok(first.duration)
}

/// The replicas of each component left up after `failures`, or what names
/// nothing in the design.
pub fn live_replicas(design: &Design, failures: &[Failure]) -> Result<Vec<u32>, String> {
    let mut live: Vec<u32> = design
        .components
        .iter()
        .map(|c| c.replica_count())
        .collect();
    for failure in failures {
        match failure {
            Failure::Component { name, count } => {
                let id = design.component_named(name).ok_or_else(|| {
                    let hint = did_you_mean(name, design.components.iter().map(|c| c.name()))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    format!("`--fail {failure}`: no component is named `{name}`{hint}")
                })?;
                live[id] = count.map_or(0, |count| live[id].saturating_sub(count));
            }
            Failure::Zone(zone) => {
                let zone_id = design
                    .zones
                    .iter()
                    .position(|z| z.value == *zone)
                    .ok_or_else(|| {
                        let names: Vec<&str> =
                            design.zones.iter().map(|z| z.value.as_str()).collect();
                        if names.is_empty() {
                            format!("`--fail {failure}`: the design declares no zones")
                        } else {
                            format!(
                                "`--fail {failure}`: no zone is named `{zone}` (zones: {})",
                                names.join(", ")
                            )
                        }
                    })?;
                for (id, component) in design.components.iter().enumerate() {
                    let in_zone = component.replicas_in_zone(zone_id);
                    live[id] = live[id].saturating_sub(in_zone);
                }
            }
        }
    }
    Ok(live)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(
            Failure::parse("db"),
            Ok(Failure::Component {
                name: "db".into(),
                count: None
            })
        );
        assert_eq!(
            Failure::parse("db:2"),
            Ok(Failure::Component {
                name: "db".into(),
                count: Some(2)
            })
        );
        assert_eq!(Failure::parse("zone:az1"), Ok(Failure::Zone("az1".into())));
        assert!(Failure::parse("db:x").is_err());
        assert!(Failure::parse("zone:").is_err());
        assert!(Failure::parse("").is_err());
    }

    #[test]
    fn parses_a_duration_after_the_target() {
        let timed = TimedOutage::parse("zone:az1@10m").unwrap();
        assert_eq!(timed.failure, Failure::Zone("az1".into()));
        assert_eq!(timed.duration, Some(600.0));
        let replicas = TimedOutage::parse("db:1@30s").unwrap();
        assert_eq!(replicas.duration, Some(30.0));
        assert_eq!(TimedOutage::parse("db").unwrap().duration, None);
        assert!(TimedOutage::parse("db@").is_err());
        assert!(TimedOutage::parse("db@soon").is_err());
        // simulate's window means the same outage.
        assert_eq!(
            TimedOutage::parse("api@1m..11m").unwrap(),
            TimedOutage::parse("api@10m").unwrap()
        );
        // Including one that starts at once, written as simulate takes it.
        for window in ["api@0..10m", "api@0s..10m"] {
            assert_eq!(
                TimedOutage::parse(window).unwrap(),
                TimedOutage::parse("api@10m").unwrap()
            );
        }
        assert!(TimedOutage::parse("api@0").is_err());
        assert!(TimedOutage::parse("api@10m..").is_err());
        assert!(TimedOutage::parse("api@5m..1m").is_err());
        let same = [timed.clone(), TimedOutage::parse("api@10m").unwrap()];
        assert_eq!(outage_duration(&same), Ok(Some(600.0)));
        assert!(outage_duration(&[timed, replicas]).is_err());
    }

    /// The count per zone, without listing replicas, matches the list.
    #[test]
    fn replicas_in_a_zone_match_the_round_robin() {
        for zones in ["[a, b, c]", "[c, a]", "[b, b, a]"] {
            for replicas in 1..12 {
                let text = format!(
                    "version: 1\nname: t\nzones: [a, b, c]\ncomponents:\n  api: {{ kind: service, replicas: {replicas}, zones: {zones} }}\n"
                );
                let design = crate::design::load(text.as_bytes()).unwrap();
                let api = &design.components[0];
                for zone in 0..3 {
                    let listed = api.replica_zones().filter(|z| *z == zone).count() as u32;
                    assert_eq!(
                        api.replicas_in_zone(zone),
                        listed,
                        "{zones} x{replicas}, zone {zone}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_zone_takes_the_replicas_placed_in_it() {
        let design = crate::design::load(
            b"version: 1\nname: t\nzones: [a, b, c]\ncomponents:\n  api: { kind: service, replicas: 5, zones: [a, b, c] }\n  db: { kind: database, replicas: 2, zones: [b] }\n",
        )
        .unwrap();
        // api: replicas in a, b, c, a, b; db: both in b.
        assert_eq!(
            live_replicas(&design, &[Failure::Zone("a".into())]),
            Ok(vec![3, 2])
        );
        assert_eq!(
            live_replicas(&design, &[Failure::Zone("b".into())]),
            Ok(vec![3, 0])
        );
        assert_eq!(
            live_replicas(
                &design,
                &[Failure::Component {
                    name: "api".into(),
                    count: Some(2)
                }]
            ),
            Ok(vec![3, 2])
        );
        assert!(
            live_replicas(&design, &[Failure::Zone("d".into())])
                .unwrap_err()
                .contains("zones: a, b, c")
        );
        assert!(
            live_replicas(
                &design,
                &[Failure::Component {
                    name: "apii".into(),
                    count: None
                }]
            )
            .unwrap_err()
            .contains("did you mean `api`")
        );
    }
}
