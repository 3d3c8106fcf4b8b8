//! `blueprint render`: Mermaid, DOT, D2, LikeC4 and SVG of the bundled
//! designs, one operation's way highlighted in each, byte-for-byte
//! determinism, escaping of hostile free text, atomic files.

use assert_cmd::Command;

fn blueprint() -> Command {
    Command::cargo_bin("blueprint").expect("binary builds")
}

fn render(args: &[&str]) -> String {
    let output = blueprint().arg("render").args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn snapshots_of_two_designs_in_every_format() {
    for design in ["chat", "checkout"] {
        let path = format!("designs/{design}.yaml");
        insta::assert_snapshot!(
            format!("{design}.mmd"),
            render(&[&path, "--format", "mermaid"])
        );
        insta::assert_snapshot!(
            format!("{design}.dot"),
            render(&[&path, "--format", "dot", "--annotate"])
        );
        insta::assert_snapshot!(format!("{design}.svg"), render(&[&path, "--annotate"]));
    }
}

#[test]
fn snapshots_of_d2_and_likec4() {
    // checkout has every kind of edge: sync, async, cache miss, consumer.
    insta::assert_snapshot!(
        "checkout.d2",
        render(&["designs/checkout.yaml", "--format", "d2"])
    );
    insta::assert_snapshot!(
        "checkout.c4",
        render(&["designs/checkout.yaml", "--format", "likec4"])
    );
}

#[test]
fn the_same_design_gives_the_same_bytes() {
    for format in ["svg", "mermaid", "dot", "d2", "likec4"] {
        let first = render(&[
            "designs/ride-hailing.yaml",
            "--format",
            format,
            "--annotate",
            "--direction",
            "lr",
        ]);
        assert_eq!(
            first,
            render(&[
                "designs/ride-hailing.yaml",
                "--format",
                format,
                "--annotate",
                "--direction",
                "lr"
            ])
        );
    }
}

/// The `bp-node` group of the component named `name`.
fn node_group<'a>(document: &'a roxmltree::Document<'a>, name: &str) -> roxmltree::Node<'a, 'a> {
    document
        .descendants()
        .find(|n| {
            n.attribute("class") == Some("bp-node")
                && n.children()
                    .any(|c| c.attribute("class") == Some("bp-name") && c.text() == Some(name))
        })
        .unwrap_or_else(|| panic!("no node {name}"))
}

#[test]
fn svg_is_xml_with_a_legend_and_marked_findings() {
    let svg = render(&["designs/checkout.yaml", "--annotate"]);
    let document = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert_eq!(document.root_element().tag_name().name(), "svg");
    for entry in [
        "sync call",
        "dead letter",
        "write",
        "calls per request",
        "retries",
    ] {
        assert!(
            svg.contains(&format!(">{entry}</text>")),
            "no {entry} in the legend"
        );
    }
    // orders_db has a single replica: a red border, and an error badge whose
    // tooltip lists each finding with its code, name and message.
    let orders = node_group(&document, "orders_db");
    let shape = orders
        .children()
        .find(|c| c.attribute("class") == Some("bp-shape"))
        .expect("an outline");
    assert_eq!(shape.attribute("stroke"), Some("#c62828"));
    let badge = orders
        .children()
        .find(|c| c.attribute("class") == Some("bp-badge"))
        .expect("a badge");
    let tooltip = badge.first_element_child().and_then(|t| t.text()).unwrap();
    let lines: Vec<&str> = tooltip.lines().collect();
    assert!(lines.len() >= 2, "{tooltip}");
    assert!(
        lines[0].starts_with("BP101 single-replica (error): ")
            && lines[0].contains("single replica"),
        "{tooltip}"
    );
    assert!(lines.iter().all(|line| line.starts_with("BP")), "{tooltip}");
    // A component without findings has no badge.
    let cart = node_group(&document, "cart_svc");
    assert!(
        !cart
            .descendants()
            .any(|c| c.attribute("class") == Some("bp-badge"))
    );
    // Zones: orders_db runs only in az1, the rest in all three.
    assert!(svg.contains(">zone az1</text>"), "a zone box");
    assert!(
        svg.contains(">multi-zone: az1, az2, az3</text>"),
        "the band"
    );
}

#[test]
fn edges_mark_writes_retries_breakers_and_fallbacks() {
    let svg = render(&["designs/checkout.yaml"]);
    // cart_svc writes to cart_db x0.3 with one retry; checkout_svc retries
    // the payment provider three times.
    assert!(svg.contains(">x0.3 · retry x1</text>"), "{svg}");
    assert!(svg.contains(">retry x3</text>"));
    let writes = svg.matches("class=\"bp-edge bp-write\"").count();
    assert_eq!(writes, 5, "one thick line per write call");
    assert!(
        !svg.contains(">circuit breaker</text>"),
        "only marks in use"
    );
    let limiter = render(&["designs/rate-limiter.yaml"]);
    assert!(limiter.contains(">fallback</text>"), "{limiter}");
    assert!(limiter.contains(">answers without the callee</text>"));
    let ledger = render(&["scenarios/payments-ledger/solution.yaml"]);
    assert!(ledger.contains(">breaker</text>"), "{ledger}");
    assert!(ledger.contains(">circuit breaker</text>"));
}

