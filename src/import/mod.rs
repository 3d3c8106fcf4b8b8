//! `blueprint import`: a starter design from what is deployed. `k8s.rs`
//! reads Kubernetes manifests and `compose.rs` a Docker Compose file into
//! the same [`Inventory`] (what runs, how many, where, and what points at
//! what); this module turns it into a [`Starter`] (names in the design
//! format's alphabet, kinds and engines from images, calls without cycles,
//! zones) and `writer.rs` prints it as a commented design. What the files
//! cannot say (capacity, latency, timeouts, operations, requirements) is
//! left as `# TODO` lines, so `check` of the result runs at once and lists
//! what is missing.
//!
//! The files are read by `design::read` under the limits a design is read
//! with, so a hostile manifest is refused the way a hostile design is.

mod compose;
mod k8s;
mod value;
mod writer;

use std::collections::{BTreeMap, BTreeSet};

use crate::design::Kind;
use crate::design::errors::INVALID_YAML;
use crate::design::read::{self, MAX_FILE_BYTES};
use crate::diagnostic::{Diagnostic, FileReport, Span};

pub use compose::compose;
pub use k8s::kubernetes;
use value::Value;

/// One input file: the path as the user gave it, and its bytes.
pub struct Source {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportError {
    /// A file the YAML reader refused, with the reason at its place.
    Unreadable(FileReport),
    /// The input as a whole: nothing to import, not the format asked for,
    /// or more than the reader takes.
    Refused(String),
}

fn unreadable(source: &Source, diagnostics: Vec<Diagnostic>) -> ImportError {
    ImportError::Unreadable(FileReport {
        path: source.path.clone(),
        source: String::from_utf8_lossy(&source.bytes).into_owned(),
        diagnostics,
    })
}

/// Reads every YAML document of a file (empty ones skipped) under the
/// reader's limits.
fn documents(source: &Source) -> Result<Vec<Value>, ImportError> {
    let text = read::decode(&source.bytes).map_err(|d| unreadable(source, d))?;
    if let Some(offset) = helm_action(text) {
        // Some templates even parse as YAML (`name: {{ .Release.Name }}`
        // is a mapping), so they are refused before they are read.
        return Err(unreadable(
            source,
            vec![
                INVALID_YAML
                    .diagnostic("this is a Helm template, not a manifest")
                    .at(Span::at_offset(text, offset))
                    .label("a template action")
                    .help("render it first: `helm template RELEASE CHART > manifests.yaml`"),
            ],
        ));
    }
    read::parse_documents::<Value>(text).map_err(|d| unreadable(source, d))
}

/// Where the first Helm template action is: `{{ ... }}` that reads the
/// chart's `.Values`, `.Release`, `.Chart` or `.Capabilities`, or calls
/// `include`/`toYaml`. Other `{{ }}` (a Prometheus rule's `{{ $labels }}`
/// in a ConfigMap) are data.
fn helm_action(text: &str) -> Option<usize> {
    const HELM: [&str; 6] = [
        ".Values",
        ".Release",
        ".Chart",
        ".Capabilities",
        "include ",
        "toYaml",
    ];
    // Actions do not nest: each one is looked at once, so this stays
    // linear however many braces a hostile file holds.
    let mut from = 0;
    while let Some(start) = text[from..].find("{{").map(|i| from + i) {
        let end = start + text[start..].find("}}")?;
        if HELM.iter().any(|word| text[start..end].contains(word)) {
            return Some(start);
        }
        from = end + 2;
    }
    None
}

/// Refuses a file larger than the reader takes (naming it), and inputs
/// that together are.
fn within_limits(sources: &[Source]) -> Result<(), ImportError> {
    for source in sources {
        if source.bytes.len() > MAX_FILE_BYTES {
            read::decode(&source.bytes).map_err(|d| unreadable(source, d))?;
        }
    }
    let total: usize = sources.iter().map(|s| s.bytes.len()).sum();
    if total > MAX_FILE_BYTES {
        return Err(ImportError::Refused(format!(
            "the input adds up to {total} bytes, more than the limit of {MAX_FILE_BYTES} bytes (16 MiB); import fewer files at once"
        )));
    }
    Ok(())
}

/// A reader error for a file as a whole (not YAML of the expected shape).
fn not_the_format(source: &Source, message: String, help: &str) -> ImportError {
    unreadable(source, vec![INVALID_YAML.diagnostic(message).help(help)])
}

/// Which tool's files a starter was imported from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Kubernetes,
    Compose,
}

