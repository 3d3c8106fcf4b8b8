//! Compares blueprint's diagram layout with Graphviz `dot` on the same
//! graphs, and times `blueprint render` beside `dot -Tsvg`:
//!
//! ```text
//! cargo build --release && cargo run --release --example layout_vs_dot
//! cargo run --release --example layout_vs_dot -- --quality 100,1000 --timing 1000,10000
//! ```
//!
//! Quality: for each bundled design (`designs/*.yaml`) and generated ones
//! (`benches/support`, the sizes after `--quality`), the diagram is laid
//! out by blueprint and by `dot -Tplain` given the same graph: the same
//! node boxes (`fixedsize`), clusters, edge labels and separations, arrows
//! off so that dot's lines reach the nodes as ours do. Both drawings are
//! then measured the same way: edge crossings (points where two edges that
//! share no node cross, curves flattened to 16 pieces each) and total edge
//! length.
//!
//! Timing: for each size after `--timing`, the whole `blueprint render
//! design.yaml -o design.svg` (target/release/blueprint, built first)
//! beside `dot -Tsvg` on blueprint's own DOT of the same design (`render
//! --format dot`), wall time and CPU time, best of three (one run from
//! 5,000 components on; `--dot-timeout SECONDS` stops dot, default 600).
//!
//! `--dump FOLDER` keeps, per design, the DOT given to dot and our SVG.

// Only some of the generator's shapes are used here.
#[allow(dead_code)]
#[path = "../benches/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use blueprint::render::diagram::{self, Diagram, Direction};
use blueprint::render::layout::{self, Layout};

type Point = (f64, f64);
/// A piece of the line of the edge at the index, from one point to another.
type Segment = (usize, Point, Point);

/// An edge drawn as a polyline, with the nodes it joins.
struct Line {
    from: usize,
    to: usize,
    points: Vec<Point>,
}

struct Measures {
    crossings: usize,
    length: f64,
}

const PIECES: usize = 16;

fn cubic(p0: Point, p1: Point, p2: Point, p3: Point, out: &mut Vec<Point>) {
    for step in 1..=PIECES {
        let t = step as f64 / PIECES as f64;
        let u = 1.0 - t;
        let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        out.push((
            a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0,
            a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1,
        ));
    }
}

/// Our route as the SVG draws it (top to bottom): straight where points
/// line up, else a curve leaving and arriving vertically.
fn our_lines(diagram: &Diagram, placed: &Layout) -> Vec<Line> {
    diagram
        .edges
        .iter()
        .zip(&placed.edges)
        .filter(|(_, route)| !route.points.is_empty())
        .map(|(edge, route)| {
            let mut points = vec![route.points[0]];
            for pair in route.points.windows(2) {
                let (p, q) = (pair[0], pair[1]);
                if (p.0 - q.0).abs() < 0.05 || (p.1 - q.1).abs() < 0.05 {
                    points.push(q);
                } else {
                    let middle = (p.1 + q.1) / 2.0;
                    cubic(p, (p.0, middle), (q.0, middle), q, &mut points);
                }
            }
            Line {
                from: edge.from,
                to: edge.to,
                points,
            }
        })
        .collect()
}

