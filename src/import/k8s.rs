//! Kubernetes manifests to an [`Inventory`]: one part per Deployment,
//! StatefulSet and DaemonSet (and per ExternalName Service, an `external`);
//! replicas from the spec or the autoscaler's minimum; placement from
//! topology spread constraints, pod anti-affinity and node selection on a
//! zone key; references from container environment variables (also through
//! ConfigMaps) and arguments that hold a Service's address; entry points
//! from Services of type LoadBalancer or NodePort and from Ingresses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::value::Value;
use super::{
    ImportError, Inventory, Link, Part, Placement, Replicas, Source, assemble, classify, documents,
    hosts_in, redact, within_limits, writer,
};
use crate::design::Kind;

/// The node labels that name a zone.
const ZONE_KEYS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

const WORKLOADS: [&str; 3] = ["Deployment", "StatefulSet", "DaemonSet"];

/// Kinds read besides the workloads; every other kind is skipped with a
/// note.
const READ: [&str; 5] = [
    "Service",
    "Ingress",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "ConfigMap",
];

/// A starter design from Kubernetes manifests: every document of every
/// file (`List`s opened).
pub fn kubernetes(sources: &[Source]) -> Result<String, ImportError> {
    within_limits(sources)?;
    let mut objects = Vec::new();
    let mut not_objects = 0;
    for source in sources {
        for document in documents(source)? {
            collect(document, &mut objects, &mut not_objects);
        }
    }
    // One namespace for all is said once, not at every object.
    let namespaces: BTreeSet<&str> = objects
        .iter()
        .filter(|o| WORKLOADS.contains(&o.kind.as_str()) || READ.contains(&o.kind.as_str()))
        .map(|o| o.namespace.as_str())
        .collect();
    let mut notes = Vec::new();
    if let [only] = namespaces.into_iter().collect::<Vec<_>>()[..] {
        if objects.iter().any(|o| o.namespaced) {
            notes.push(format!("every object is in namespace `{only}`"));
        }
        for object in &mut objects {
            object.namespaced = false;
        }
    }
    let mut inventory = inventory(&objects, not_objects, sources)?;
    notes.append(&mut inventory.notes);
    inventory.notes = notes;
    Ok(writer::write(&assemble(inventory)))
}

/// One object of the manifests.
struct Object {
    kind: String,
    name: String,
    namespace: String,
    /// Whether the manifest names the namespace.
    namespaced: bool,
    body: Value,
}

impl Object {
    fn spec(&self) -> Option<&Value> {
        self.body.get("spec")
    }

    /// "Deployment `cart`", with the namespace when the manifest gives one.
    fn describe(&self) -> String {
        if self.name.is_empty() {
            format!("{} without a `metadata.name`", self.kind)
        } else if self.namespaced {
            format!(
                "{} `{}` (namespace `{}`)",
                self.kind, self.name, self.namespace
            )
        } else {
            format!("{} `{}`", self.kind, self.name)
        }
    }
}

fn collect(document: Value, objects: &mut Vec<Object>, not_objects: &mut usize) {
    let kind = document.text_at(&["kind"]).unwrap_or_default().to_string();
    if kind.ends_with("List") && matches!(document.get("items"), Some(Value::List(_))) {
        if let Value::Map(entries) = document {
            for (key, items) in entries {
                if let ("items", Value::List(items)) = (key.as_str(), items) {
                    for item in items {
                        collect(item, objects, not_objects);
                    }
                }
            }
        }
        return;
    }
    if kind.is_empty() || !matches!(document, Value::Map(_)) {
        *not_objects += 1;
        return;
    }
    let name = document
        .at(&["metadata", "name"])
        .and_then(Value::scalar)
        .unwrap_or_default();
    let given_namespace = document
        .at(&["metadata", "namespace"])
        .and_then(Value::scalar);
    objects.push(Object {
        kind,
        name,
        namespaced: given_namespace.is_some(),
        namespace: given_namespace.unwrap_or_else(|| "default".to_string()),
        body: document,
    });
}