impl Format {
    /// What places replicas in zones, in this format.
    fn spread_keys(self) -> &'static str {
        match self {
            Format::Kubernetes => "no topologySpreadConstraints or pod anti-affinity on a zone key",
            Format::Compose => "no `deploy.placement` spread over a zone label",
        }
    }

    fn command(self) -> &'static str {
        match self {
            Format::Kubernetes => "blueprint import k8s",
            Format::Compose => "blueprint import compose",
        }
    }
}

/// What the input says, before names and kinds are decided.
pub(crate) struct Inventory {
    pub format: Format,
    /// The design's title.
    pub title: String,
    /// The input paths, as given.
    pub sources: Vec<String>,
    /// What was read, e.g. "34 objects in 2 files".
    pub read: String,
    pub parts: Vec<Part>,
    /// What clients call: Services of type LoadBalancer/NodePort and
    /// Ingresses, or published ports.
    pub entries: Vec<Link>,
    /// Notes for the whole design (skipped objects, loose references).
    pub notes: Vec<String>,
}

/// One thing that runs: a workload or a Compose service.
pub(crate) struct Part {
    /// The name in the input.
    pub name: String,
    /// The namespace it belongs to (Kubernetes), used to tell apart parts
    /// of one name.
    pub scope: Option<String>,
    /// What it was read from, e.g. "Deployment `cartservice`".
    pub origin: String,
    pub image: Option<String>,
    /// Set when the kind does not come from the image (an ExternalName
    /// Service is an `external`).
    pub kind: Option<Kind>,
    pub replicas: Replicas,
    /// Notes next to `replicas` (an autoscaler's range).
    pub replica_notes: Vec<String>,
    pub placement: Placement,
    pub notes: Vec<String>,
    pub links: Vec<Link>,
}

impl Part {
    pub fn new(name: &str, origin: String) -> Part {
        Part {
            name: name.to_string(),
            scope: None,
            origin,
            image: None,
            kind: None,
            replicas: Replicas::Unset,
            replica_notes: Vec::new(),
            placement: Placement::Unknown,
            notes: Vec::new(),
            links: Vec::new(),
        }
    }
}

/// A reference from a part (or from outside, for entries) to a part.
#[derive(Clone, Debug)]
pub(crate) struct Link {
    pub to: usize,
    /// What says so, e.g. "env CART_SERVICE_ADDR=cartservice:7070".
    pub evidence: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Replicas {
    /// A count the input gives (at least 1).
    Given(u32),
    /// The input leaves it out; the tool's default of 1 applies.
    Unset,
    /// No count can be known from the input, for this reason.
    Unknown(String),
}

impl Replicas {
    /// The count a field gives: whole, at least 1, at most
    /// [`MAX_REPLICAS`]; anything else is kept as a note.
    pub fn from_field(value: Option<&Value>, field: &str) -> Replicas {
        let value = match value {
            None | Some(Value::Null) => return Replicas::Unset,
            Some(value) => value,
        };
        match value.whole() {
            Some(n) if (1..=i128::from(MAX_REPLICAS)).contains(&n) => Replicas::Given(n as u32),
            Some(0) => Replicas::Unknown(format!("`{field}` is 0 (scaled to zero)")),
            Some(n) => Replicas::Unknown(format!("`{field}` is {n}, outside 1..{MAX_REPLICAS}")),
            None => Replicas::Unknown(format!("`{field}` is not a whole number")),
        }
    }
}

/// The most replicas an import writes: more than any real deployment
/// runs; a larger count in a manifest is left as a note.
pub const MAX_REPLICAS: u32 = 100_000;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Placement {
    /// Spread over zones, for this reason (a topology spread constraint or
    /// an anti-affinity on a zone key).
    Spread(String),
    /// Held to these zones by node selection.
    Pinned(Vec<String>, String),
    /// Nothing says where the replicas run.
    Unknown,
}

/// The design to write: names decided, calls acyclic, zones resolved.
pub(crate) struct Starter {
    pub format: Format,
    pub title: String,
    pub description: String,
    pub read: String,
    /// The design's zones and whether the input named them.
    pub zones: Vec<String>,
    pub zones_named: bool,
    /// Clients first, then the rest by name.
    pub components: Vec<Component>,
    pub notes: Vec<String>,
}

pub(crate) struct Component {
    pub name: String,
    /// The name in the input, when the design's differs.
    pub renamed_from: Option<String>,
    pub kind: Kind,
    pub engine: Option<&'static str>,
    pub origin: String,
    pub image: Option<String>,
    pub replicas: Replicas,
    pub replica_notes: Vec<String>,
    /// The zones and why (none for a client). When the input says
    /// nothing, the first zone alone: the worst case, which `check` flags.
    pub zones: Option<(Vec<String>, String)>,
    pub notes: Vec<String>,
    pub calls: Vec<Call>,
    /// Names of the components whose references were left out because
    /// they would close a cycle, with the evidence.
    pub left_out: Vec<Call>,
    /// For a queue: the components that reference it (consumer candidates).
    pub referenced_by: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Call {
    pub to: String,
    /// Every reason, sorted, without repeats.
    pub evidence: Vec<String>,
}

/// The name of the client that stands for everything outside.
const CLIENT: &str = "users";

/// Zones written when the input names none: placeholders that make
/// `check` judge every component's spread.
const PLACEHOLDER_ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];

/// Kinds a client must not call directly (BP502); published ports of
/// these are noted, not drawn as entry points.
fn behind_the_tier(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Database | Kind::Cache | Kind::Queue | Kind::ObjectStore
    )
}