/// The same graph for dot: same boxes, clusters, labels and separations.
fn comparison_dot(diagram: &Diagram, placed: &Layout) -> String {
    let inches = |points: f64| points / 72.0;
    let mut out = String::from("digraph G {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=TB, nodesep={}, ranksep={}, fontname=Helvetica, fontsize=11];",
        inches(32.0),
        inches(40.0)
    );
    out.push_str("  node [shape=box, fixedsize=true, label=\"\"];\n");
    out.push_str("  edge [arrowhead=none, fontname=Helvetica, fontsize=10];\n");
    fn cluster(out: &mut String, diagram: &Diagram, placed: &Layout, index: usize) {
        let _ = writeln!(
            out,
            "  subgraph \"cluster_{index}\" {{ label=\"{}\";",
            diagram.clusters[index].label.replace('"', "'")
        );
        for (child, c) in diagram.clusters.iter().enumerate() {
            if c.parent == Some(index) {
                cluster(out, diagram, placed, child);
            }
        }
        for (node, rect) in diagram.nodes.iter().zip(&placed.nodes) {
            if node.cluster == Some(index) {
                let _ = writeln!(
                    out,
                    "    n{} [width={}, height={}];",
                    node.id,
                    rect.width / 72.0,
                    rect.height / 72.0
                );
            }
        }
        out.push_str("  }\n");
    }
    for (index, c) in diagram.clusters.iter().enumerate() {
        if c.parent.is_none() {
            cluster(&mut out, diagram, placed, index);
        }
    }
    for (node, rect) in diagram.nodes.iter().zip(&placed.nodes) {
        if node.cluster.is_none() {
            let _ = writeln!(
                out,
                "  n{} [width={}, height={}];",
                node.id,
                rect.width / 72.0,
                rect.height / 72.0
            );
        }
    }
    for edge in &diagram.edges {
        match &edge.label {
            Some(label) => {
                let _ = writeln!(
                    out,
                    "  n{} -> n{} [label=\"{}\"];",
                    edge.from,
                    edge.to,
                    label.replace('"', "'")
                );
            }
            None => {
                let _ = writeln!(out, "  n{} -> n{};", edge.from, edge.to);
            }
        }
    }
    out.push_str("}\n");
    out
}

/// dot's drawing of `source` from `-Tplain`: splines in points.
fn dot_lines(source: &str) -> Vec<Line> {
    let mut child = Command::new("dot")
        .arg("-Tplain")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("dot runs (bash tests/consumers/install.sh installs Graphviz)");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(source.as_bytes())
            .expect("dot reads");
    }
    let output = child.wait_with_output().expect("dot finishes");
    assert!(output.status.success(), "dot failed");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let mut lines = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first() != Some(&"edge") {
            continue;
        }
        let node = |field: &str| {
            field
                .trim_start_matches('n')
                .parse::<usize>()
                .expect("node id")
        };
        let count: usize = fields[3].parse().expect("point count");
        let control: Vec<Point> = (0..count)
            .map(|k| {
                let x: f64 = fields[4 + 2 * k].parse().expect("x");
                let y: f64 = fields[5 + 2 * k].parse().expect("y");
                (x * 72.0, -y * 72.0)
            })
            .collect();
        let mut points = vec![control[0]];
        for piece in control[1..].chunks(3) {
            if let [p1, p2, p3] = piece {
                cubic(*points.last().expect("start"), *p1, *p2, *p3, &mut points);
            }
        }
        lines.push(Line {
            from: node(fields[1]),
            to: node(fields[2]),
            points,
        });
    }
    lines
}

/// Where segments `a` and `b` cross (half-open, so that a crossing at a
/// shared point of two pieces counts once).
fn crossing(a: (Point, Point), b: (Point, Point)) -> Option<Point> {
    let (p, r) = (a.0, (a.1.0 - a.0.0, a.1.1 - a.0.1));
    let (q, s) = (b.0, (b.1.0 - b.0.0, b.1.1 - b.0.1));
    let denominator = r.0 * s.1 - r.1 * s.0;
    if denominator.abs() < 1e-12 {
        return None;
    }
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let t = (dx * s.1 - dy * s.0) / denominator;
    let u = (dx * r.1 - dy * r.0) / denominator;
    ((0.0..1.0).contains(&t) && (0.0..1.0).contains(&u)).then_some((p.0 + t * r.0, p.1 + t * r.1))
}

fn measure(lines: &[Line]) -> Measures {
    let length = lines
        .iter()
        .flat_map(|line| line.points.windows(2))
        .map(|pair| (pair[1].0 - pair[0].0).hypot(pair[1].1 - pair[0].1))
        .sum();
    // Segments in a grid of cells; a crossing counts in the cell it lies in.
    const CELL: f64 = 64.0;
    let mut cells: std::collections::BTreeMap<(i64, i64), Vec<Segment>> =
        std::collections::BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        for pair in line.points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (x0, x1) = (
                (a.0.min(b.0) / CELL).floor() as i64,
                (a.0.max(b.0) / CELL).floor() as i64,
            );
            let (y0, y1) = (
                (a.1.min(b.1) / CELL).floor() as i64,
                (a.1.max(b.1) / CELL).floor() as i64,
            );
            for cx in x0..=x1 {
                for cy in y0..=y1 {
                    cells.entry((cx, cy)).or_default().push((index, a, b));
                }
            }
        }
    }
    let mut crossings = 0;
    for (&(cx, cy), segments) in &cells {
        for (i, &(e, a0, a1)) in segments.iter().enumerate() {
            for &(f, b0, b1) in &segments[i + 1..] {
                let (le, lf) = (&lines[e], &lines[f]);
                if e == f
                    || le.from == lf.from
                    || le.from == lf.to
                    || le.to == lf.from
                    || le.to == lf.to
                {
                    continue;
                }
                if let Some((x, y)) = crossing((a0, a1), (b0, b1))
                    && (x / CELL).floor() as i64 == cx
                    && (y / CELL).floor() as i64 == cy
                {
                    crossings += 1;
                }
            }
        }
    }
    Measures { crossings, length }
}