/// A pod's labels, in file order.
type Labels = Vec<(String, String)>;

/// A workload's pod template.
struct Pod<'a> {
    labels: Labels,
    spec: Option<&'a Value>,
}

fn pod(object: &Object) -> Pod<'_> {
    let template = object.spec().and_then(|s| s.get("template"));
    Pod {
        labels: template
            .and_then(|t| t.at(&["metadata", "labels"]))
            .map(Value::string_map)
            .unwrap_or_default(),
        spec: template.and_then(|t| t.get("spec")),
    }
}

/// A label selector, read once: a Service's plain map, or a workload
/// selector's `matchLabels` and `matchExpressions`.
struct Selector {
    labels: Labels,
    /// (key, operator, values)
    expressions: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    fn plain(selector: &Value) -> Selector {
        Selector {
            labels: selector.string_map(),
            expressions: Vec::new(),
        }
    }

    fn of(selector: &Value) -> Selector {
        let expressions = selector
            .get("matchExpressions")
            .map(Value::items)
            .unwrap_or_default()
            .iter()
            .map(|expression| {
                let text = |key: &str| expression.text_at(&[key]).unwrap_or_default().to_string();
                let values = expression
                    .get("values")
                    .map(Value::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Value::scalar)
                    .collect();
                (text("key"), text("operator"), values)
            })
            .collect();
        Selector {
            labels: selector
                .get("matchLabels")
                .map(Value::string_map)
                .unwrap_or_default(),
            expressions,
        }
    }

    /// Whether it selects a pod with these labels. An empty selector
    /// selects nothing here: it would mean every pod.
    fn selects(&self, labels: &[(String, String)]) -> bool {
        let label = |key: &str| labels.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        if self.labels.is_empty() && self.expressions.is_empty() {
            return false;
        }
        self.labels
            .iter()
            .all(|(key, value)| label(key) == Some(value))
            && self
                .expressions
                .iter()
                .all(|(key, operator, values)| match operator.as_str() {
                    "In" => label(key).is_some_and(|v| values.contains(v)),
                    "NotIn" => label(key).is_none_or(|v| !values.contains(v)),
                    "Exists" => label(key).is_some(),
                    "DoesNotExist" => label(key).is_none(),
                    _ => false,
                })
    }
}

/// Selector matches and references the import works through at most:
/// far beyond any real cluster, and a bound on what a hostile file can
/// make it do (a thousand Services that each select every workload).
const MAX_WORK: usize = 1_000_000;

struct Work(usize);

impl Work {
    fn spend(&mut self, amount: usize) -> Result<(), ImportError> {
        self.0 = self.0.saturating_add(amount);
        if self.0 > MAX_WORK {
            return Err(ImportError::Refused(format!(
                "the manifests make more than {MAX_WORK} selector matches and references; import fewer objects at once"
            )));
        }
        Ok(())
    }
}

/// A Service: what it selects and how it is exposed.
struct ServiceInfo<'a> {
    object: &'a Object,
    kind: String,
    /// The parts it selects.
    targets: Vec<usize>,
}