/// Decides names, kinds, calls and zones.
pub(crate) fn assemble(inventory: Inventory) -> Starter {
    let Inventory {
        format,
        title,
        sources,
        read,
        parts,
        entries,
        mut notes,
    } = inventory;
    let names = allocate_names(&parts);
    let kinds: Vec<(Kind, Option<&'static str>)> = parts
        .iter()
        .map(|part| match (part.kind, &part.image) {
            (Some(kind), _) => (kind, None),
            (None, Some(image)) => classify(image),
            (None, None) => (Kind::Service, None),
        })
        .collect();

    // References: once per pair, every reason kept; none to itself.
    let mut references: Vec<BTreeMap<usize, BTreeSet<String>>> = vec![BTreeMap::new(); parts.len()];
    for (from, part) in parts.iter().enumerate() {
        for link in &part.links {
            if link.to != from {
                references[from]
                    .entry(link.to)
                    .or_default()
                    .insert(link.evidence.clone());
            }
        }
    }
    let left_out = break_cycles(&mut references, &names);

    let mut referenced_by: Vec<BTreeSet<String>> = vec![BTreeSet::new(); parts.len()];
    for (from, callees) in references.iter().enumerate() {
        for &to in callees.keys() {
            referenced_by[to].insert(names[from].clone());
        }
    }

    // Entry points: what clients reach, unless it is a store.
    let mut entry_calls: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let mut entry_notes: Vec<Vec<String>> = vec![Vec::new(); parts.len()];
    for link in entries {
        if behind_the_tier(kinds[link.to].0) {
            entry_notes[link.to].push(format!(
                "reachable from outside ({}); not drawn as an entry point: clients do not call a {} directly",
                link.evidence, kinds[link.to].0
            ));
        } else {
            entry_calls
                .entry(link.to)
                .or_default()
                .insert(link.evidence);
        }
    }

    let (zones, zones_named) = design_zones(&parts);
    let mut components = Vec::with_capacity(parts.len() + 1);
    let taken: BTreeSet<String> = names.iter().cloned().collect();
    if !entry_calls.is_empty() {
        let client = unused_name(CLIENT, &taken);
        let calls = entry_calls
            .into_iter()
            .map(|(to, evidence)| Call {
                to: names[to].clone(),
                evidence: evidence.into_iter().collect(),
            })
            .collect();
        components.push(Component {
            name: client,
            renamed_from: None,
            kind: Kind::Client,
            engine: None,
            origin: "everything outside that reaches the entry points".to_string(),
            image: None,
            replicas: Replicas::Unset,
            replica_notes: Vec::new(),
            zones: None,
            notes: Vec::new(),
            calls: sorted_calls(calls),
            left_out: Vec::new(),
            referenced_by: Vec::new(),
        });
    } else {
        notes.push(
            "TODO: nothing is reachable from outside (no Service of type LoadBalancer or NodePort, no Ingress, no published port): add a `client` that calls the entry point"
                .to_string(),
        );
    }

    let mut rest = Vec::with_capacity(parts.len());
    for (index, part) in parts.into_iter().enumerate() {
        let (kind, engine) = kinds[index];
        let calls = references[index]
            .iter()
            .map(|(&to, evidence)| Call {
                to: names[to].clone(),
                evidence: evidence.iter().cloned().collect(),
            })
            .collect();
        let placement_zones = match &part.placement {
            Placement::Pinned(pinned, why) => Some((
                pinned
                    .iter()
                    .map(|z| normalise(z))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                why.clone(),
            )),
            Placement::Spread(why) => Some((zones.clone(), why.clone())),
            // The worst case, written out, so that `check` judges it.
            Placement::Unknown => Some((
                zones.iter().take(1).cloned().collect(),
                format!(
                    "none found ({}): assumed to share one zone",
                    format.spread_keys()
                ),
            )),
        };
        let mut component_notes = part.notes;
        component_notes.append(&mut entry_notes[index]);
        let renamed_from =
            (names[index] != part.name && !part.name.is_empty()).then(|| part.name.clone());
        rest.push(Component {
            name: names[index].clone(),
            renamed_from,
            kind,
            engine,
            origin: part.origin,
            image: part.image,
            replicas: part.replicas,
            replica_notes: part.replica_notes,
            zones: placement_zones,
            notes: component_notes,
            calls: sorted_calls(calls),
            left_out: sorted_calls(left_out[index].clone()),
            referenced_by: referenced_by[index].iter().cloned().collect(),
        });
    }
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    components.extend(rest);

    let shown = sources.len().min(4);
    let named: Vec<&str> = sources[..shown]
        .iter()
        .map(|path| shown_path(path))
        .collect();
    let mut from = named.join(", ");
    if sources.len() > shown {
        from.push_str(&format!(" and {} more", sources.len() - shown));
    }
    let description = format!("Imported by `{}` from {from}.", format.command());
    Starter {
        format,
        title,
        description,
        read,
        zones,
        zones_named,
        components,
        notes,
    }
}

/// A path as the user gave it, standard input by name.
pub(crate) fn shown_path(path: &str) -> &str {
    if path == "-" { "standard input" } else { path }
}

fn sorted_calls(mut calls: Vec<Call>) -> Vec<Call> {
    calls.sort_by(|a, b| a.to.cmp(&b.to));
    calls
}

/// The design's zones: those the input pins replicas to, or placeholders.
fn design_zones(parts: &[Part]) -> (Vec<String>, bool) {
    let named: BTreeSet<String> = parts
        .iter()
        .filter_map(|part| match &part.placement {
            Placement::Pinned(zones, _) => Some(zones),
            _ => None,
        })
        .flatten()
        .map(|zone| normalise(zone))
        .collect();
    if named.is_empty() {
        (
            PLACEHOLDER_ZONES.iter().map(|z| z.to_string()).collect(),
            false,
        )
    } else {
        (named.into_iter().collect(), true)
    }
}

/// Removes the references that close a cycle (a depth-first walk in name
/// order drops each edge back to a component still on its path), so that
/// the design has no cycle of sync calls. Returns what was left out, per
/// caller.
fn break_cycles(
    references: &mut [BTreeMap<usize, BTreeSet<String>>],
    names: &[String],
) -> Vec<Vec<Call>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let count = references.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let successors: Vec<Vec<usize>> = references
        .iter()
        .map(|callees| {
            let mut next: Vec<usize> = callees.keys().copied().collect();
            next.sort_by(|&a, &b| names[a].cmp(&names[b]));
            next
        })
        .collect();
    let mut mark = vec![Mark::New; count];
    let mut back_edges = Vec::new();
    for &root in &order {
        if mark[root] != Mark::New {
            continue;
        }
        let mut path = vec![(root, 0usize)];
        mark[root] = Mark::OnPath;
        while let Some((node, next)) = path.last_mut() {
            let node = *node;
            if let Some(&to) = successors[node].get(*next) {
                *next += 1;
                match mark[to] {
                    Mark::New => {
                        mark[to] = Mark::OnPath;
                        path.push((to, 0));
                    }
                    Mark::OnPath => back_edges.push((node, to)),
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                path.pop();
            }
        }
    }
    let mut left_out = vec![Vec::new(); count];
    for (from, to) in back_edges {
        if let Some(evidence) = references[from].remove(&to) {
            left_out[from].push(Call {
                to: names[to].clone(),
                evidence: evidence.into_iter().collect(),
            });
        }
    }
    left_out
}

/// Names in the design format's alphabet (`[a-z0-9_-]+`), one per part
/// and all different: a name that two namespaces share takes its
/// namespace as a prefix, and any clash left gets a number.
fn allocate_names(parts: &[Part]) -> Vec<String> {
    let bases: Vec<String> = parts.iter().map(|part| normalise(&part.name)).collect();
    let mut scopes: BTreeMap<&str, BTreeSet<Option<&str>>> = BTreeMap::new();
    for (base, part) in bases.iter().zip(parts) {
        scopes
            .entry(base.as_str())
            .or_default()
            .insert(part.scope.as_deref());
    }
    // A part whose name is already in the alphabet chooses first.
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| {
        let part = &parts[i];
        (
            &bases[i],
            &part.scope,
            part.name != bases[i],
            &part.name,
            &part.origin,
        )
    });
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut names = vec![String::new(); parts.len()];
    for index in order {
        let base = &bases[index];
        let wanted = match &parts[index].scope {
            Some(scope) if scopes[base.as_str()].len() > 1 => {
                format!("{}-{base}", normalise(scope))
            }
            _ => base.clone(),
        };
        let name = unused_name(&wanted, &taken);
        taken.insert(name.clone());
        names[index] = name;
    }
    names
}