fn diagram_of(bytes: &[u8]) -> Diagram {
    let analysis = blueprint::analyse(bytes).unwrap_or_else(|_| panic!("design reads"));
    diagram::build(
        &analysis.design,
        &analysis.topology,
        None,
        &[],
        Direction::TopToBottom,
        0.8,
    )
}

fn compare(name: &str, bytes: &[u8], dump: Option<&Path>) -> (f64, f64) {
    let diagram = diagram_of(bytes);
    let started = Instant::now();
    let placed = layout::layout(&diagram);
    let ours_time = started.elapsed();
    let ours = measure(&our_lines(&diagram, &placed));
    let source = comparison_dot(&diagram, &placed);
    if let Some(folder) = dump {
        let stem = name.replace(' ', "-");
        std::fs::write(folder.join(format!("{stem}.dot")), &source).expect("dump");
        std::fs::write(
            folder.join(format!("{stem}.svg")),
            blueprint::render::svg::render(&diagram),
        )
        .expect("dump");
    }
    let started = Instant::now();
    let theirs_lines = dot_lines(&source);
    let dot_time = started.elapsed();
    let theirs = measure(&theirs_lines);
    if std::env::var_os("EDGES").is_some() {
        let mut ours_lines = our_lines(&diagram, &placed);
        ours_lines.sort_by_key(|l| (l.from, l.to));
        let mut theirs_lines: Vec<&Line> = theirs_lines.iter().collect();
        theirs_lines.sort_by_key(|l| (l.from, l.to));
        let len = |l: &Line| {
            l.points
                .windows(2)
                .map(|p| (p[1].0 - p[0].0).hypot(p[1].1 - p[0].1))
                .sum::<f64>()
        };
        for (a, b) in ours_lines.iter().zip(theirs_lines) {
            eprintln!(
                "{}->{}: ours {:.0} dot {:.0} ({}->{})",
                a.from,
                a.to,
                len(a),
                len(b),
                b.from,
                b.to
            );
        }
    }
    let ratio = |a: f64, b: f64| {
        if b == 0.0 {
            if a == 0.0 { 1.0 } else { f64::INFINITY }
        } else {
            a / b
        }
    };
    let crossing_ratio = ratio(ours.crossings as f64, theirs.crossings as f64);
    let length_ratio = ratio(ours.length, theirs.length);
    println!(
        "| {name} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.2} | {:.1} ms | {:.0} ms |",
        diagram.nodes.len(),
        diagram.edges.len(),
        ours.crossings,
        theirs.crossings,
        if crossing_ratio.is_finite() {
            format!("{crossing_ratio:.2}")
        } else {
            "-".to_string()
        },
        ours.length,
        theirs.length,
        length_ratio,
        ours_time.as_secs_f64() * 1000.0,
        dot_time.as_secs_f64() * 1000.0,
    );
    (crossing_ratio, length_ratio)
}

/// CPU seconds used by finished children so far (user + system).
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(13) + ticks(14)) / 100.0
}