/// The workloads (each with its part, its object and its pod's labels),
/// the Services and what they select, and everything they say.
fn inventory(
    objects: &[Object],
    not_objects: usize,
    sources: &[Source],
) -> Result<Inventory, ImportError> {
    let mut parts: Vec<Part> = Vec::new();
    let mut workloads: Vec<(usize, &Object, Labels)> = Vec::new();
    let mut skipped: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut sorted: Vec<&Object> = objects.iter().collect();
    sorted.sort_by(|a, b| (&a.namespace, &a.name, &a.kind).cmp(&(&b.namespace, &b.name, &b.kind)));

    for object in &sorted {
        if WORKLOADS.contains(&object.kind.as_str()) {
            workloads.push((parts.len(), object, pod(object).labels));
            parts.push(workload(object));
        } else if !READ.contains(&object.kind.as_str()) {
            skipped
                .entry(object.kind.as_str())
                .or_default()
                .insert(object.name.as_str());
        }
    }
    if workloads.is_empty() {
        let paths: Vec<&str> = sources.iter().map(|s| s.path.as_str()).collect();
        return Err(ImportError::Refused(format!(
            "found no Deployment, StatefulSet or DaemonSet in {} ({} objects read); nothing to import",
            paths.join(", "),
            objects.len()
        )));
    }

    // Services and what they select (found through the workloads' labels);
    // an ExternalName Service is a part.
    let mut labelled: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
    for (position, (_, object, labels)) in workloads.iter().enumerate() {
        for (key, value) in labels {
            labelled
                .entry((object.namespace.as_str(), key.as_str(), value.as_str()))
                .or_default()
                .push(position);
        }
    }
    let mut work = Work(0);
    let mut services: Vec<ServiceInfo> = Vec::new();
    for object in sorted.iter().filter(|o| o.kind == "Service") {
        let kind = object
            .spec()
            .and_then(|s| s.text_at(&["type"]))
            .unwrap_or("ClusterIP")
            .to_string();
        let mut targets = Vec::new();
        if kind == "ExternalName" {
            let mut part = Part::new(&object.name, object.describe());
            part.scope = Some(object.namespace.clone());
            part.kind = Some(Kind::External);
            if let Some(host) = object.spec().and_then(|s| s.text_at(&["externalName"])) {
                part.origin = format!("{}, ExternalName `{host}`", part.origin);
            }
            targets.push(parts.len());
            parts.push(part);
        } else if let Some(selector) = object.spec().and_then(|s| s.get("selector")) {
            // The workloads that carry the selector's rarest label.
            let selector = Selector::plain(selector);
            let candidates = selector
                .labels
                .iter()
                .map(|(key, value)| {
                    labelled
                        .get(&(object.namespace.as_str(), key.as_str(), value.as_str()))
                        .map_or(&[][..], Vec::as_slice)
                })
                .min_by_key(|candidates| candidates.len())
                .unwrap_or_default();
            work.spend(candidates.len())?;
            targets = candidates
                .iter()
                .map(|&position| &workloads[position])
                .filter(|(_, _, labels)| selector.selects(labels))
                .map(|&(index, _, _)| index)
                .collect();
        }
        if targets.is_empty() {
            notes.push(format!(
                "{} selects no Deployment, StatefulSet or DaemonSet of these manifests",
                object.describe()
            ));
        }
        services.push(ServiceInfo {
            object,
            kind,
            targets,
        });
    }
    let namespaces: BTreeSet<&str> = objects.iter().map(|o| o.namespace.as_str()).collect();
    let mut by_name: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for service in &services {
        by_name
            .entry((&service.object.namespace, &service.object.name))
            .or_default()
            .extend(&service.targets);
    }
    let lookup = |namespace: &str, name: &str| -> Vec<usize> {
        by_name.get(&(namespace, name)).cloned().unwrap_or_default()
    };
    let resolve = |host: &str, namespace: &str| -> Vec<usize> {
        let host = [".svc.cluster.local", ".cluster.local", ".svc"]
            .iter()
            .find_map(|suffix| host.strip_suffix(suffix))
            .unwrap_or(host);
        let labels: Vec<&str> = host.split('.').collect();
        match labels.as_slice() {
            [service] => lookup(namespace, service),
            [service, other] if namespaces.contains(other) => {
                let found = lookup(other, service);
                if found.is_empty() {
                    lookup(namespace, other)
                } else {
                    found
                }
            }
            // A StatefulSet pod's own name: pod.service
            [_, service] => lookup(namespace, service),
            [_, service, other] => lookup(other, service),
            _ => Vec::new(),
        }
    };

    // References from what the containers are told.
    let config_maps: BTreeMap<(&str, &str), Vec<(String, String)>> = sorted
        .iter()
        .filter(|o| o.kind == "ConfigMap")
        .map(|o| {
            (
                (o.namespace.as_str(), o.name.as_str()),
                o.body
                    .get("data")
                    .map(Value::string_map)
                    .unwrap_or_default(),
            )
        })
        .collect();
    for &(index, object, _) in &workloads {
        let mut unknown: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (host, evidence) in addresses(object, &config_maps) {
            let targets = resolve(&host, &object.namespace);
            if targets.is_empty() {
                if host != "localhost" && !host.starts_with("localhost.") {
                    unknown.entry(host).or_default().insert(evidence);
                }
                continue;
            }
            work.spend(targets.len())?;
            for to in targets {
                parts[index].links.push(Link {
                    to,
                    evidence: evidence.clone(),
                });
            }
        }
        for (host, evidence) in unknown {
            let evidence: Vec<String> = evidence.into_iter().collect();
            parts[index].notes.push(format!(
                "TODO also points at `{host}` ({}), which these manifests do not run: an `external`?",
                evidence.join("; ")
            ));
        }
    }

    // Entry points.
    let mut entries = Vec::new();
    for service in &services {
        if service.kind == "LoadBalancer" || service.kind == "NodePort" {
            for &to in &service.targets {
                entries.push(Link {
                    to,
                    evidence: format!("Service `{}` of type {}", service.object.name, service.kind),
                });
            }
        }
    }
    for object in sorted.iter().filter(|o| o.kind == "Ingress") {
        for (backend, route) in ingress_backends(object) {
            let targets = lookup(&object.namespace, &backend);
            if targets.is_empty() {
                notes.push(format!(
                    "{} routes {route} to Service `{backend}`, which selects nothing here",
                    object.describe()
                ));
            }
            work.spend(targets.len())?;
            for to in targets {
                entries.push(Link {
                    to,
                    evidence: format!("{} {route}", object.describe()),
                });
            }
        }
    }

    // Autoscalers and disruption budgets.
    let by_identity: BTreeMap<(&str, &str, &str), usize> = workloads
        .iter()
        .map(|(index, w, _)| {
            (
                (w.namespace.as_str(), w.kind.as_str(), w.name.as_str()),
                *index,
            )
        })
        .collect();
    for object in sorted
        .iter()
        .filter(|o| o.kind == "HorizontalPodAutoscaler")
    {
        let spec = object.spec();
        let target_kind = spec
            .and_then(|s| s.text_at(&["scaleTargetRef", "kind"]))
            .unwrap_or_default();
        let target_name = spec
            .and_then(|s| s.at(&["scaleTargetRef", "name"]))
            .and_then(Value::scalar)
            .unwrap_or_default();
        let target =
            by_identity.get(&(object.namespace.as_str(), target_kind, target_name.as_str()));
        let Some(&index) = target else {
            notes.push(format!(
                "{} scales {target_kind} `{target_name}`, which these manifests do not define",
                object.describe()
            ));
            continue;
        };
        let minimum = spec.and_then(|s| s.get("minReplicas"));
        let maximum = spec
            .and_then(|s| s.get("maxReplicas"))
            .and_then(Value::scalar)
            .unwrap_or_else(|| "?".to_string());
        let minimum_text = minimum
            .and_then(Value::scalar)
            .unwrap_or_else(|| "1".to_string());
        let mut note = format!(
            "{} scales it from {minimum_text} to {maximum} replicas",
            object.describe()
        );
        if let Some(cpu) = cpu_target(spec) {
            note.push_str(&format!(" at {cpu}% CPU"));
        }
        let part = &mut parts[index];
        if part.replicas == Replicas::Unset {
            let from_minimum = Replicas::from_field(minimum, "minReplicas");
            if matches!(from_minimum, Replicas::Given(_)) {
                part.replicas = from_minimum;
                note.push_str("; `replicas` is its minimum");
            }
        }
        part.replica_notes.push(note);
    }
    for object in sorted.iter().filter(|o| o.kind == "PodDisruptionBudget") {
        let spec = object.spec();
        let budget = ["minAvailable", "maxUnavailable"]
            .iter()
            .find_map(|key| {
                spec.and_then(|s| s.get(key))
                    .and_then(Value::scalar)
                    .map(|value| format!("{key} {value}"))
            })
            .unwrap_or_else(|| "no budget given".to_string());
        let selector = spec.and_then(|s| s.get("selector")).map(Selector::of);
        let mut matched = false;
        work.spend(workloads.len())?;
        for (index, workload, labels) in &workloads {
            if workload.namespace == object.namespace
                && selector.as_ref().is_some_and(|s| s.selects(labels))
            {
                parts[*index]
                    .notes
                    .push(format!("{}: {budget}", object.describe()));
                matched = true;
            }
        }
        if !matched {
            notes.push(format!(
                "{} selects no workload of these manifests",
                object.describe()
            ));
        }
    }

    if !skipped.is_empty() {
        let count: usize = skipped.values().map(BTreeSet::len).sum();
        notes.push(format!(
            "skipped {count} object{} of kinds the import does not read:",
            plural(count)
        ));
        for (kind, names) in &skipped {
            notes.push(format!("  {kind}: {}", listing(names)));
        }
    }
    if not_objects > 0 {
        notes.push(format!(
            "skipped {not_objects} document{} without a `kind`",
            plural(not_objects)
        ));
    }
    let files = sources.len();
    Ok(Inventory {
        format: super::Format::Kubernetes,
        title: title(sources),
        sources: sources.iter().map(|s| s.path.clone()).collect(),
        read: format!(
            "{} object{} in {files} file{}",
            objects.len(),
            plural(objects.len()),
            plural(files)
        ),
        parts,
        entries,
        notes,
    })
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// At most eight names, then how many more.
fn listing(names: &BTreeSet<&str>) -> String {
    let mut shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
    if names.len() > 8 {
        shown.push(format!("and {} more", names.len() - 8));
    }
    shown.join(", ")
}

/// The design's title: the file's name for one file, else the name of
/// the folder that holds them all.
fn title(sources: &[Source]) -> String {
    const UNTITLED: &str = "Kubernetes manifests";
    if sources.iter().any(|s| s.path == "-") {
        return UNTITLED.to_string();
    }
    let paths: Vec<&Path> = sources.iter().map(|s| Path::new(&s.path)).collect();
    let title = match paths.as_slice() {
        [one] => one.file_stem(),
        [first, rest @ ..] => {
            let mut folder = first.parent();
            while let Some(candidate) = folder {
                if rest.iter().all(|path| path.starts_with(candidate)) {
                    break;
                }
                folder = candidate.parent();
            }
            folder.and_then(Path::file_name)
        }
        [] => None,
    };
    title
        .map(|t| t.to_string_lossy().into_owned())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| UNTITLED.to_string())
}