/// `wanted`, or `wanted-2`, `wanted-3`... whichever is free.
fn unused_name(wanted: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(wanted) {
        return wanted.to_string();
    }
    (2..)
        .map(|n| format!("{wanted}-{n}"))
        .find(|name| !taken.contains(name))
        .unwrap_or_default()
}

/// A name in `[a-z0-9_-]+`: lowercase, every other character a `-`.
pub(crate) fn normalise(name: &str) -> String {
    let normal: String = name
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_' | '-') => c,
            _ => '-',
        })
        .collect();
    if normal.is_empty() {
        "unnamed".to_string()
    } else {
        normal
    }
}

/// Image names (or words of them) and what they run.
const ENGINES: &[(&str, Kind, &str)] = &[
    ("redis", Kind::Cache, "redis"),
    ("valkey", Kind::Cache, "valkey"),
    ("memcached", Kind::Cache, "memcached"),
    ("postgres", Kind::Database, "postgres"),
    ("postgresql", Kind::Database, "postgres"),
    ("mysql", Kind::Database, "mysql"),
    ("mariadb", Kind::Database, "mariadb"),
    ("mongo", Kind::Database, "mongodb"),
    ("mongodb", Kind::Database, "mongodb"),
    ("cassandra", Kind::Database, "cassandra"),
    ("kafka", Kind::Queue, "kafka"),
    ("rabbitmq", Kind::Queue, "rabbitmq"),
    ("nats", Kind::Queue, "nats"),
    ("nginx", Kind::LoadBalancer, "nginx"),
    ("haproxy", Kind::LoadBalancer, "haproxy"),
    ("envoy", Kind::Gateway, "envoy"),
    ("traefik", Kind::Gateway, "traefik"),
    ("minio", Kind::ObjectStore, "minio"),
    ("elasticsearch", Kind::Search, "elasticsearch"),
    ("opensearch", Kind::Search, "opensearch"),
];