/// Wall and CPU seconds of a command; `None` if it ran out of time.
fn time(program: &Path, args: &[&Path], timeout: Duration) -> Option<(f64, f64)> {
    let cpu = children_cpu();
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", program.display()));
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{} failed", program.display());
            return Some((started.elapsed().as_secs_f64(), children_cpu() - cpu));
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn best(runs: usize, mut run: impl FnMut() -> Option<(f64, f64)>) -> Option<(f64, f64)> {
    let mut best: Option<(f64, f64)> = None;
    for _ in 0..runs {
        let (wall, cpu) = run()?;
        best = Some(best.map_or((wall, cpu), |(w, c)| (w.min(wall), c.min(cpu))));
    }
    best
}

fn sizes(args: &[String], flag: &str, default: &[usize]) -> Vec<usize> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map_or_else(
            || default.to_vec(),
            |list| list.split(',').filter_map(|n| n.parse().ok()).collect(),
        )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quality = sizes(&args, "--quality", &[100, 1000]);
    let timing = sizes(&args, "--timing", &[1000, 10_000]);
    let timeout = Duration::from_secs(
        sizes(&args, "--dot-timeout", &[600])
            .first()
            .copied()
            .unwrap_or(600) as u64,
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let dump = dump.as_deref();

    println!("## Layout quality: blueprint against dot on the same graph\n");
    println!(
        "| design | nodes | edges | crossings (ours) | crossings (dot) | ratio | length (ours) | length (dot) | ratio | layout (ours) | dot -Tplain |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut designs: Vec<PathBuf> = std::fs::read_dir(root.join("designs"))
        .expect("designs/")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    designs.sort();
    let mut worst = (0.0f64, 0.0f64);
    let mut totals = (0.0, 0.0);
    for path in &designs {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        let (c, l) = compare(name, &std::fs::read(path).expect("design reads"), dump);
        worst = (worst.0.max(c), worst.1.max(l));
        totals = (totals.0 + c, totals.1 + l);
    }
    for &size in &quality {
        let (c, l) = compare(
            &format!("generated {size}"),
            support::design(size).as_bytes(),
            dump,
        );
        worst = (worst.0.max(c), worst.1.max(l));
    }
    println!(
        "\nworst ratio: crossings {:.2}, length {:.2} (bundled designs' mean: {:.2}, {:.2})",
        worst.0,
        worst.1,
        totals.0 / designs.len() as f64,
        totals.1 / designs.len() as f64
    );

    let binary = std::env::current_exe()
        .expect("own path")
        .parent()
        .and_then(Path::parent)
        .expect("target/release")
        .join("blueprint");
    assert!(
        binary.is_file(),
        "build the binary first: cargo build --release"
    );
    let folder = tempfile::tempdir().expect("temporary folder");
    println!("\n## Timing: `blueprint render` against `dot -Tsvg` on blueprint's DOT\n");
    println!("| components | blueprint render (wall / CPU) | dot -Tsvg (wall / CPU) | CPU ratio |");
    println!("|---|---|---|---|");
    for &size in &timing {
        let yaml = folder.path().join(format!("g{size}.yaml"));
        std::fs::write(&yaml, support::design(size)).expect("write design");
        let dot_file = folder.path().join(format!("g{size}.dot"));
        let svg = folder.path().join(format!("g{size}.svg"));
        let runs = if size >= 5000 { 1 } else { 3 };
        let render = [
            Path::new("render"),
            yaml.as_path(),
            Path::new("-o"),
            svg.as_path(),
        ];
        let ours = best(runs, || time(&binary, &render, Duration::from_secs(3600)));
        let to_dot = [
            Path::new("render"),
            yaml.as_path(),
            Path::new("--format"),
            Path::new("dot"),
            Path::new("-o"),
            dot_file.as_path(),
        ];
        time(&binary, &to_dot, Duration::from_secs(3600));
        let dot_svg = folder.path().join(format!("g{size}.dot.svg"));
        let dot_args = [
            Path::new("-Tsvg"),
            dot_file.as_path(),
            Path::new("-o"),
            dot_svg.as_path(),
        ];
        let theirs = best(runs, || time(Path::new("dot"), &dot_args, timeout));
        let show = |t: Option<(f64, f64)>| {
            t.map_or(format!("over {} s", timeout.as_secs()), |(wall, cpu)| {
                format!("{wall:.2} s / {cpu:.2} s")
            })
        };
        let ratio = match (ours, theirs) {
            (Some((_, a)), Some((_, b))) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        println!("| {size} | {} | {} | {ratio} |", show(ours), show(theirs));
    }
}
