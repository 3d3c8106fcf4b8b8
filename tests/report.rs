//! `blueprint report`: Markdown snapshots of two bundled designs, the
//! sections and verdict of the HTML file, a self-contained page, escaping of
//! hostile free text in both formats, determinism, atomic files and bad
//! input. The page's behaviour in a browser is in `render_consumers.rs`.

use assert_cmd::Command;

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

fn report(args: &[&str]) -> String {
    let output = blueprint().arg("report").args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

const HOSTILE: &str = "tests/fixtures/hostile-names.yaml";

#[test]
fn markdown_snapshots_of_two_designs() {
    for design in ["chat", "checkout"] {
        let path = format!("designs/{design}.yaml");
        insta::assert_snapshot!(
            format!("{design}.md"),
            report(&[&path, "--format", "md", "--today", "2026-01-01"])
        );
    }
}

#[test]
fn the_html_report_has_every_section() {
    let html = report(&["designs/checkout.yaml"]);
    for id in [
        "diagram",
        "findings",
        "operations",
        "capacity",
        "latency",
        "availability",
        "zones",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    // The verdict, the two errors and their fixes with the YAML line.
    assert!(html.contains("Fails review: 6 findings at or above warning"));
    assert!(html.contains("<span class=\"code\">BP101</span> single-replica · orders_db"));
    assert!(html.contains("designs/checkout.yaml, line 159, column 15"));
    assert!(html.contains("<pre><code>    replicas: 1</code></pre>"));
    assert!(html.contains("<strong>Fix:</strong> run at least two replicas in different zones"));
    // The diagram and the bottleneck's chart, inline.
    assert!(html.contains("<figure class=\"diagram\">\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(html.contains("<h3>Latency against load: fulfilment_worker</h3>"));
    assert_eq!(html.matches("<polyline").count(), 2);
    // All traffic is only described: its p99 mixes a 53ms cart with a
    // 1.22s order, and neither target is the mixture's.
    assert!(html.contains("<tr><td>p99</td><td>891ms</td></tr>"));
    assert!(!html.contains("<tr><td>p99</td><td>891ms</td><td>"));
    // Each operation is judged on its own: cart against its 150ms p99 and
    // the design's 99.9%; place_order against its 1.5s p99, and the single
    // orders_db (0.1%), the payment provider (0.05%) and zone az1 spend
    // twice what 99.9% allows.
    let cart = section(&html, "operation-cart");
    assert!(cart.contains("<h3>cart <span class=\"met\">meets its targets</span></h3>"));
    assert!(
        cart.contains(
            "<tr><td>p99</td><td>52.9ms</td><td>150ms</td><td class=\"met\">met</td></tr>"
        )
    );
    assert!(cart.contains("<tr><td>target</td><td>99.9% <span class=\"met\">met</span></td></tr>"));
    let order = section(&html, "operation-place_order");
    assert!(order.contains(
        "<h3>place_order <span class=\"missed\">misses its availability target</span></h3>"
    ));
    assert!(
        order
            .contains("<tr><td>p99</td><td>1.24s</td><td>1.5s</td><td class=\"met\">met</td></tr>")
    );
    assert!(order.contains("<tr><td>availability</td><td>99.8001%</td></tr>"));
    assert!(order.contains("<tr><td>downtime a month</td><td>86.3min</td></tr>"));
    assert!(
        order.contains(
            "<tr><td>target</td><td>99.9% <span class=\"missed\">MISSED</span></td></tr>"
        )
    );
    assert!(order.contains(
        "<tr><td class=\"left\">orders_db</td><td>0.1%</td><td>8.76h</td><td>100%</td></tr>"
    ));
    assert!(order.contains("it spends 200% of that."));
    // Each section draws its way: the cart's leaves checkout_svc dimmed,
    // the order's leaves cart_svc dimmed.
    assert!(cart.contains("E-commerce checkout: the way of cart</title>"));
    assert!(dimmed(cart).contains(&"checkout_svc") && !dimmed(cart).contains(&"cart_svc"));
    assert!(dimmed(order).contains(&"cart_svc") && !dimmed(order).contains(&"checkout_svc"));
    // Losing az1 takes the single orders_db, and the path, down.
    assert!(html.contains("The request path goes down when zone az1 is lost."));
    assert!(html.contains("<tr class=\"down\"><td>az1</td>"));
    assert!(html.contains("<tr class=\"ok\"><td>az2</td>"));
}

/// The `<article>` of the section with this id.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<article class=\"operation\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + html[start..].find("</article>").expect("closed");
    &html[start..end]
}

/// The components a drawing dims, by the title of their group.
fn dimmed(svg: &str) -> Vec<&str> {
    svg.split("<g class=\"bp-node bp-dim\"><title>")
        .skip(1)
        .filter_map(|rest| rest.split(':').next())
        .collect()
}

#[test]
fn a_design_with_one_operation_is_judged_as_before() {
    // No operations declared and one client: the figures of all traffic
    // are the one operation's, judged against the design's targets, with
    // its budget under Availability.
    let html = report(&["designs/rate-limiter.yaml"]);
    assert!(!html.contains("<section id=\"operations\">"));
    assert!(
        html.contains(
            "<tr><td>p99</td><td>25.8ms</td><td>60ms</td><td class=\"met\">met</td></tr>"
        )
    );
    assert!(
        html.contains("<tr><td>target</td><td>99.95% <span class=\"met\">met</span></td></tr>")
    );
    assert!(html.contains("<h3>Availability budget</h3>"));
    assert!(html.contains("<tr><td class=\"left\">zone az1</td><td>&lt;0.0001%</td><td>63.6us</td><td>&lt;0.01%</td></tr>"));
    assert!(html.contains("its 99.95% target allows 4.38h a year, so it spends 0.15% of that."));
}

#[test]
fn a_sound_design_passes_and_shows_its_envelope() {
    let html = report(&["designs/timeline.yaml"]);
    assert!(html.contains("<div class=\"verdict pass\">"));
    assert!(html.contains("Passes review: no finding at or above warning"));
    assert!(html.contains("No live findings"));
    assert!(html.contains("<section id=\"envelope\">"));
    assert!(html.contains("The request path survives the loss of any one of its 3 zones."));
}

#[test]
fn fail_on_sets_the_verdict() {
    let html = report(&["designs/checkout.yaml", "--fail-on", "error"]);
    assert!(html.contains("Fails review: 1 finding at or above error"));
    let html = report(&["designs/video-streaming.yaml", "--fail-on", "error"]);
    let warnings_only = !html.contains("<h3 class=\"error\">");
    assert_eq!(html.contains("<div class=\"verdict pass\">"), warnings_only);
}

#[test]
fn the_page_fetches_nothing_and_runs_nothing() {
    let html = report(&["designs/chat.yaml"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'"
    ));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("<img"));
    // `url(#...)` names a marker in the same SVG.
    assert_eq!(html.matches("url(").count(), html.matches("url(#").count());
    // The only address is the SVG namespace, which is a name, not a fetch.
    let addresses = html.matches("http://").count() + html.matches("https://").count();
    assert_eq!(
        addresses,
        html.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(html.contains("@media print"));
    assert!(html.contains("@media (prefers-color-scheme:dark)"));
}

#[test]
fn hostile_text_stays_text_in_html() {
    let html = report(&[HOSTILE]);
    for raw in [
        "<script",
        "</script",
        "<img",
        "<style>body",
        "<a href=\"javascript",
        "<b>",
        "<i>",
        "]]><![CDATA[",
        "onerror=\"",
        "onload=\"",
    ] {
        assert!(!html.contains(raw), "{raw} reached the page unescaped");
    }
    // The only links are the page's own table of contents.
    assert_eq!(
        html.matches("<a ").count(),
        html.matches("<a href=\"#").count()
    );
    // ... yet every string is there, escaped, for the reader.
    assert!(html.contains("&lt;/title&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=&quot;window.__pwned=6&quot;&gt;"));
    assert!(html.contains("one primary until launch &lt;/script&gt;"));
}

#[test]
fn hostile_text_stays_text_in_markdown() {
    let markdown = report(&[HOSTILE, "--format", "md"]);
    for raw in ["<script", "<img", "<style", "<a href", "<b>", "<i>"] {
        assert!(
            !markdown.contains(raw),
            "{raw} reached the Markdown unescaped"
        );
    }
    // No free text can add or remove a table cell: every row of a table has
    // as many unescaped pipes as its header.
    let mut columns: Option<usize> = None;
    for line in markdown.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let pipes = line
            .replace("\\\\", "")
            .replace("\\|", "")
            .matches('|')
            .count();
        match columns {
            None => columns = Some(pipes),
            Some(expected) => assert_eq!(pipes, expected, "a cell broke out: {line}"),
        }
    }
    // The Mermaid block cannot be closed or redirected by the design's text.
    let diagram = markdown
        .split("```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("a Mermaid block");
    assert!(!diagram.contains("%%{init"));
    assert!(!diagram.contains("\"]; evil ["));
}

#[test]
fn the_same_design_gives_the_same_bytes() {
    for format in ["html", "md"] {
        let args = ["designs/ride-hailing.yaml", "--format", format];
        assert_eq!(report(&args), report(&args));
    }
}

#[test]
fn a_design_on_standard_input() {
    let text = std::fs::read_to_string("designs/url-shortener.yaml").unwrap();
    let output = blueprint()
        .args(["report", "-", "--format", "md"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let markdown = String::from_utf8(output.stdout).unwrap();
    assert!(
        markdown.starts_with("# URL shortener: design review"),
        "{markdown}"
    );
    assert!(markdown.contains("Design file: \\-."));
}

#[test]
fn a_loop_that_never_settles_still_gets_a_report() {
    let folder = tempfile::tempdir().unwrap();
    let design = folder.path().join("loop.yaml");
    std::fs::write(
        &design,
        "version: 1
name: loop
requirements: { peak_rps: 10/s }
components:
  api: { kind: service, calls: [{ to: q }] }
  q: { kind: queue, consumer: w }
  w: { kind: worker, calls: [{ to: q, per_request: 1.5 }] }
",
    )
    .unwrap();
    let html = report(&[design.to_str().unwrap()]);
    assert!(html.contains("BP201"));
    assert!(html.contains("No figures: the design's load never settles"));
}

#[test]
fn writes_the_file_whole_and_only_on_success() {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("review.html");
    blueprint()
        .args(["report", "designs/chat.yaml", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.ends_with("</html>\n"));

    // A design that cannot be read: exit 2, the message names the place,
    // and the earlier file is left as it was.
    blueprint()
        .args(["report", "tests/fixtures/invalid/bp003-values.yaml", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bp003-values.yaml:"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("review.html")]);
}

#[test]
fn missing_files_and_bad_flags_exit_2() {
    blueprint()
        .args(["report", "no-such-design.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such-design.yaml"));
    blueprint()
        .args(["report", "designs/chat.yaml", "--format", "pdf"])
        .assert()
        .code(2);
}

#[test]
fn the_nearest_blueprint_toml_shapes_the_review() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy("designs/checkout.yaml", folder.path().join("checkout.yaml")).unwrap();
    std::fs::write(
        folder.path().join("blueprint.toml"),
        "ignore = [\"BP4\", \"BP3\"]\nfail-on = \"error\"\n[severity]\nBP204 = \"info\"\n",
    )
    .unwrap();
    let html = report(&[folder.path().join("checkout.yaml").to_str().unwrap()]);
    assert!(
        html.contains("Fails review: 1 finding at or above error"),
        "{html}"
    );
    // BP204, lowered to info, is listed under the single replica it
    // follows from rather than on its own.
    assert!(!html.contains("<h3 class=\"info\">"));
    assert!(html.contains("<li><span class=\"code\">BP204</span> availability-slo: "));
    assert!(!html.contains("BP407"));
    assert!(!html.contains("BP307"));
}

#[test]
fn a_simulation_section_plays_the_failure_over_time() {
    let args = [
        "tests/fixtures/simulate/not-n-plus-one.yaml",
        "--simulate",
        "--fail",
        "zone:az1@20s..40s",
    ];
    let html = report(&args);
    assert!(html.contains("<section id=\"simulation\">"));
    assert!(html.contains("<li><a href=\"#simulation\">Simulation</a></li>"));
    assert!(html.contains("failures (times after the warm-up): zone:az1@20s..40s"));
    // Two charts over time, the failure window shaded in both.
    assert_eq!(
        html.matches(
            "<title>End-to-end p50 and p99 of each second, of the requests that succeeded</title>"
        )
        .count(),
        1
    );
    // The failures the latency chart leaves out are said, under it.
    assert!(
        html.contains("<p class=\"muted\">Failed requests are left out of these percentiles"),
        "no note on the failures left out"
    );
    assert_eq!(
        html.matches("<rect x=\"253.3\" y=\"24\" width=\"181.3\"")
            .count(),
        2,
        "the window 20s..40s of 60s, shaded on both charts"
    );
    assert!(html.contains("<th>utilisation</th><th>analytic</th>"));
    assert_eq!(
        html,
        report(&args),
        "a seeded simulation gives the same page"
    );

    // The Markdown timeline shows errors inside the window and none after.
    let markdown = report(&[args[0], args[1], args[2], args[3], "--format", "md"]);
    let errors_from = |start: &str| -> f64 {
        let row = markdown
            .lines()
            .find(|line| line.starts_with(&format!("| {start} |")))
            .unwrap_or_else(|| panic!("no timeline row from {start}:\n{markdown}"));
        row.split('|').nth(3).unwrap().trim().parse().unwrap()
    };
    assert!(errors_from("30s") > 0.0);
    assert!(markdown.contains("Failed requests are left out of these percentiles"));
    assert_eq!(errors_from("0s"), 0.0);
    assert_eq!(errors_from("56s"), 0.0);
}

#[test]
fn fail_needs_simulate() {
    blueprint()
        .args(["report", "designs/chat.yaml", "--fail", "zone:az1@20s..40s"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--simulate"));
}

/// A report draws the ways of the first 20 operations only (each drawing
/// lays the whole design out again) and says how to draw the others.
#[test]
fn the_ways_of_many_operations_are_not_all_drawn() {
    let mut yaml = String::from("version: 1\nname: many\noperations:\n");
    for i in 0..25 {
        yaml.push_str(&format!("  op{i}: {{ share: 0.04 }}\n"));
    }
    yaml.push_str("components:\n  users: { kind: client, calls: [{ to: gw }] }\n");
    yaml.push_str("  gw:\n    kind: gateway\n    calls:\n");
    for i in 0..25 {
        yaml.push_str(&format!("      - {{ to: svc{i}, for: op{i} }}\n"));
    }
    for i in 0..25 {
        yaml.push_str(&format!("  svc{i}: {{ kind: service }}\n"));
    }
    let output = blueprint()
        .args(["report", "-", "--fail-on", "error"])
        .write_stdin(yaml)
        .output()
        .unwrap();
    let html = String::from_utf8(output.stdout).unwrap();
    assert_eq!(html.matches("<figcaption>The way of op").count(), 20);
    assert_eq!(html.matches("Its way is not drawn").count(), 5);
    assert!(html.contains("<code>blueprint render --operation op24</code>"));
}

/// Issue 18: a priced design's capacity section has the cost column and
/// the monthly total; an unpriced one neither.
#[test]
fn the_cost_of_a_priced_design() {
    let design = "tests/fixtures/size/hand-sized.yaml";
    for format in ["html", "md"] {
        let text = report(&[design, "--format", format, "--today", "2026-01-01"]);
        assert!(text.contains("cost/month"), "{format}");
        assert!(text.contains("Cost: 965/month for 7 replicas."), "{format}");
    }
    let unpriced = report(&[
        "designs/chat.yaml",
        "--format",
        "md",
        "--today",
        "2026-01-01",
    ]);
    assert!(!unpriced.contains("cost/month") && !unpriced.contains("Cost:"));
}

/// A closed client's population, rate and response time are one sentence
/// of the capacity section, in both formats.
#[test]
fn the_capacity_section_shows_a_closed_clients_loop() {
    let sentence = "staff: 100 users thinking 5min send 0.332/s, each request answered in 794ms on average (exact MVA).";
    let markdown = report(&["tests/fixtures/closed/pdq-closed1.yaml", "--format", "md"]);
    let capacity =
        &markdown[markdown.find("## Capacity").unwrap()..markdown.find("## Latency").unwrap()];
    assert!(capacity.contains(sentence), "{capacity}");
    let html = report(&["tests/fixtures/closed/pdq-closed1.yaml"]);
    let start = html.find("<section id=\"capacity\">").unwrap();
    let capacity = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        capacity.contains(&format!("<p>{sentence}</p>")),
        "{capacity}"
    );
}

/// A description's backticked words are code in both formats, as in the
/// findings, and everything around them is still escaped.
#[test]
fn a_description_shows_its_code_as_code() {
    let html = report(&["designs/payments-api.yaml", "--today", "2026-01-01"]);
    let start = html.find("<p class=\"description\">").unwrap();
    let description = &html[start..start + html[start..].find("</p>").unwrap()];
    assert!(
        description.contains("<code>authorize</code>"),
        "{description}"
    );
    assert!(!description.contains('`'), "{description}");
    let markdown = report(&[
        "designs/payments-api.yaml",
        "--format",
        "md",
        "--today",
        "2026-01-01",
    ]);
    let line = markdown
        .lines()
        .find(|line| line.starts_with("A card-payments API"))
        .unwrap();
    assert!(line.contains("`authorize` checks"), "{line}");
    assert!(!line.contains("\\`"), "{line}");
}