/// The kind and engine of what an image runs, from its name: the last
/// path segment first (`bitnami/redis:7` is Redis), then the other
/// segments after the registry (`ingress-nginx/controller` is nginx);
/// a word of a segment counts (`cp-kafka`, `redis-cluster`). Anything
/// else is a `service`.
pub(crate) fn classify(image: &str) -> (Kind, Option<&'static str>) {
    let image = image
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut segments: Vec<&str> = image.split('/').collect();
    if segments.len() > 1
        && segments
            .first()
            .is_some_and(|first| first.contains(['.', ':']) || *first == "localhost")
    {
        segments.remove(0);
    }
    // The tag follows the first `:` of the last segment.
    let last = segments
        .pop()
        .map(|s| s.split(':').next().unwrap_or_default())
        .unwrap_or_default();
    let engine_of = |segment: &str| {
        segment
            .split(['-', '_', '.'])
            .find_map(|word| ENGINES.iter().find(|(name, _, _)| *name == word))
    };
    engine_of(last)
        .or_else(|| segments.iter().rev().find_map(|segment| engine_of(segment)))
        .map_or((Kind::Service, None), |&(_, kind, engine)| {
            (kind, Some(engine))
        })
}

/// Environment variables whose value may be a bare host name; any other
/// variable counts only with `host:port` or a URL.
fn names_an_address(variable: &str) -> bool {
    let upper = variable.to_ascii_uppercase();
    [
        "HOST", "HOSTNAME", "ADDR", "ADDRESS", "SERVER", "SERVERS", "SERVICE", "ENDPOINT", "URL",
        "URI", "BROKERS", "BROKER",
    ]
    .iter()
    .any(|suffix| upper == *suffix || upper.ends_with(&format!("_{suffix}")))
}