/// The part of a Deployment, StatefulSet or DaemonSet.
fn workload(object: &Object) -> Part {
    let mut part = Part::new(&object.name, object.describe());
    part.scope = Some(object.namespace.clone());
    let pod = pod(object);
    let containers = pod
        .spec
        .and_then(|s| s.get("containers"))
        .map(Value::items)
        .unwrap_or_default();
    let default_container = object
        .spec()
        .and_then(|s| {
            s.at(&[
                "template",
                "metadata",
                "annotations",
                "kubectl.kubernetes.io/default-container",
            ])
        })
        .and_then(Value::text);
    let main = default_container
        .and_then(|wanted| {
            containers
                .iter()
                .position(|c| c.text_at(&["name"]) == Some(wanted))
        })
        .unwrap_or(0);
    part.image = containers
        .get(main)
        .and_then(|c| c.text_at(&["image"]))
        .map(str::to_string);
    for (index, container) in containers.iter().enumerate() {
        if index != main {
            let name = container.text_at(&["name"]).unwrap_or("?");
            let image = container.text_at(&["image"]).unwrap_or("?");
            part.notes
                .push(format!("also runs container `{name}`, image `{image}`"));
        }
    }
    part.replicas = if object.kind == "DaemonSet" {
        Replicas::Unknown("a DaemonSet runs one pod on every node: set the node count".to_string())
    } else {
        Replicas::from_field(object.spec().and_then(|s| s.get("replicas")), "replicas")
    };
    if object.kind == "StatefulSet"
        && part
            .image
            .as_deref()
            .is_none_or(|image| classify(image).0.stateless_by_default())
    {
        part.notes.push(
            "a StatefulSet: add `stateful: true` if a replica keeps state another cannot serve"
                .to_string(),
        );
    }
    let (placement, note) = placement(pod.spec);
    part.placement = placement;
    part.notes.extend(note);
    part
}

