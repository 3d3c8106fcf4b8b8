//! `blueprint estimate`: tables, JSON shape, what-if flags, determinism.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

fn estimate_json(args: &[&str]) -> Value {
    let output = blueprint()
        .arg("estimate")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn component<'a>(value: &'a Value, name: &str) -> &'a Value {
    value["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn json_has_the_documented_shape_in_base_units() {
    let value = estimate_json(&["designs/chat.yaml"]);
    assert_eq!(value["version"], 1);
    assert_eq!(value["entry_rps"], 150_000.0);
    for key in [
        "end_to_end_s",
        "bottleneck",
        "max_entry_rps",
        "availability",
        "nines",
        "queues",
    ] {
        assert!(value.get(key).is_some(), "no `{key}`");
    }
    for key in ["mean", "p50", "p90", "p95", "p99", "p999"] {
        let seconds = value["end_to_end_s"][key].as_f64().unwrap();
        assert!(seconds > 0.0 && seconds < 1.0, "{key} = {seconds} s");
    }
    let gateway = component(&value, "ws_gateway");
    for key in [
        "name",
        "kind",
        "load_rps",
        "replicas",
        "utilization",
        "latency_s",
        "wait_probability",
        "availability",
    ] {
        assert!(gateway.get(key).is_some(), "component has no `{key}`");
    }
    let utilization = gateway["utilization"].as_f64().unwrap();
    assert!(utilization > 0.0 && utilization < 1.0);
    assert!(value["availability"].as_f64().unwrap() <= 1.0);
    let queue = &value["queues"][0];
    for key in ["name", "inflow_rps", "backlog_growth_rps"] {
        assert!(queue.get(key).is_some(), "queue has no `{key}`");
    }
}

#[test]
fn load_scales_every_component_linearly() {
    let base = estimate_json(&["designs/url-shortener.yaml"]);
    let more = estimate_json(&["designs/url-shortener.yaml", "--load", "1.5"]);
    for (before, after) in base["components"]
        .as_array()
        .unwrap()
        .iter()
        .zip(more["components"].as_array().unwrap())
    {
        let (before, after) = (
            before["load_rps"].as_f64().unwrap(),
            after["load_rps"].as_f64().unwrap(),
        );
        assert!((after - 1.5 * before).abs() <= 1e-9 * after.max(1.0));
    }
    let set = estimate_json(&["designs/url-shortener.yaml", "--rps", "1000"]);
    assert_eq!(set["entry_rps"], 1000.0);
}

