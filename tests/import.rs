//! `blueprint import`: Kubernetes manifests and Compose files modelled on
//! two public demos (Google's Online Boutique; DeathStarBench's hotel
//! reservation) become starter designs that `check` reads (exit 0 or 1,
//! never 2); hostile files meet the reader's limits; `-o` never
//! overwrites; random manifests never panic and always give a valid design.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use blueprint::import::{self, ImportError, Source};
use proptest::prelude::*;

const FIXTURES: &str = "tests/fixtures/import";

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

/// Runs `blueprint import ARGS` in the fixtures folder; the design on
/// standard output.
fn imported(args: &[&str]) -> String {
    let output = blueprint()
        .current_dir(FIXTURES)
        .arg("import")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// `check` of a design text: its exit code and standard error.
fn check(design: &str) -> (i32, String) {
    let output = blueprint()
        .args(["check", "-"])
        .write_stdin(design)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `check` reads the design (exit 0 or 1, never 2) and finds what the
/// import could not know.
fn reviewable(design: &str) -> String {
    let (code, stderr) = check(design);
    assert!(
        code == 0 || code == 1,
        "check exited {code}:\n{stderr}\n{design}"
    );
    assert!(!stderr.contains("BP0"), "{stderr}");
    stderr
}

fn component<'a>(design: &'a str, name: &str) -> &'a str {
    let start = design
        .find(&format!("\n  {name}:\n"))
        .unwrap_or_else(|| panic!("no component {name}:\n{design}"));
    let rest = &design[start + 1..];
    let end = rest[1..].find("\n\n").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn online_boutique_manifests() {
    let design = imported(&["k8s", "boutique"]);
    insta::assert_snapshot!("k8s-boutique", design);
    let findings = reviewable(&design);
    // Zones none found are flagged; timeouts and capacity are missing.
    assert!(findings.contains("BP102"), "{findings}");
    assert!(findings.contains("BP401"), "{findings}");
    assert!(findings.contains("BP210"), "{findings}");

    let users = component(&design, "users");
    assert!(users.contains("kind: client"));
    assert!(users.contains(
        "- to: frontend   # Ingress `shop` shop.example.com/; Service `frontend-external` of type LoadBalancer"
    ));
    // An ExternalName Service is a third party.
    let provider = component(&design, "payment-provider");
    assert!(
        provider.contains("kind: external\n") && !provider.contains("replicas"),
        "{provider}"
    );
    assert!(component(&design, "paymentservice").contains("- to: payment-provider"));
    assert!(findings.contains("BP404"), "{findings}");
    let frontend = component(&design, "frontend");
    assert!(frontend.contains("replicas: 3\n"), "{frontend}");
    assert!(
        frontend.contains("scales it from 3 to 12 replicas at 70% CPU"),
        "{frontend}"
    );
    assert!(
        frontend.contains("zones: [zone-a, zone-b, zone-c]"),
        "{frontend}"
    );
    assert!(frontend.contains("PodDisruptionBudget `frontend-pdb`: minAvailable 2"));
    assert!(frontend.contains("- to: cartservice   # env CART_SERVICE_ADDR=cartservice:7070"));
    assert!(
        frontend.contains("`shoppingassistantservice`"),
        "{frontend}"
    );
    let cart = component(&design, "cartservice");
    assert!(cart.contains("replicas: 2"), "HPA minimum: {cart}");
    assert!(cart.contains("from ConfigMap `cart-config`"), "{cart}");
    let redis = component(&design, "redis-cart");
    assert!(
        redis.contains("kind: cache\n    engine: redis\n"),
        "{redis}"
    );
    assert!(redis.contains("zones: [zone-a]   # none found"), "{redis}");
    assert!(
        design.contains("ServiceAccount: `adservice`"),
        "skipped kinds noted"
    );
    // Ten gRPC services, the cart, the load generator, the payment
    // provider and the client.
    assert_eq!(design.matches("\n    kind: ").count(), 14);
}

#[test]
fn hotel_reservation_manifests() {
    let design = imported(&["k8s", "hotel"]);
    insta::assert_snapshot!("k8s-hotel", design);
    let findings = reviewable(&design);
    assert!(findings.contains("BP101"), "{findings}");

    // The password in a connection URL never reaches the design.
    assert!(!design.contains("hotel-secret"), "{design}");
    assert!(design.contains("mongodb://admin:***@mongodb-profile:27017/profile-db?…"));
    let rate = component(&design, "rate");
    assert!(rate.contains("- to: memcached-rate   # env MEMCACHED_HOST=memcached-rate"));
    // A StatefulSet pod's own name (pod.service) reaches the StatefulSet.
    assert!(
        rate.contains("- to: mongodb-rate   # env MONGO_URL=mongodb://mongodb-rate-0.mongodb-rate")
    );
    let mongo = component(&design, "mongodb-rate");
    assert!(mongo.contains("kind: database\n    engine: mongodb\n    replicas: 3\n"));
    assert!(mongo.contains("topologySpreadConstraints on `topology.kubernetes.io/zone`"));
    assert!(mongo.contains("PodDisruptionBudget `mongodb-rate`: maxUnavailable 1"));
    assert!(design.contains("# every object is in namespace `hotel-reservation`"));
    let reservation = component(&design, "reservation");
    assert!(
        reservation.contains("- to: mongodb-reservation"),
        "full DNS name: {reservation}"
    );
    let memcached = component(&design, "memcached-profile");
    assert!(
        memcached.contains("kind: cache\n    engine: memcached\n"),
        "from a List: {memcached}"
    );
    let users = component(&design, "users");
    assert!(users.contains("- to: frontend") && users.contains("- to: jaeger"));
    let frontend = component(&design, "frontend");
    assert!(
        frontend.contains("podAntiAffinity (preferred)"),
        "{frontend}"
    );
}

#[test]
fn online_boutique_compose() {
    let design = imported(&["compose", "compose/boutique.yaml"]);
    insta::assert_snapshot!("compose-boutique", design);
    reviewable(&design);
    assert!(design.contains("name: \"online-boutique\""));
    let frontend = component(&design, "frontend");
    assert!(frontend.contains("replicas: 3"));
    assert!(
        frontend.contains("- to: adservice   # environment AD_SERVICE_ADDR=ads:9555"),
        "network alias: {frontend}"
    );
    assert!(frontend.contains(
        "- to: cartservice   # depends_on; environment CART_SERVICE_ADDR=cartservice:7070"
    ));
    let cart = component(&design, "cartservice");
    assert!(
        cart.contains(
            "- to: redis-cart   # environment REDIS_ADDR=redis-cart:6379; links redis-cart"
        )
    );
    let users = component(&design, "users");
    assert!(
        users.contains("- to: frontend   # ports 80:8080"),
        "{users}"
    );
}

#[test]
fn hotel_reservation_compose() {
    let design = imported(&["compose", "compose/hotel.yaml"]);
    insta::assert_snapshot!("compose-hotel", design);
    reviewable(&design);
    assert!(!design.contains("hotel-secret"));
    let frontend = component(&design, "frontend");
    // Merge keys, container names and a swarm spread preference.
    assert!(
        frontend.contains("- to: search   # environment SEARCH_ADDR=hotel_reserv_search:8082"),
        "{frontend}"
    );
    assert!(frontend.contains("- to: consul"), "{frontend}");
    assert!(frontend.contains("deploy.placement spread over `node.labels.zone`"));
    let profile = component(&design, "profile");
    assert!(
        profile.contains(
            "- to: memcached-profile   # depends_on; environment MEMCACHED_HOST=memcached-profile"
        ),
        "{profile}"
    );
    assert!(profile.contains("- to: mongodb-profile   # depends_on; environment MONGO_URL=mongodb://admin:***@profile-db"), "{profile}");
    // A database with published ports is not drawn as an entry point.
    let users = component(&design, "users");
    assert!(!users.contains("mongodb-user"), "{users}");
    assert!(component(&design, "mongodb-user").contains("not drawn as an entry point"));
}

#[test]
fn output_is_deterministic_and_independent_of_file_order() {
    let once = imported(&["k8s", "boutique"]);
    assert_eq!(once, imported(&["k8s", "boutique"]));
    let forward = imported(&[
        "k8s",
        "hotel/services",
        "hotel/data",
        "hotel/infrastructure.yaml",
    ]);
    let backward = imported(&[
        "k8s",
        "hotel/infrastructure.yaml",
        "hotel/data",
        "hotel/services",
    ]);
    let components = |design: &str| design[design.find("\ncomponents:").unwrap()..].to_string();
    assert_eq!(components(&forward), components(&backward));
}

#[test]
fn output_file_is_new_and_never_overwritten() {
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("shop.yaml");
    let fixture = Path::new(FIXTURES).join("compose/boutique.yaml");
    let output = blueprint()
        .args(["import", "compose"])
        .arg(&fixture)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("next: blueprint check"));
    let written = std::fs::read_to_string(&target).unwrap();
    let (code, _) = check(&written);
    assert!(code == 0 || code == 1);

    std::fs::write(&target, "mine\n").unwrap();
    let output = blueprint()
        .args(["import", "k8s"])
        .arg(Path::new(FIXTURES).join("boutique"))
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine\n");

    let nowhere = folder.path().join("missing/shop.yaml");
    let output = blueprint()
        .args(["import", "compose"])
        .arg(&fixture)
        .arg("-o")
        .arg(&nowhere)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!nowhere.exists());
}