/// Where a pod's replicas may run: pinned to zones by node selection,
/// spread over zones, or unknown (with a note when spread over nodes only).
fn placement(spec: Option<&Value>) -> (Placement, Option<String>) {
    let Some(spec) = spec else {
        return (Placement::Unknown, None);
    };
    let is_zone = |key: &str| ZONE_KEYS.contains(&key);
    let mut pinned: Vec<String> = Vec::new();
    let mut pinned_by = None;
    for (key, value) in spec
        .get("nodeSelector")
        .map(Value::entries)
        .unwrap_or_default()
    {
        if let (true, Some(zone)) = (is_zone(key), value.scalar()) {
            pinned.push(zone);
            pinned_by = Some(format!("nodeSelector `{key}`"));
        }
    }
    let terms = spec
        .at(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ])
        .map(Value::items)
        .unwrap_or_default();
    for expression in terms.iter().flat_map(|term| {
        term.get("matchExpressions")
            .map(Value::items)
            .unwrap_or_default()
    }) {
        let key = expression.text_at(&["key"]).unwrap_or_default();
        if is_zone(key) && expression.text_at(&["operator"]) == Some("In") {
            pinned.extend(
                expression
                    .get("values")
                    .map(Value::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Value::scalar),
            );
            pinned_by = Some(format!("nodeAffinity on `{key}`"));
        }
    }

    let mut spread_by = None;
    let mut spread_over_nodes = false;
    for constraint in spec
        .get("topologySpreadConstraints")
        .map(Value::items)
        .unwrap_or_default()
    {
        let key = constraint.text_at(&["topologyKey"]).unwrap_or_default();
        if is_zone(key) {
            let when = constraint
                .text_at(&["whenUnsatisfiable"])
                .unwrap_or("DoNotSchedule");
            spread_by = Some(format!("topologySpreadConstraints on `{key}`, {when}"));
        } else if key == "kubernetes.io/hostname" {
            spread_over_nodes = true;
        }
    }
    let anti = spec.at(&["affinity", "podAntiAffinity"]);
    let required = anti
        .and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution"))
        .map(Value::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|term| term.text_at(&["topologyKey"]))
        .map(|key| (key, "required"));
    let preferred = anti
        .and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
        .map(Value::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|term| term.text_at(&["podAffinityTerm", "topologyKey"]))
        .map(|key| (key, "preferred"));
    for (key, strength) in required.chain(preferred) {
        if is_zone(key) {
            spread_by.get_or_insert_with(|| format!("podAntiAffinity ({strength}) on `{key}`"));
        } else if key == "kubernetes.io/hostname" {
            spread_over_nodes = true;
        }
    }

    if let Some(by) = pinned_by {
        let why = match spread_by {
            Some(spread) => format!("{by}; {spread}"),
            None => by,
        };
        return (Placement::Pinned(pinned, why), None);
    }
    if let Some(by) = spread_by {
        return (Placement::Spread(by), None);
    }
    let note = spread_over_nodes
        .then(|| "spread over nodes (`kubernetes.io/hostname`), not over zones".to_string());
    (Placement::Unknown, note)
}