/// The host names a value points at: `host:port`, connection URLs
/// (`redis://cache:6379`, `postgres://user:secret@db/shop`, also lists
/// like `mongodb://a:27017,b:27017/db`), and, for a variable named as an
/// address (`*_HOST`, `*_ADDR`...), a bare host. Lowercased, in order.
pub(crate) fn hosts_in(variable: &str, value: &str) -> Vec<String> {
    let bare_allowed = names_an_address(variable);
    let mut hosts = Vec::new();
    for token in value.split([',', ';', ' ', '\t', '\n']) {
        let token = token.trim_matches(|c| c == '"' || c == '\'');
        if token.is_empty() {
            continue;
        }
        let (rest, is_url) = match token.find("://") {
            Some(at) => (&token[at + 3..], true),
            None => (token, false),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = match authority.rfind('@') {
            Some(at) if is_url => &authority[at + 1..],
            Some(_) => continue,
            None => authority,
        };
        if authority.starts_with('[') {
            continue; // an IPv6 address names no component
        }
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let has_port = port.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let counts =
            is_url || has_port || (bare_allowed && port.is_none() && rest.len() == authority.len());
        if counts && is_host_name(host) {
            hosts.push(host.trim_end_matches('.').to_ascii_lowercase());
        }
    }
    hosts
}

/// A DNS name, not an IP address.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        && !host.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// A value as evidence in a comment: a URL's password and query left out,
/// and at most 100 characters.
pub(crate) fn redact(value: &str) -> String {
    let mut shown = String::new();
    for (index, token) in value.split(',').enumerate() {
        if index > 0 {
            shown.push(',');
        }
        let token = match token.find("://") {
            Some(at) => {
                let (scheme, rest) = token.split_at(at + 3);
                let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let (authority, tail) = rest.split_at(end);
                let authority = match authority.rfind('@') {
                    Some(at) => {
                        let user = authority[..at].split(':').next().unwrap_or_default();
                        format!("{user}:***@{}", &authority[at + 1..])
                    }
                    None => authority.to_string(),
                };
                let tail = match tail.find('?') {
                    Some(q) => format!("{}?…", &tail[..q]),
                    None => tail.to_string(),
                };
                format!("{scheme}{authority}{tail}")
            }
            None => token.to_string(),
        };
        shown.push_str(&token);
    }
    if shown.chars().count() > 100 {
        shown = shown.chars().take(99).chain(['…']).collect();
    }
    shown
}

/// Fills in `${NAME:-default}` and `${NAME-default}` with their defaults,
/// as Compose does when the variable is unset; other variables stay as
/// written.
pub(crate) fn with_defaults(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        match inner.find(":-").or_else(|| inner.find('-')) {
            Some(at) => {
                let skip = if inner[at..].starts_with(":-") { 2 } else { 1 };
                out.push_str(&inner[at + skip..]);
            }
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_give_kinds_and_engines() {
        let cases = [
            ("redis:alpine", Kind::Cache, Some("redis")),
            (
                "gcr.io/google-samples/microservices-demo/redis:alpine:v0.3.6",
                Kind::Cache,
                Some("redis"),
            ),
            ("bitnami/redis-cluster:7.2", Kind::Cache, Some("redis")),
            ("memcached", Kind::Cache, Some("memcached")),
            ("mongo:4.4.6", Kind::Database, Some("mongodb")),
            (
                "docker.io/bitnami/postgresql:16",
                Kind::Database,
                Some("postgres"),
            ),
            ("postgres@sha256:abc", Kind::Database, Some("postgres")),
            ("confluentinc/cp-kafka:7.6.0", Kind::Queue, Some("kafka")),
            ("rabbitmq:3-management", Kind::Queue, Some("rabbitmq")),
            ("nats:2.10", Kind::Queue, Some("nats")),
            ("nginx:1.27", Kind::LoadBalancer, Some("nginx")),
            (
                "registry.k8s.io/ingress-nginx/controller:v1.9",
                Kind::LoadBalancer,
                Some("nginx"),
            ),
            ("envoyproxy/envoy:v1.30", Kind::Gateway, Some("envoy")),
            ("traefik:v3", Kind::Gateway, Some("traefik")),
            ("minio/minio", Kind::ObjectStore, Some("minio")),
            (
                "opensearchproject/opensearch:2",
                Kind::Search,
                Some("opensearch"),
            ),
            (
                "docker.elastic.co/elasticsearch/elasticsearch:8.13.0",
                Kind::Search,
                Some("elasticsearch"),
            ),
            ("us-docker.pkg.dev/shop/cartservice:v1", Kind::Service, None),
            (
                "deathstarbench/hotel-reservation:latest",
                Kind::Service,
                None,
            ),
            ("localhost:5000/redis", Kind::Cache, Some("redis")),
            ("", Kind::Service, None),
        ];
        for (image, kind, engine) in cases {
            assert_eq!(classify(image), (kind, engine), "{image}");
        }
    }

    #[test]
    fn addresses_name_hosts() {
        assert_eq!(
            hosts_in("CART_SERVICE_ADDR", "cartservice:7070"),
            ["cartservice"]
        );
        assert_eq!(hosts_in("REDIS_URL", "redis://cache:6379/0"), ["cache"]);
        assert_eq!(
            hosts_in(
                "DATABASE_URL",
                "postgres://shop:s3cret@db.shop.svc.cluster.local:5432/shop?sslmode=disable"
            ),
            ["db.shop.svc.cluster.local"]
        );
        assert_eq!(
            hosts_in("MONGO", "mongodb://a:27017,b:27017/hotel"),
            ["a", "b"]
        );
        assert_eq!(
            hosts_in("MEMCACHED_HOST", "memcached-rate"),
            ["memcached-rate"]
        );
        assert_eq!(hosts_in("LOG_LEVEL", "info"), Vec::<String>::new());
        assert_eq!(hosts_in("PORT", "8080"), Vec::<String>::new());
        assert_eq!(hosts_in("X_HOST", "10.0.0.1:80"), Vec::<String>::new());
        assert_eq!(hosts_in("X_URL", "http://[::1]:80/"), Vec::<String>::new());
        assert_eq!(hosts_in("X_HOST", "user@host"), Vec::<String>::new());
        assert_eq!(hosts_in("LISTEN", ":8080"), Vec::<String>::new());
    }

    #[test]
    fn evidence_hides_passwords_and_queries() {
        assert_eq!(
            redact("postgres://shop:s3cret@db/shop?sslmode=disable"),
            "postgres://shop:***@db/shop?…"
        );
        assert_eq!(redact("cartservice:7070"), "cartservice:7070");
        assert_eq!(redact(&"x".repeat(300)).chars().count(), 100);
    }

    #[test]
    fn compose_defaults_are_filled_in() {
        assert_eq!(
            with_defaults("redis://${REDIS_HOST:-cache}:6379"),
            "redis://cache:6379"
        );
        assert_eq!(with_defaults("${A-b}/${C}"), "b/${C}");
        assert_eq!(with_defaults("${open"), "${open");
    }

    #[test]
    fn names_are_normalised_and_unique() {
        let part = |name: &str, scope: &str| {
            let mut part = Part::new(name, format!("Deployment `{name}`"));
            part.scope = Some(scope.to_string());
            part
        };
        let parts = vec![
            part("api", "a"),
            part("api", "b"),
            part("Web.API", "a"),
            part("web-api", "a"),
            part("", "a"),
        ];
        assert_eq!(
            allocate_names(&parts),
            ["a-api", "b-api", "web-api-2", "web-api", "unnamed"]
        );
    }

    #[test]
    fn cycles_are_broken_in_name_order() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut references = vec![BTreeMap::new(); 3];
        let reason = |r: &str| BTreeSet::from([r.to_string()]);
        references[0].insert(1, reason("a->b"));
        references[1].insert(2, reason("b->c"));
        references[2].insert(0, reason("c->a"));
        let left_out = break_cycles(&mut references, &names);
        assert!(references[2].is_empty());
        assert_eq!(left_out[2][0].to, "a");
        assert_eq!(references[0].len() + references[1].len(), 2);
    }
}