#[test]
fn standard_input_is_read() {
    // A ConfigMap's `{{ }}` is data, not a Helm template.
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec: { replicas: 2 }\n---\nkind: ConfigMap\nmetadata: { name: alerts }\ndata: { rule: 'down: {{ $labels.instance }}' }\n";
    let output = blueprint()
        .args(["import", "k8s", "-"])
        .write_stdin(manifest)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let design = String::from_utf8(output.stdout).unwrap();
    assert!(design.contains("  api:\n") && design.contains("replicas: 2"));
    assert!(design.contains("TODO: nothing is reachable from outside"));
    reviewable(&design);
}

/// Names from the input become `[a-z0-9_-]+` names, unique, with the
/// original in a comment; text that tries to escape its comment or its
/// quotes stays where it is.
#[test]
fn hostile_names_and_values_stay_inside_their_quotes_and_comments() {
    let manifest = r#"
apiVersion: apps/v1
kind: Deployment
metadata: { name: "Web.API", namespace: a }
spec:
  replicas: 99999999999
  template:
    spec:
      containers:
        - name: "x\n  evil: true"
          image: "shop/api\n    kind: database\u2028x: y\u001b[2J"
          env:
            - { name: DB_URL, value: "postgres://u:p@api.b:5432/x\n  injected: 1" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: b }
spec:
  replicas: 0
  template:
    spec:
      containers:
        - { name: main, image: "postgres:16", env: [{ name: BACK, value: "web-api.a:80" }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: b }
spec: { selector: { app: api } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: "null", namespace: "1e3" }
spec: { replicas: "three" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: "123" }
---
kind: Gizmo
metadata: { name: "\u202eevil" }
"#;
    let output = blueprint()
        .args(["import", "k8s", "-"])
        .write_stdin(manifest)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let design = String::from_utf8(output.stdout).unwrap();
    for line in design.lines() {
        assert!(
            !line.contains(['\u{1b}', '\u{2028}', '\u{202e}', '\r']),
            "{line:?}"
        );
        let trimmed = line.trim_start();
        assert!(
            !trimmed.starts_with("evil:")
                && !trimmed.starts_with("injected:")
                && !trimmed.starts_with("x: y"),
            "{design}"
        );
    }
    assert!(design.contains("  web-api:\n"), "{design}");
    assert!(design.contains("# named `Web.API` in the input"));
    assert!(design.contains("  \"null\":\n"), "{design}");
    assert!(design.contains("  \"123\":\n"), "{design}");
    assert!(design.contains("`replicas` is 99999999999, outside 1..100000"));
    assert!(design.contains("`replicas` is 0 (scaled to zero)"));
    assert!(design.contains("`replicas` is not a whole number"));
    assert!(design.contains("Gizmo: `\\u{202e}evil`"), "{design}");
    reviewable(&design);
}

#[test]
fn references_that_close_a_cycle_are_left_out() {
    let manifest = "
kind: Deployment
metadata: { name: a }
spec: { template: { metadata: { labels: { app: a } }, spec: { containers: [{ image: a, env: [{ name: B_ADDR, value: 'b:80' }] }] } } }
---
kind: Deployment
metadata: { name: b }
spec: { template: { metadata: { labels: { app: b } }, spec: { containers: [{ image: b, env: [{ name: A_ADDR, value: 'a:80' }] }] } } }
---
kind: Service
metadata: { name: a }
spec: { type: NodePort, selector: { app: a } }
---
kind: Service
metadata: { name: b }
spec: { selector: { app: b } }
";
    let output = blueprint()
        .args(["import", "k8s", "-"])
        .write_stdin(manifest)
        .output()
        .unwrap();
    let design = String::from_utf8(output.stdout).unwrap();
    assert!(
        component(&design, "a").contains("- to: b   # env B_ADDR=b:80"),
        "{design}"
    );
    assert!(
        component(&design, "b").contains("# TODO left out `- to: a` (env A_ADDR=a:80)"),
        "{design}"
    );
    reviewable(&design);
}

#[test]
fn unsupported_input_is_refused_with_exit_2() {
    let refused = |args: &[&str], stdin: &str, expected: &str| {
        let output = blueprint()
            .arg("import")
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    };
    refused(
        &["k8s", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n",
        "found no Deployment, StatefulSet or DaemonSet",
    );
    refused(&["k8s", "no/such/folder"], "", "no such file or folder");
    refused(
        &["compose", "-"],
        "version: 1\ncomponents: {}\n",
        "not a Compose file",
    );
    refused(
        &["compose", "-"],
        "services: { a: {} }\n---\nservices: { b: {} }\n",
        "2 YAML documents",
    );
    refused(&["compose", "-"], "", "the file is empty");
    refused(
        &["k8s", "-"],
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
        "this is a Helm template",
    );
    refused(
        &["k8s", "-"],
        "kind: Deployment\nmetadata: { name: a, name: b }\n",
        "BP008",
    );
}

/// A bound that a refused file never comes near (each takes a fraction of
/// a second) and that an expansion or a quadratic walk would blow through
/// by orders of magnitude, so a busy machine cannot fail the test.
const HANG: Duration = Duration::from_secs(30);

/// Hostile files: refused with code 2, naming the file, without hanging,
/// as `check` refuses them.
#[test]
fn hostile_manifests_meet_the_readers_limits() {
    let folder = tempfile::tempdir().unwrap();
    let refused = |name: &str, bytes: &[u8], format: &str| {
        let path = folder.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let output = blueprint()
            .args(["import", format])
            .arg(&path)
            .timeout(HANG)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        stderr
    };

    let mut laughs = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for level in 1..10 {
        let aliases = vec![format!("*a{}", level - 1); 9].join(", ");
        laughs.push_str(&format!("  a{level}: &a{level} [{aliases}]\n"));
    }
    let stderr = refused("laughs.yaml", laughs.as_bytes(), "k8s");
    assert!(stderr.contains("limit"), "{stderr}");
    refused(
        "laughs-compose.yaml",
        format!(
            "services:\n  x:\n    image: a\n{}",
            laughs.replace(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\n",
                ""
            )
        )
        .as_bytes(),
        "compose",
    );

    let deep = format!("kind: Deployment\nspec: {}\n", "[".repeat(100_000));
    refused("deep-flow.yaml", deep.as_bytes(), "k8s");
    let mut nested = String::from("kind: Deployment\nmetadata: { name: deep }\nspec:\n");
    for depth in 1..100 {
        nested.push_str(&format!("{}a{depth}:\n", "  ".repeat(depth)));
    }
    let stderr = refused("deep-block.yaml", nested.as_bytes(), "k8s");
    assert!(stderr.contains("nesting deeper than 32"), "{stderr}");

    let braces = format!("{}}}}}\n", "{{".repeat(4_000_000));
    refused("braces.yaml", braces.as_bytes(), "k8s");
    // Every Service selects every workload: bounded work, then refused.
    let mut everything = String::new();
    for index in 0..1_000 {
        everything.push_str(&format!(
            "---\n{{kind: Deployment, metadata: {{name: w{index}}}, spec: {{template: {{metadata: {{labels: {{app: x}}}}}}}}}}\n"
        ));
    }
    for index in 0..1_500 {
        everything.push_str(&format!(
            "---\n{{kind: Service, metadata: {{name: s{index}}}, spec: {{selector: {{app: x}}}}}}\n"
        ));
    }
    let output = blueprint()
        .args(["import", "k8s", "-"])
        .write_stdin(everything)
        .timeout(HANG)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("selector matches"), "{stderr}");

    let huge = "# padding\n".repeat(1_700_000);
    let stderr = refused("huge.yaml", huge.as_bytes(), "k8s");
    assert!(stderr.contains("larger than the limit"), "{stderr}");
    refused("binary.yaml", &[0xff, 0xfe, 0x00, 0x41], "compose");

    // Two files under the limit each, over it together.
    let half = "# padding\n".repeat(900_000);
    std::fs::write(folder.path().join("half-1.yaml"), &half).unwrap();
    std::fs::write(folder.path().join("half-2.yaml"), &half).unwrap();
    let output = blueprint()
        .args(["import", "k8s"])
        .arg(folder.path().join("half-1.yaml"))
        .arg(folder.path().join("half-2.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("adds up to"));
}

/// Documents built from Kubernetes' and Compose's vocabulary with
/// arbitrary names and values, written as JSON (which is YAML).
fn documents() -> impl Strategy<Value = Vec<serde_json::Value>> {
    let text = prop_oneof![
        Just("api".to_string()),
        Just("db".to_string()),
        Just("cache".to_string()),
        Just("redis:7".to_string()),
        Just("mongo".to_string()),
        Just("kafka".to_string()),
        Just("nginx".to_string()),
        Just("api:80".to_string()),
        Just("db.shop.svc.cluster.local:5432".to_string()),
        Just("postgres://u:p@db/x".to_string()),
        Just("topology.kubernetes.io/zone".to_string()),
        Just("LoadBalancer".to_string()),
        Just("NodePort".to_string()),
        Just("ExternalName".to_string()),
        "\\PC{0,12}",
    ];
    let leaf = prop_oneof![
        text.prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (0i64..5).prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
    ];
    let keys = prop::sample::select(vec![
        "kind",
        "metadata",
        "name",
        "namespace",
        "spec",
        "replicas",
        "template",
        "labels",
        "app",
        "selector",
        "matchLabels",
        "containers",
        "image",
        "env",
        "value",
        "valueFrom",
        "configMapKeyRef",
        "key",
        "envFrom",
        "configMapRef",
        "args",
        "type",
        "rules",
        "http",
        "paths",
        "backend",
        "service",
        "serviceName",
        "defaultBackend",
        "scaleTargetRef",
        "minReplicas",
        "maxReplicas",
        "minAvailable",
        "topologySpreadConstraints",
        "topologyKey",
        "affinity",
        "podAntiAffinity",
        "nodeSelector",
        "nodeAffinity",
        "data",
        "items",
        "externalName",
        "services",
        "ports",
        "depends_on",
        "links",
        "environment",
        "deploy",
        "placement",
        "preferences",
        "spread",
        "networks",
        "aliases",
        "hostname",
    ]);
    let kinds = prop::sample::select(vec![
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "ConfigMap",
        "List",
        "Gizmo",
    ]);
    let value = leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..5).prop_map(|map| {
                serde_json::Value::Object(
                    map.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                )
            }),
        ]
    });
    prop::collection::vec((kinds, value), 1..6).prop_map(|documents| {
        documents
            .into_iter()
            .map(|(kind, mut body)| {
                if let serde_json::Value::Object(map) = &mut body {
                    map.insert("kind".to_string(), kind.into());
                }
                body
            })
            .collect()
    })
}