/// The autoscaler's CPU target, in percent (autoscaling/v2 or v1).
fn cpu_target(spec: Option<&Value>) -> Option<String> {
    let spec = spec?;
    if let Some(v1) = spec
        .get("targetCPUUtilizationPercentage")
        .and_then(Value::scalar)
    {
        return Some(v1);
    }
    spec.get("metrics")
        .map(Value::items)
        .unwrap_or_default()
        .iter()
        .find(|metric| metric.text_at(&["resource", "name"]) == Some("cpu"))
        .and_then(|metric| metric.at(&["resource", "target", "averageUtilization"]))
        .and_then(Value::scalar)
}

/// The Services an Ingress routes to, each with its route (`host/path`).
fn ingress_backends(object: &Object) -> Vec<(String, String)> {
    let backend_name = |backend: &Value| {
        backend
            .at(&["service", "name"])
            .or_else(|| backend.get("serviceName"))
            .and_then(Value::scalar)
    };
    let mut backends = Vec::new();
    let Some(spec) = object.spec() else {
        return backends;
    };
    for default in [spec.get("defaultBackend"), spec.get("backend")]
        .into_iter()
        .flatten()
    {
        if let Some(name) = backend_name(default) {
            backends.push((name, "(default backend)".to_string()));
        }
    }
    for rule in spec.get("rules").map(Value::items).unwrap_or_default() {
        let host = rule.text_at(&["host"]).unwrap_or("*");
        for path in rule
            .at(&["http", "paths"])
            .map(Value::items)
            .unwrap_or_default()
        {
            let route = format!("{host}{}", path.text_at(&["path"]).unwrap_or("/"));
            if let Some(name) = path.get("backend").and_then(backend_name) {
                backends.push((name, route));
            }
        }
    }
    backends.sort();
    backends.dedup();
    backends
}

