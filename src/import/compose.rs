//! A Docker Compose file to an [`Inventory`]: one part per service;
//! replicas from `deploy.replicas` (or `scale`); placement from a swarm
//! `deploy.placement` spread or constraint on a zone label; references from
//! `depends_on`, `links` and environment values that hold another
//! service's address (by service name, container name, host name or
//! network alias); entry points from published `ports`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::value::Value;
use super::{
    ImportError, Inventory, Link, Part, Placement, Replicas, Source, assemble, documents, hosts_in,
    not_the_format, redact, with_defaults, within_limits, writer,
};

/// A starter design from a Compose file.
pub fn compose(source: &Source) -> Result<String, ImportError> {
    within_limits(std::slice::from_ref(source))?;
    let documents = documents(source)?;
    let file = match documents.as_slice() {
        [one] => one,
        [] => {
            return Err(not_the_format(
                source,
                "the file is empty".to_string(),
                "a Compose file has a `services` mapping at the top",
            ));
        }
        _ => {
            return Err(not_the_format(
                source,
                format!("the file holds {} YAML documents", documents.len()),
                "a Compose file is one document with a `services` mapping at the top",
            ));
        }
    };
    let services = match file.get("services") {
        Some(Value::Map(services)) if !services.is_empty() => services,
        _ => {
            return Err(not_the_format(
                source,
                "no `services` mapping at the top: this is not a Compose file".to_string(),
                "a Compose file has a `services` mapping at the top, one entry per service",
            ));
        }
    };
    let inventory = inventory(source, file, services);
    Ok(writer::write(&assemble(inventory)))
}

fn inventory(source: &Source, file: &Value, services: &[(String, Value)]) -> Inventory {
    let mut sorted: Vec<&(String, Value)> = services.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let index_of: BTreeMap<&str, usize> = sorted
        .iter()
        .enumerate()
        .map(|(index, (name, _))| (name.as_str(), index))
        .collect();

    // The names other services reach each one by.
    let mut hosts: BTreeMap<String, usize> = BTreeMap::new();
    for (index, (name, service)) in sorted.iter().enumerate() {
        let mut names = vec![name.clone()];
        names.extend(service.get("container_name").and_then(Value::scalar));
        names.extend(service.get("hostname").and_then(Value::scalar));
        for (_, network) in service
            .get("networks")
            .map(Value::entries)
            .unwrap_or_default()
        {
            names.extend(
                network
                    .get("aliases")
                    .map(Value::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Value::scalar),
            );
        }
        for name in names {
            hosts.entry(name.to_ascii_lowercase()).or_insert(index);
        }
    }

    let mut parts = Vec::with_capacity(sorted.len());
    let mut entries = Vec::new();
    for (index, (name, service)) in sorted.iter().enumerate() {
        let mut part = Part::new(name, format!("Compose service `{name}`"));
        part.image = service.get("image").and_then(Value::scalar);
        if part.image.is_none() {
            let context = match service.get("build") {
                Some(Value::Map(_)) => service.text_at(&["build", "context"]).map(str::to_string),
                Some(other) => other.scalar(),
                None => None,
            };
            if let Some(context) = context {
                part.notes
                    .push(format!("built from `{context}`, so its kind is a guess"));
            }
        }
        part.replicas = if service.text_at(&["deploy", "mode"]) == Some("global") {
            Replicas::Unknown(
                "`deploy.mode: global` runs one container on every node: set the node count"
                    .to_string(),
            )
        } else if service.at(&["deploy", "replicas"]).is_some() {
            Replicas::from_field(service.at(&["deploy", "replicas"]), "deploy.replicas")
        } else {
            Replicas::from_field(service.get("scale"), "scale")
        };
        part.placement = placement(service);
        if service.get("env_file").is_some() {
            part.notes.push(
                "TODO its `env_file` is not read: addresses in it are not followed".to_string(),
            );
        }
        if let Some(extends) = service.get("extends") {
            let base = extends
                .scalar()
                .or_else(|| extends.get("service").and_then(Value::scalar))
                .unwrap_or_default();
            part.notes.push(format!(
                "TODO it extends `{base}`, which the import does not follow"
            ));
        }

        // Links (with their aliases), then depends_on, then the environment.
        let mut aliases: BTreeMap<String, usize> = BTreeMap::new();
        let mut unknown: BTreeSet<String> = BTreeSet::new();
        for link in service.get("links").map(Value::items).unwrap_or_default() {
            let Some(link) = link.scalar() else { continue };
            let (target, alias) = link.split_once(':').unwrap_or((&link, &link));
            match index_of.get(target) {
                Some(&to) => {
                    aliases.insert(alias.to_ascii_lowercase(), to);
                    part.links.push(Link {
                        to,
                        evidence: format!("links {}", redact(&link)),
                    });
                }
                None => {
                    unknown.insert(format!("`{target}` (links)"));
                }
            }
        }
        let dependencies: Vec<String> = match service.get("depends_on") {
            Some(Value::List(items)) => items.iter().filter_map(Value::scalar).collect(),
            Some(Value::Map(entries)) => entries.iter().map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        };
        for dependency in dependencies {
            match index_of.get(dependency.as_str()) {
                Some(&to) => part.links.push(Link {
                    to,
                    evidence: "depends_on".to_string(),
                }),
                None => {
                    unknown.insert(format!("`{dependency}` (depends_on)"));
                }
            }
        }
        for (variable, value) in environment(service) {
            let value = with_defaults(&value);
            for host in hosts_in(&variable, &value) {
                let evidence = format!("environment {variable}={}", redact(&value));
                match aliases.get(&host).or_else(|| hosts.get(&host)) {
                    Some(&to) => part.links.push(Link { to, evidence }),
                    None if host != "localhost" && host != "host.docker.internal" => {
                        unknown.insert(format!("`{host}` ({evidence})"));
                    }
                    None => {}
                }
            }
        }
        for target in unknown {
            part.notes.push(format!(
                "TODO also points at {target}, which this file does not run: an `external`?"
            ));
        }

        let ports: Vec<String> = service
            .get("ports")
            .map(Value::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|port| match port {
                Value::Map(_) => {
                    let published = port.get("published").and_then(Value::scalar);
                    let target = port.get("target").and_then(Value::scalar);
                    match (published, target) {
                        (Some(published), Some(target)) => Some(format!("{published}:{target}")),
                        (one, other) => one.or(other),
                    }
                }
                other => other.scalar(),
            })
            .collect();
        if let Some(first) = ports.first() {
            let more = match ports.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            entries.push(Link {
                to: index,
                evidence: format!("ports {}{more}", redact(first)),
            });
        }
        parts.push(part);
    }

    let title = file
        .get("name")
        .and_then(Value::scalar)
        .unwrap_or_else(|| title(&source.path));
    let count = parts.len();
    Inventory {
        format: super::Format::Compose,
        title,
        sources: vec![source.path.clone()],
        read: format!(
            "{count} service{} in {}",
            if count == 1 { "" } else { "s" },
            super::shown_path(&source.path)
        ),
        parts,
        entries,
        notes: Vec::new(),
    }
}