#[test]
fn saturation_is_reported_with_null_latency() {
    let value = estimate_json(&["designs/chat.yaml", "--load", "3"]);
    let saturated: Vec<&Value> = value["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["utilization"].as_f64().is_some_and(|u| u >= 1.0))
        .collect();
    assert!(!saturated.is_empty());
    assert!(saturated.iter().all(|c| c["latency_s"].is_null()));
    assert!(value["end_to_end_s"].is_null());
    blueprint()
        .args(["estimate", "designs/chat.yaml", "--load", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("SATURATED"))
        .stdout(predicate::str::contains(
            "send: no bound, because requests wait on",
        ));
}

/// cli.md: `estimate --format json` lists each operation with its rate,
/// end-to-end figures, availability and targets; the top-level figures are
/// those of all traffic.
#[test]
fn operations_in_json_and_in_the_table() {
    let value = estimate_json(&["designs/chat.yaml"]);
    let operations = value["operations"].as_array().unwrap();
    let names: Vec<&str> = operations
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["send", "history", "signal"]);
    let send = &operations[0];
    for key in [
        "name",
        "client",
        "rps",
        "end_to_end_s",
        "availability",
        "nines",
        "latency_slo",
        "availability_slo",
    ] {
        assert!(send.get(key).is_some(), "operation has no `{key}`");
    }
    assert_eq!(send["client"], "phones");
    // 150k/s at the phones, 40% of it sends.
    assert!((send["rps"].as_f64().unwrap() - 60_000.0).abs() < 1e-6);
    assert_eq!(send["latency_slo"][1]["quantile"], "p99");
    // All traffic's availability is the operations' weighted by their rates.
    let weighted: f64 = operations
        .iter()
        .map(|o| o["rps"].as_f64().unwrap() * o["availability"].as_f64().unwrap())
        .sum::<f64>()
        / 150_000.0;
    assert!((value["availability"].as_f64().unwrap() - weighted).abs() < 1e-12);
    blueprint()
        .args(["estimate", "designs/chat.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "into phones 150k/s (send 40%, history 10%, signal 50%)",
        ))
        .stdout(predicate::str::contains("Operations:\n"))
        .stdout(predicate::str::contains(
            "Connections: ws_gateway holds 12M, 333k per replica; 500k each with zone az1 lost (max 600k).",
        ));
}

#[test]
fn losing_a_zone_shows_what_breaks() {
    let sound = estimate_json(&["designs/chat.yaml", "--fail", "zone:az1"]);
    assert_eq!(sound["failures"][0], "zone:az1");
    assert_eq!(sound["path_up"], true);
    let gateway = component(&sound, "ws_gateway");
    assert!(gateway["live_replicas"].as_u64().unwrap() < gateway["replicas"].as_u64().unwrap());

    let broken = estimate_json(&["designs/ride-hailing.yaml", "--fail", "zone:az1"]);
    assert_eq!(broken["path_up"], false);
    assert_eq!(component(&broken, "location_store")["broken"], "down");
    blueprint()
        .args([
            "estimate",
            "designs/ride-hailing.yaml",
            "--fail",
            "zone:az1",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "What breaks: location_store (down)",
        ))
        .stdout(predicate::str::contains("Request path: DOWN"));
}

#[test]
fn failing_replicas_and_components() {
    let value = estimate_json(&[
        "designs/chat.yaml",
        "--fail",
        "ws_gateway:4",
        "--fail",
        "sessions",
    ]);
    assert_eq!(component(&value, "ws_gateway")["live_replicas"], 32);
    assert_eq!(component(&value, "sessions")["broken"], "down");
}

#[test]
fn unknown_failure_targets_exit_2() {
    blueprint()
        .args(["estimate", "designs/chat.yaml", "--fail", "ws_gatway"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `ws_gateway`"));
    blueprint()
        .args(["estimate", "designs/chat.yaml", "--fail", "zone:mars"])
        .assert()
        .code(2);
    blueprint()
        .args(["estimate", "designs/chat.yaml", "--fail", "db:x"])
        .assert()
        .code(2);
    blueprint()
        .args(["estimate", "designs/chat.yaml", "--load", "-1"])
        .assert()
        .code(2);
    blueprint()
        .args([
            "estimate",
            "designs/chat.yaml",
            "--target-utilization",
            "1.5",
        ])
        .assert()
        .code(2);
}

#[test]
fn target_utilization_sizes_each_component() {
    let value = estimate_json(&["designs/chat.yaml", "--target-utilization", "0.25"]);
    let gateway = component(&value, "ws_gateway");
    let utilization = gateway["utilization"].as_f64().unwrap();
    let needed = gateway["needed_replicas"].as_u64().unwrap() as f64;
    let replicas = gateway["replicas"].as_f64().unwrap();
    assert_eq!(needed, (replicas * utilization / 0.25).ceil());
    blueprint()
        .args([
            "estimate",
            "designs/chat.yaml",
            "--target-utilization",
            "0.25",
        ])
        .assert()
        .stdout(predicate::str::contains("needed"));
}

#[test]
fn the_same_design_gives_the_same_bytes_on_any_thread_count() {
    let run = |threads: &str| {
        blueprint()
            .env("RAYON_NUM_THREADS", threads)
            .args(["estimate", "designs/chat.yaml", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    let first = run("2");
    assert!(!first.is_empty());
    assert_eq!(first, run("2"));
    assert_eq!(first, run("1"), "results depend on the thread count");
}

/// The quantiles are computed, not sampled: there is nothing to seed.
#[test]
fn estimate_takes_no_seed() {
    blueprint()
        .args(["estimate", "designs/chat.yaml", "--seed", "7"])
        .assert()
        .code(2);
}

#[test]
fn invalid_designs_exit_2_with_the_diagnostic() {
    blueprint()
        .args([
            "estimate",
            "tests/fixtures/invalid/bp004-unknown-component.yaml",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("error[BP004 unknown-component]"));
    blueprint()
        .args(["estimate", "designs/nothing-here.yaml"])
        .assert()
        .code(2);
}

#[test]
fn reads_standard_input() {
    let design = std::fs::read_to_string("designs/url-shortener.yaml").unwrap();
    blueprint()
        .args(["estimate", "-"])
        .write_stdin(design)
        .assert()
        .success()
        .stdout(predicate::str::contains("Bottleneck"));
}

#[test]
fn human_tables() {
    for design in [
        "designs/chat.yaml",
        "designs/url-shortener.yaml",
        "designs/checkout.yaml",
    ] {
        let output = blueprint().args(["estimate", design]).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        insta::assert_snapshot!(
            design.trim_start_matches("designs/"),
            String::from_utf8(output.stdout).unwrap()
        );
    }
    let output = blueprint()
        .args([
            "estimate",
            "designs/ride-hailing.yaml",
            "--fail",
            "zone:az1",
            "--target-utilization",
            "0.6",
        ])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "ride-hailing-zone-loss",
        String::from_utf8(output.stdout).unwrap()
    );
}

/// On an 80-column terminal (a pseudo-terminal from util-linux's `script`,
/// sized with `stty`), every line of `estimate` fits: tables drop their
/// least useful columns and sentences wrap.
#[test]
fn estimate_fits_an_80_column_terminal() {
    let binary = assert_cmd::cargo::cargo_bin("blueprint");
    let output = std::process::Command::new("script")
        .args(["-qec"])
        .arg(format!(
            "stty cols 80 rows 50; {} estimate designs/chat.yaml",
            binary.display()
        ))
        .arg("/dev/null")
        .env("NO_COLOR", "1")
        .output()
        .expect("util-linux's script runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("messages_db"), "{text}");
    for line in text.lines() {
        let width = line.trim_end_matches('\r').chars().count();
        assert!(width <= 80, "{width} columns: {line}");
    }
}

/// `--assumptions` lists the defaults behind the figures with the
/// components they apply to.
#[test]
fn assumptions_name_the_defaults_and_their_components() {
    let output = blueprint()
        .args(["estimate", "designs/url-shortener.yaml", "--assumptions"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let list = &text[text.find("Assumptions").expect("an Assumptions list")..];
    assert!(list.contains("M/M/c station"), "{list}");
    assert!(list.contains("url_db (12)"), "{list}");
    assert!(
        list.contains("concurrency derived from capacity x latency"),
        "{list}"
    );
}

fn operation<'a>(value: &'a Value, name: &str) -> &'a Value {
    value["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

/// Measured percentiles change the shape of the times, not their means:
/// payments-api against the same design with each fitted mean written as
/// `latency` and Poisson arrivals (tests/fixtures/shapes) has the same
/// load, utilisation and capacity everywhere, and different tails: the
/// card network's measured tail is lighter than an exponential's, so
/// `authorize`'s p99 is lower, while the ledger's and the API's are
/// heavier, so `capture`'s p999 is higher.
#[test]
fn measured_percentiles_change_the_tails_not_the_capacity() {
    let shaped = estimate_json(&["designs/payments-api.yaml"]);
    let means = estimate_json(&["tests/fixtures/shapes/payments-api-means.yaml"]);
    for name in [
        "api",
        "fraud",
        "card_network",
        "ledger",
        "idempotency_cache",
    ] {
        let (a, b) = (component(&shaped, name), component(&means, name));
        assert_eq!(a["load_rps"], b["load_rps"], "{name}");
        let (ua, ub) = (
            a["utilization"].as_f64().unwrap(),
            b["utilization"].as_f64().unwrap(),
        );
        // The means were written to four digits.
        assert!((ua - ub).abs() <= 1e-3 * ub, "{name}: {ua} against {ub}");
    }
    let p = |value: &Value, operation_name: &str, key: &str| {
        operation(value, operation_name)["end_to_end_s"][key]
            .as_f64()
            .unwrap()
    };
    assert!(p(&shaped, "authorize", "p99") < 0.95 * p(&means, "authorize", "p99"));
    assert!(p(&shaped, "capture", "p999") > 1.2 * p(&means, "capture", "p999"));
    assert!(p(&shaped, "status", "p999") > 1.2 * p(&means, "status", "p999"));
}

#[test]
fn assumptions_name_the_shapes() {
    blueprint()
        .args(["estimate", "designs/payments-api.yaml", "--assumptions"])
        .assert()
        .success()
        .stdout(predicate::str::contains("G/G/c station"))
        .stdout(predicate::str::contains(
            "service time lognormal, fitted to the latency percentiles given",
        ))
        .stdout(predicate::str::contains(
            "card_network (mean 229ms, SCV 0.61)",
        ));
}

/// A closed client's rate is solved by Mean Value Analysis, shown with its
/// population, think time and response time; PDQ's `closed1` example
/// (100 users, think time 300 s, demand 0.63 s) gives X = 0.3325/s,
/// R = 0.7943 s, U = 20.94%.
#[test]
fn a_closed_client_shows_its_population_throughput_and_response_time() {
    let value = estimate_json(&["tests/fixtures/closed/pdq-closed1.yaml"]);
    let closed = &value["closed_clients"][0];
    assert_eq!(closed["name"], "staff");
    assert_eq!(closed["users"], 100);
    assert_eq!(closed["think_time_s"], 300.0);
    assert_eq!(closed["method"], "exact");
    let throughput = closed["throughput_rps"].as_f64().unwrap();
    assert!((throughput - 0.3325).abs() < 5e-5, "{throughput}");
    let response = closed["response_time_s"].as_f64().unwrap();
    assert!((response - 0.7943).abs() < 5e-5, "{response}");
    // The rest of the model reads the throughput as the client's rate.
    assert_eq!(value["entry_rps"].as_f64(), Some(throughput));
    let utilization = component(&value, "app")["utilization"].as_f64().unwrap();
    assert!((utilization - 0.2094).abs() < 5e-5, "{utilization}");
    blueprint()
        .args(["estimate", "tests/fixtures/closed/pdq-closed1.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Closed clients (rate solved by Mean Value Analysis):",
        ))
        .stdout(
            predicate::str::is_match(r"staff +┆ +100 ┆ +5min ┆ +0\.332/s ┆ +794ms ┆ exact MVA")
                .unwrap(),
        );
}

/// Open traffic on a centre stretches the closed chain's time there by
/// 1 / (1 - U_open) (Lazowska et al. 7.4): one user, 1 s of thinking, a
/// 100 ms server half busy with 5/s of open traffic: R = 200 ms, X = 1/1.2.
/// `--load` scales the solved rate like any other.
#[test]
fn open_traffic_slows_a_closed_client_and_load_scales_its_rate() {
    let value = estimate_json(&["tests/fixtures/closed/mixed.yaml"]);
    let closed = &value["closed_clients"][0];
    assert!((closed["response_time_s"].as_f64().unwrap() - 0.2).abs() < 1e-12);
    assert!((closed["throughput_rps"].as_f64().unwrap() - 1.0 / 1.2).abs() < 1e-12);
    let load = component(&value, "app")["load_rps"].as_f64().unwrap();
    assert!((load - (5.0 + 1.0 / 1.2)).abs() < 1e-9);
    let doubled = estimate_json(&["tests/fixtures/closed/mixed.yaml", "--load", "2"]);
    let load = component(&doubled, "app")["load_rps"].as_f64().unwrap();
    assert!((load - 2.0 * (5.0 + 1.0 / 1.2)).abs() < 1e-9);
    // The closed figures are the population's own, before the what-if.
    assert_eq!(doubled["closed_clients"], value["closed_clients"]);
}

/// Designs without closed clients keep an empty list.
#[test]
fn open_designs_have_no_closed_clients() {
    let value = estimate_json(&["designs/chat.yaml"]);
    assert_eq!(value["closed_clients"], serde_json::json!([]));
}

/// The issue's figure on a design: losing a quarter of a worker pool at 95%
/// for 10 minutes leaves 48,000 messages in its queue, drained in 40
/// minutes by every worker (they pull). Plain `--fail` gives no outage.
#[test]
fn an_outage_reports_its_backlog_and_drain() {
    let design = "tests/fixtures/dynamics/queue-drain.yaml";
    let value = estimate_json(&[design, "--fail", "worker:1@10m"]);
    assert_eq!(value["outage"]["duration_s"], 600.0);
    let backlogs = value["outage"]["backlogs"].as_array().unwrap();
    assert_eq!(backlogs.len(), 1, "{backlogs:?}");
    let worker = &backlogs[0];
    assert_eq!(worker["name"], "worker");
    assert_eq!(worker["held_in"], "events");
    assert_eq!(worker["pooled"], true);
    assert!((worker["backlog"].as_f64().unwrap() - 48_000.0).abs() < 1e-6);
    assert!((worker["drain_s"].as_f64().unwrap() - 2400.0).abs() < 1e-6);
    assert_eq!(
        estimate_json(&[design, "--fail", "worker:1"])["outage"],
        Value::Null
    );
    // simulate's window for the same ten minutes means the same outage.
    assert_eq!(
        estimate_json(&[design, "--fail", "worker:1@1m..11m"]),
        value
    );

    blueprint()
        .args(["estimate", design, "--fail", "worker:1@10m"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Outage of 10min: worker falls behind (380/s in, 300/s left): 48k wait in events; they drain 40min after recovery",
        ));
    // At 420/s the pool of 400/s never drains it.
    let never = estimate_json(&[design, "--rps", "420", "--fail", "worker:1@10m"]);
    assert_eq!(never["outage"]["backlogs"][0]["drain_s"], Value::Null);
    blueprint()
        .args([
            "estimate",
            design,
            "--fail",
            "worker:1@10m",
            "--fail",
            "api@5m",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the same `@DURATION`"));
    blueprint()
        .args(["estimate", design, "--fail", "worker@soon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a duration"));
}

/// Under `--fail`, the retries a failure sets off: the JSON lists each
/// retrying call's attempts and the load it adds.
#[test]
fn a_failure_reports_the_load_its_retries_add() {
    let value = estimate_json(&[
        "tests/fixtures/dynamics/retry-saturation.yaml",
        "--fail",
        "zone:a",
    ]);
    let retries = &value["retries"];
    assert_eq!(retries["saturated_by_retries"], serde_json::json!(["api"]));
    let call = &retries["calls"][0];
    assert_eq!(call["caller"], "users");
    assert_eq!(call["callee"], "api");
    assert_eq!(call["attempts"], 4.0);
    let api = &retries["components"][0];
    assert_eq!(api["name"], "api");
    assert_eq!(api["multiplier"], 4.0);
    assert_eq!(
        estimate_json(&["designs/chat.yaml"])["retries"],
        Value::Null
    );
}

/// Issue 18: with `cost:` on components the JSON has the monthly cost of
/// each priced component and of the design, and the table a column and a
/// line; without, neither.
#[test]
fn cost_per_month_when_priced() {
    let value = estimate_json(&["tests/fixtures/size/hand-sized.yaml"]);
    // api: 5 x 0.10/h x 730 h; auth: 2 x 300.
    assert!((component(&value, "api")["cost_per_month"].as_f64().unwrap() - 365.0).abs() < 1e-9);
    assert_eq!(component(&value, "auth")["cost_per_month"], 600.0);
    assert!(component(&value, "users").get("cost_per_month").is_none());
    assert!((value["cost_per_month"].as_f64().unwrap() - 965.0).abs() < 1e-9);
    blueprint()
        .args(["estimate", "tests/fixtures/size/hand-sized.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cost/month"))
        .stdout(predicate::str::contains("Cost: 965/month for 7 replicas."));
    let unpriced = estimate_json(&["designs/chat.yaml"]);
    assert!(unpriced.get("cost_per_month").is_none());
}

#[test]
fn a_bad_cost_names_its_place_and_the_forms() {
    for (cost, message) in [
        ("90", "`cost` is not"),
        ("$0.12/h", "`cost` is not"),
        ("-1/h", "`cost` cannot be negative"),
        ("5B/month", "above the largest cost"),
    ] {
        let design = format!(
            "version: 1\nname: t\ncomponents:\n  users: {{ kind: client, calls: [{{ to: api }}] }}\n  api: {{ kind: service, cost: \"{cost}\" }}\n"
        );
        blueprint()
            .args(["estimate", "-"])
            .write_stdin(design)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains(":5:"))
            .stderr(predicate::str::contains("`0.12/h`, `2.9/day`, `90/month`"));
    }
    blueprint()
        .args(["estimate", "-"])
        .write_stdin("version: 1\nname: t\ncomponents:\n  users: { kind: client, cost: 1/h }\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`cost` does not apply to `users`, a client",
        ));
}