/// Manifests in Kubernetes' real shapes (workloads, Services, Ingresses,
/// autoscalers, budgets) whose names, images, addresses and counts are
/// drawn at random, so that references, name clashes and cycles happen.
fn shaped_manifests() -> impl Strategy<Value = String> {
    use serde_json::json;
    // Mostly a few names, so that Services select workloads and
    // addresses name Services; some names no design could use as is.
    let name = prop_oneof![
        8 => prop::sample::select(vec!["api", "db", "web"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["Web.API", "null", "123", "users", ""]).prop_map(str::to_string),
        1 => "\\PC{0,10}",
    ];
    let namespace = prop::option::of(prop::sample::select(vec!["shop", "ops", "default"]));
    let address = prop_oneof![
        name.clone().prop_map(|n| format!("{n}:80")),
        name.clone()
            .prop_map(|n| format!("redis://u:secret@{n}:6379/0?x=1")),
        name.clone()
            .prop_map(|n| format!("{n}.shop.svc.cluster.local:5432")),
        name.clone(),
        "\\PC{0,24}",
    ];
    let variable = prop::sample::select(vec!["API_ADDR", "DB_HOST", "CACHE_URL", "PORT", "X"]);
    let image = prop_oneof![
        prop::sample::select(vec![
            "redis:7",
            "mongo",
            "cp-kafka",
            "nginx",
            "envoy",
            "minio/minio",
            "api:v1"
        ])
        .prop_map(str::to_string),
        "\\PC{0,16}",
    ];
    let count = prop_oneof![
        (0i64..6).prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        Just(json!("two")),
    ];
    let zone_key = prop::sample::select(vec![
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    ]);
    let workload = (
        prop::sample::select(vec!["Deployment", "StatefulSet", "DaemonSet"]),
        name.clone(),
        namespace.clone(),
        prop::option::of(count.clone()),
        image,
        prop::collection::vec((variable, address), 0..4),
        prop::option::of(zone_key),
        prop::collection::vec(name.clone(), 0..3),
    )
        .prop_map(|(kind, name, namespace, replicas, image, env, spread, zones)| {
            let env: Vec<_> = env.into_iter().map(|(k, v)| json!({ "name": k, "value": v })).collect();
            let mut spec = json!({
                "template": {
                    "metadata": { "labels": { "app": name } },
                    "spec": { "containers": [{ "name": "main", "image": image, "env": env }] }
                }
            });
            if let Some(replicas) = replicas {
                spec["replicas"] = replicas;
            }
            if let Some(key) = spread {
                spec["template"]["spec"]["topologySpreadConstraints"] = json!([{ "topologyKey": key }]);
            }
            if let Some(zone) = zones.first() {
                spec["template"]["spec"]["nodeSelector"] = json!({ "topology.kubernetes.io/zone": zone });
            }
            json!({ "kind": kind, "metadata": { "name": name, "namespace": namespace }, "spec": spec })
        });
    let service = (
        name.clone(),
        namespace.clone(),
        prop::sample::select(vec!["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]),
        name.clone(),
    )
        .prop_map(|(name, namespace, kind, other)| {
            // Usually named after what it selects, as Services are.
            let selects = if other.len() % 3 == 0 { other } else { name.clone() };
            json!({ "kind": "Service", "metadata": { "name": name, "namespace": namespace },
                    "spec": { "type": kind, "selector": { "app": selects }, "externalName": "api.example.com" } })
        });
    let ingress =
        (name.clone(), namespace.clone(), name.clone()).prop_map(|(name, namespace, backend)| {
            json!({ "kind": "Ingress", "metadata": { "name": name, "namespace": namespace },
                "spec": { "rules": [{ "host": "shop.example.com", "http": { "paths": [
                    { "path": "/", "backend": { "service": { "name": backend } } }] } }] } })
        });
    let scaler = (name.clone(), namespace.clone(), count.clone(), count).prop_map(|(target, namespace, min, max)| {
        json!({ "kind": "HorizontalPodAutoscaler", "metadata": { "name": "hpa", "namespace": namespace },
                "spec": { "scaleTargetRef": { "kind": "Deployment", "name": target }, "minReplicas": min, "maxReplicas": max } })
    });
    let budget = (name, namespace).prop_map(|(selects, namespace)| {
        json!({ "kind": "PodDisruptionBudget", "metadata": { "name": "pdb", "namespace": namespace },
                "spec": { "minAvailable": 1, "selector": { "matchLabels": { "app": selects } } } })
    });
    let workload_first = workload.clone();
    (
        workload_first,
        prop::collection::vec(
            prop_oneof![4 => workload, 3 => service, 1 => ingress, 1 => scaler, 1 => budget],
            0..14,
        ),
    )
        .prop_map(|(first, rest)| {
            std::iter::once(first)
                .chain(rest)
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n---\n")
        })
}

/// An import either refuses its input or writes a design the reader takes.
fn valid_or_refused(result: Result<String, ImportError>) {
    if let Ok(design) = result
        && let Err(errors) = blueprint::analyse(design.as_bytes())
    {
        panic!("{errors:?}\n{design}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_manifests_never_panic(documents in documents()) {
        let manifests: Vec<String> = documents.iter().map(|d| d.to_string()).collect();
        let source = Source { path: "prop.yaml".to_string(), bytes: manifests.join("\n---\n").into_bytes() };
        valid_or_refused(import::kubernetes(std::slice::from_ref(&source)));
        let services: serde_json::Map<String, serde_json::Value> = documents
            .into_iter()
            .enumerate()
            .map(|(index, document)| (["web", "db", "api", "redis", "Web.1"][index % 5].to_string(), document))
            .collect();
        let compose = serde_json::json!({ "services": services }).to_string();
        let source = Source { path: "compose.yaml".to_string(), bytes: compose.into_bytes() };
        valid_or_refused(import::compose(&source));
    }

    #[test]
    fn shaped_manifests_give_valid_designs(text in shaped_manifests()) {
        let source = Source { path: "shaped.yaml".to_string(), bytes: text.into_bytes() };
        let design = import::kubernetes(std::slice::from_ref(&source));
        prop_assert!(design.is_ok(), "{:?}", design.as_ref().err());
        valid_or_refused(design);
    }

    #[test]
    fn random_text_never_panics(text in "[ -~\\n]{0,300}") {
        let source = Source { path: "prop.yaml".to_string(), bytes: text.into_bytes() };
        valid_or_refused(import::kubernetes(std::slice::from_ref(&source)));
        valid_or_refused(import::compose(&source));
    }
}