/// A service's environment, from a mapping or a `KEY=value` list.
fn environment(service: &Value) -> Vec<(String, String)> {
    match service.get("environment") {
        Some(Value::Map(_)) => service
            .get("environment")
            .map(Value::string_map)
            .unwrap_or_default(),
        Some(Value::List(items)) => items
            .iter()
            .filter_map(Value::scalar)
            .filter_map(|item| {
                item.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A swarm placement on a zone label: a spread preference, or a
/// constraint that holds the service to one zone.
fn placement(service: &Value) -> Placement {
    let Some(placement) = service.at(&["deploy", "placement"]) else {
        return Placement::Unknown;
    };
    for constraint in placement
        .get("constraints")
        .map(Value::items)
        .unwrap_or_default()
    {
        let Some(constraint) = constraint.scalar() else {
            continue;
        };
        if let Some((label, zone)) = constraint.split_once("==") {
            let label = label.trim();
            if label.contains("zone") {
                return Placement::Pinned(
                    vec![zone.trim().to_string()],
                    format!("deploy.placement constraint `{label}`"),
                );
            }
        }
    }
    for preference in placement
        .get("preferences")
        .map(Value::items)
        .unwrap_or_default()
    {
        if let Some(label) = preference.get("spread").and_then(Value::scalar)
            && label.contains("zone")
        {
            return Placement::Spread(format!("deploy.placement spread over `{label}`"));
        }
    }
    Placement::Unknown
}

/// The project's name as Compose derives it: the file's name, or its
/// folder's for the usual `compose.yaml` and `docker-compose.yml`.
fn title(path: &str) -> String {
    let path = Path::new(path);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let usual = ["compose", "docker-compose", "-"];
    if !stem.is_empty() && !usual.contains(&stem.as_str()) {
        return stem;
    }
    path.parent()
        .and_then(Path::file_name)
        .map(|folder| folder.to_string_lossy().into_owned())
        .unwrap_or_else(|| "compose".to_string())
}