/// Every host a workload's containers are told about, with where: env
/// values (also from ConfigMaps, by key or whole) and arguments.
fn addresses(
    object: &Object,
    config_maps: &BTreeMap<(&str, &str), Vec<(String, String)>>,
) -> Vec<(String, String)> {
    let namespace = object.namespace.as_str();
    let mut found = Vec::new();
    let mut told = |variable: &str, value: &str, evidence: String| {
        for host in hosts_in(variable, value) {
            found.push((host, evidence.clone()));
        }
    };
    let containers = pod(object)
        .spec
        .and_then(|s| s.get("containers"))
        .map(Value::items)
        .unwrap_or_default();
    for container in containers {
        for variable in container.get("env").map(Value::items).unwrap_or_default() {
            let name = variable.text_at(&["name"]).unwrap_or_default();
            if let Some(value) = variable.get("value").and_then(Value::scalar) {
                told(name, &value, format!("env {name}={}", redact(&value)));
            } else if let Some(reference) = variable.at(&["valueFrom", "configMapKeyRef"]) {
                let map = reference.text_at(&["name"]).unwrap_or_default();
                let key = reference.text_at(&["key"]).unwrap_or_default();
                let value = config_maps
                    .get(&(namespace, map))
                    .and_then(|data| data.iter().find(|(k, _)| k == key))
                    .map(|(_, v)| v.as_str());
                if let Some(value) = value {
                    told(
                        name,
                        value,
                        format!("env {name}={} from ConfigMap `{map}`", redact(value)),
                    );
                }
            }
        }
        for source in container
            .get("envFrom")
            .map(Value::items)
            .unwrap_or_default()
        {
            let Some(map) = source.text_at(&["configMapRef", "name"]) else {
                continue;
            };
            let prefix = source.text_at(&["prefix"]).unwrap_or_default();
            for (key, value) in config_maps.get(&(namespace, map)).into_iter().flatten() {
                let name = format!("{prefix}{key}");
                told(
                    &name,
                    value,
                    format!("env {name}={} from ConfigMap `{map}`", redact(value)),
                );
            }
        }
        for field in ["command", "args"] {
            for argument in container.get(field).map(Value::items).unwrap_or_default() {
                let Some(argument) = argument.scalar() else {
                    continue;
                };
                let value = match argument.split_once('=') {
                    Some((flag, value)) if flag.starts_with('-') => value,
                    _ => argument.as_str(),
                };
                told("", value, format!("{field} {}", redact(&argument)));
            }
        }
    }
    found
}