#[test]
fn hostile_free_text_is_inert_in_every_format() {
    let fixture = "tests/fixtures/hostile-names.yaml";
    let svg = render(&[fixture, "--annotate"]);
    roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(!svg.contains("<script"), "{svg}");
    let dot = render(&[fixture, "--format", "dot"]);
    assert!(!dot.contains("\"]; evil ["), "{dot}");
    let mermaid = render(&[fixture, "--format", "mermaid"]);
    assert!(!mermaid.contains("%%{"), "{mermaid}");
    // The title is the only free text D2 and LikeC4 carry; each string
    // stays closed.
    let d2 = render(&[fixture, "--format", "d2"]);
    assert!(
        d2.contains("\"design title\": \"</title><script>window.__pwned=1</script>\" {"),
        "{d2}"
    );
    let likec4 = render(&[fixture, "--format", "likec4"]);
    assert!(
        likec4.contains("    title '</title><script>window.__pwned=1</script>'\n"),
        "{likec4}"
    );
}

#[test]
fn d2_and_likec4_quote_every_name() {
    // Names that are keywords of D2 (`label`, `shape`, `style`) or LikeC4
    // (`model`, `queue`), or no identifier at all (`1st`, `-views`), and
    // zones with quotes, `${...}` and a line break.
    let fixture = "tests/fixtures/awkward-names.yaml";
    let d2 = render(&[fixture, "--format", "d2"]);
    assert!(
        d2.contains("\"label\" -> \"region r1 _eu_.west_second line\".\"multi-zone_ az_1, az _2_ __y_ _\".\"shape\""),
        "{d2}"
    );
    assert!(
        d2.contains(": \"region r1 'eu'.west\\nsecond line\" {"),
        "{d2}"
    );
    let likec4 = render(&[fixture, "--format", "likec4"]);
    for line in [
        "  _n2_1st = service '1st' {",
        "  _n3_model = cache 'model' {",
        "  _n5_queue -[consumer]-> _n6_-views",
        "    group 'multi-zone: az\\'1, az \"2\" ${y} \\\\' {",
    ] {
        assert!(likec4.contains(line), "no `{line}` in\n{likec4}");
    }
}

#[test]
fn output_files_are_written_whole() {
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("chat.svg");
    blueprint()
        .args(["render", "designs/chat.yaml", "-o"])
        .arg(&target)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written, render(&["designs/chat.yaml"]));
    // A design that cannot be read leaves the old file as it was.
    blueprint()
        .args([
            "render",
            "tests/fixtures/invalid/bp004-unknown-component.yaml",
            "-o",
        ])
        .arg(&target)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    assert_eq!(
        std::fs::read_dir(folder.path()).unwrap().count(),
        1,
        "no temporary file is left behind"
    );
}

#[test]
fn snapshots_of_one_operations_way_in_every_format() {
    // checkout's place_order leaves the cart service (and its calls)
    // dimmed and takes the checkout service, its queue and worker.
    for (format, name) in [
        ("mermaid", "mmd"),
        ("dot", "dot"),
        ("d2", "d2"),
        ("likec4", "c4"),
    ] {
        insta::assert_snapshot!(
            format!("checkout-place_order.{name}"),
            render(&[
                "designs/checkout.yaml",
                "--operation",
                "place_order",
                "--format",
                format
            ])
        );
    }
}

#[test]
fn svg_dims_what_is_off_the_way() {
    let svg = render(&["designs/checkout.yaml", "--operation", "cart", "--annotate"]);
    let document = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let title = document
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert_eq!(title, Some("E-commerce checkout: the way of cart"));
    // A component's group is dimmed, or not, with its title.
    let dimmed: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("bp-node bp-dim"))
        .filter_map(|g| g.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .filter_map(|t| t.split(':').next())
        .collect();
    assert_eq!(
        dimmed,
        [
            "checkout_svc",
            "inventory_svc",
            "inventory_db",
            "payment_provider",
            "orders_db",
            "order_events",
            "fulfilment_worker"
        ]
    );
    // shoppers -> edge -> api_gw -> cart_svc, cart_svc -> cart_cache and
    // cart_db, and the cache's misses.
    let way = document
        .descendants()
        .filter(|n| {
            n.has_tag_name("path") && n.attribute("class").is_some_and(|c| c.ends_with(" bp-way"))
        })
        .count();
    assert_eq!(way, 6);
    assert!(svg.contains("marker-end=\"url(#bp-arrow-way)\""));
    // Without --operation nothing is dimmed.
    let plain = render(&["designs/checkout.yaml", "--annotate"]);
    assert!(!plain.contains("bp-dim") && !plain.contains("bp-way"));
}

#[test]
fn an_unknown_operation_exits_2_naming_the_operations_and_writes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("way.svg");
    let output = blueprint()
        .args([
            "render",
            "designs/checkout.yaml",
            "--operation",
            "place-order",
            "-o",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: the design has no operation `place-order` (did you mean `place_order`?); \
         `--operation` takes one of `cart` or `place_order`\n"
    );
    assert!(!target.exists(), "nothing is written");
    // Without declared operations, each client's requests are one,
    // named after it.
    let output = blueprint()
        .args([
            "render",
            "designs/rate-limiter.yaml",
            "--operation",
            "checkout",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("(the design declares none: one per client, named after it)"),
        "{stderr}"
    );
}
