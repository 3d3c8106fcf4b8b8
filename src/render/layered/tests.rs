//! What every layout must satisfy, on fixed graphs and on random ones:
//! nodes and labels never overlap, each cluster holds its nodes (and its
//! nested clusters) and no other node, sibling clusters stay apart, edges
//! run from their source's box to their target's, and the same graph
//! gives the same layout.

use proptest::prelude::*;

use super::*;

fn spacing() -> Spacing {
    Spacing {
        node: 32.0,
        edge: 12.0,
        rank: 40.0,
        cluster_start: 10.0,
        cluster_end: 14.0,
        cluster_top: 10.0,
        cluster_bottom: 12.0,
        margin: 16.0,
        self_loop: 24.0,
    }
}

fn node(width: f64, height: f64, cluster: Option<usize>) -> NodeSpec {
    NodeSpec {
        width,
        height,
        port_reach: width / 2.0 - 5.0,
        cluster,
    }
}

fn label(width: f64) -> Option<LabelSpec> {
    Some(LabelSpec {
        before: 3.0,
        after: width,
        depth: 14.0,
    })
}

/// (left, top, right, bottom)
type Box2 = (f64, f64, f64, f64);

fn overlap(a: Box2, b: Box2) -> bool {
    a.0 < b.2 - 1e-6 && b.0 < a.2 - 1e-6 && a.1 < b.3 - 1e-6 && b.1 < a.3 - 1e-6
}

fn inside(inner: Box2, outer: Box2) -> bool {
    inner.0 >= outer.0 - 1e-6
        && inner.1 >= outer.1 - 1e-6
        && inner.2 <= outer.2 + 1e-6
        && inner.3 <= outer.3 + 1e-6
}

/// Whether `cluster` is `ancestor` or nested in it.
fn within(graph: &Graph, mut cluster: usize, ancestor: usize) -> bool {
    loop {
        if cluster == ancestor {
            return true;
        }
        match graph.clusters[cluster].parent {
            Some(parent) if parent < cluster => cluster = parent,
            _ => return false,
        }
    }
}

/// Every invariant of a placement, or the first one broken.
fn check(graph: &Graph) -> Result<(), String> {
    let placed = layout(graph, &spacing());
    if placed != layout(graph, &spacing()) {
        return Err("two layouts of the same graph differ".into());
    }
    let boxes: Vec<Box2> = graph
        .nodes
        .iter()
        .zip(&placed.nodes)
        .map(|(spec, &(x, y))| {
            (
                x - spec.width / 2.0,
                y - spec.height / 2.0,
                x + spec.width / 2.0,
                y + spec.height / 2.0,
            )
        })
        .collect();
    for (index, a) in boxes.iter().enumerate() {
        if a.0 < 0.0 || a.1 < 0.0 || a.2 > placed.width || a.3 > placed.height {
            return Err(format!("node {index} {a:?} outside the drawing"));
        }
        for (other, b) in boxes.iter().enumerate().skip(index + 1) {
            if overlap(*a, *b) {
                return Err(format!("nodes {index} {a:?} and {other} {b:?} overlap"));
            }
        }
    }
    let labels: Vec<(usize, Box2)> = graph
        .edges
        .iter()
        .zip(&placed.edges)
        .enumerate()
        .filter_map(|(index, (edge, path))| {
            let spec = edge.label?;
            let (x, y) = path.label?;
            Some((
                index,
                (
                    x - spec.before,
                    y - spec.depth / 2.0,
                    x + spec.after,
                    y + spec.depth / 2.0,
                ),
            ))
        })
        .collect();
    for (position, &(edge, a)) in labels.iter().enumerate() {
        if graph.edges[edge].from == graph.edges[edge].to {
            continue;
        }
        for (index, b) in boxes.iter().enumerate() {
            if overlap(a, *b) {
                return Err(format!(
                    "label of edge {edge} {a:?} overlaps node {index} {b:?}"
                ));
            }
        }
        for &(other, b) in &labels[position + 1..] {
            if overlap(a, b) {
                return Err(format!("labels of edges {edge} and {other} overlap"));
            }
        }
    }
    for (index, (edge, path)) in graph.edges.iter().zip(&placed.edges).enumerate() {
        let (Some(first), Some(last)) = (path.points.first(), path.points.last()) else {
            return Err(format!("edge {index} has no points"));
        };
        let near = |point: &(f64, f64), b: Box2| {
            point.0 >= b.0 - 0.5
                && point.0 <= b.2 + 0.5
                && point.1 >= b.1 - 0.5
                && point.1 <= b.3 + 0.5
        };
        if !near(first, boxes[edge.from]) || !near(last, boxes[edge.to]) {
            return Err(format!(
                "edge {index} does not run from its source to its target: {path:?}"
            ));
        }
    }
    for (cluster, area) in placed.clusters.iter().enumerate() {
        let Some(area) = area else {
            if graph
                .nodes
                .iter()
                .any(|n| n.cluster.is_some_and(|c| within(graph, c, cluster)))
            {
                return Err(format!("cluster {cluster} holds nodes but has no box"));
            }
            continue;
        };
        let frame = (area.left, area.top, area.right, area.bottom);
        for (index, (spec, b)) in graph.nodes.iter().zip(&boxes).enumerate() {
            let member = spec.cluster.is_some_and(|c| within(graph, c, cluster));
            if member && !inside(*b, frame) {
                return Err(format!(
                    "node {index} {b:?} sticks out of cluster {cluster} {frame:?}"
                ));
            }
            if !member && overlap(*b, frame) {
                return Err(format!(
                    "node {index} {b:?} is inside cluster {cluster} {frame:?}, not a member"
                ));
            }
        }
        for (other, other_area) in placed.clusters.iter().enumerate().skip(cluster + 1) {
            let Some(other_area) = other_area else {
                continue;
            };
            let other_frame = (
                other_area.left,
                other_area.top,
                other_area.right,
                other_area.bottom,
            );
            let nested = within(graph, other, cluster) || within(graph, cluster, other);
            if nested {
                let (inner, outer) = if within(graph, other, cluster) {
                    (other_frame, frame)
                } else {
                    (frame, other_frame)
                };
                if !inside(inner, outer) {
                    return Err(format!(
                        "clusters {cluster} and {other}: the nested one sticks out"
                    ));
                }
            } else if overlap(frame, other_frame) {
                return Err(format!(
                    "clusters {cluster} {frame:?} and {other} {other_frame:?} overlap"
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn a_small_service_graph_keeps_every_invariant() {
    // client -> lb -> {a, b} -> db, a -> cache -> db (miss), zones.
    let graph = Graph {
        nodes: vec![
            node(80.0, 30.0, None),
            node(90.0, 40.0, Some(0)),
            node(100.0, 50.0, Some(0)),
            node(70.0, 50.0, Some(0)),
            node(90.0, 60.0, Some(1)),
            node(60.0, 40.0, Some(0)),
        ],
        edges: vec![
            EdgeSpec {
                from: 0,
                to: 1,
                label: None,
            },
            EdgeSpec {
                from: 1,
                to: 2,
                label: label(30.0),
            },
            EdgeSpec {
                from: 1,
                to: 3,
                label: label(30.0),
            },
            EdgeSpec {
                from: 2,
                to: 4,
                label: label(60.0),
            },
            EdgeSpec {
                from: 3,
                to: 4,
                label: None,
            },
            EdgeSpec {
                from: 2,
                to: 5,
                label: None,
            },
            EdgeSpec {
                from: 5,
                to: 4,
                label: label(24.0),
            },
        ],
        clusters: vec![
            ClusterSpec {
                parent: None,
                caption: LabelSpec {
                    before: 0.0,
                    after: 120.0,
                    depth: 13.0,
                },
            },
            ClusterSpec {
                parent: None,
                caption: LabelSpec {
                    before: 0.0,
                    after: 50.0,
                    depth: 13.0,
                },
            },
        ],
    };
    check(&graph).unwrap();
    // The client sits above what it calls; the store below its callers.
    let placed = layout(&graph, &spacing());
    assert!(placed.nodes[0].1 < placed.nodes[1].1);
    assert!(placed.nodes[4].1 > placed.nodes[2].1);
}

#[test]
fn cycles_self_loops_and_parallel_edges_are_drawn() {
    let graph = Graph {
        nodes: vec![node(60.0, 30.0, None); 4],
        edges: vec![
            EdgeSpec {
                from: 0,
                to: 1,
                label: None,
            },
            EdgeSpec {
                from: 1,
                to: 2,
                label: label(20.0),
            },
            EdgeSpec {
                from: 2,
                to: 0,
                label: label(20.0),
            },
            EdgeSpec {
                from: 1,
                to: 1,
                label: label(20.0),
            },
            EdgeSpec {
                from: 2,
                to: 3,
                label: None,
            },
            EdgeSpec {
                from: 2,
                to: 3,
                label: label(20.0),
            },
        ],
        clusters: Vec::new(),
    };
    check(&graph).unwrap();
    let placed = layout(&graph, &spacing());
    // The back edge still ends at its target, with its arrow.
    let back = &placed.edges[2].points;
    assert!(back.last().unwrap().1 < back.first().unwrap().1);
}

#[test]
fn nested_clusters_nest_and_siblings_stay_apart() {
    // A region around two zones and a band, each with a chain.
    let caption = LabelSpec {
        before: 0.0,
        after: 60.0,
        depth: 13.0,
    };
    let mut nodes = vec![node(60.0, 30.0, None)];
    let mut edges = Vec::new();
    for cluster in 1..4 {
        for step in 0..3 {
            nodes.push(node(50.0 + 10.0 * step as f64, 30.0, Some(cluster)));
            let id = nodes.len() - 1;
            let from = if step == 0 { 0 } else { id - 1 };
            edges.push(EdgeSpec {
                from,
                to: id,
                label: None,
            });
        }
    }
    // Edges across the clusters.
    edges.push(EdgeSpec {
        from: 1,
        to: 6,
        label: label(20.0),
    });
    edges.push(EdgeSpec {
        from: 4,
        to: 9,
        label: None,
    });
    let graph = Graph {
        nodes,
        edges,
        clusters: vec![
            ClusterSpec {
                parent: None,
                caption,
            },
            ClusterSpec {
                parent: Some(0),
                caption,
            },
            ClusterSpec {
                parent: Some(0),
                caption,
            },
            ClusterSpec {
                parent: None,
                caption,
            },
        ],
    };
    check(&graph).unwrap();
}

#[test]
fn an_empty_graph_and_a_lone_node_are_drawn() {
    check(&Graph::default()).unwrap();
    check(&Graph {
        nodes: vec![node(40.0, 20.0, Some(0))],
        edges: Vec::new(),
        clusters: vec![ClusterSpec {
            parent: None,
            caption: LabelSpec {
                before: 0.0,
                after: 200.0,
                depth: 13.0,
            },
        }],
    })
    .unwrap();
}

#[test]
fn a_long_chain_is_straight_and_linear_in_size() {
    // 2,000 nodes in a chain with a side branch every ten: all on one line.
    let mut graph = Graph::default();
    for index in 0..2000 {
        graph.nodes.push(node(60.0, 30.0, None));
        if index > 0 {
            let from = if index % 10 == 0 {
                index - 2
            } else {
                index - 1
            };
            graph.edges.push(EdgeSpec {
                from,
                to: index,
                label: None,
            });
        }
    }
    let placed = layout(&graph, &spacing());
    assert_eq!(placed.nodes.len(), 2000);
    assert!(placed.nodes[1].0 == placed.nodes[2].0);
}

fn arbitrary_graph() -> impl Strategy<Value = Graph> {
    (1usize..24, 0usize..5).prop_flat_map(|(nodes, clusters)| {
        let node_strategy = (
            20.0f64..120.0,
            16.0f64..70.0,
            proptest::option::of(0..clusters.max(1)),
        )
            .prop_map(move |(w, h, c)| node(w, h, c.filter(|_| clusters > 0)));
        let edge_strategy = (0..nodes, 0..nodes, proptest::option::of(4.0f64..80.0)).prop_map(
            |(from, to, width)| EdgeSpec {
                from,
                to,
                label: width.and_then(label),
            },
        );
        let cluster_strategy = (proptest::option::of(0..clusters.max(1)), 0.0f64..150.0).prop_map(
            |(parent, width)| ClusterSpec {
                parent,
                caption: LabelSpec {
                    before: 0.0,
                    after: width,
                    depth: 13.0,
                },
            },
        );
        (
            proptest::collection::vec(node_strategy, nodes),
            proptest::collection::vec(edge_strategy, 0..nodes * 3),
            proptest::collection::vec(cluster_strategy, clusters),
        )
            .prop_map(|(nodes, edges, clusters)| Graph {
                nodes,
                edges,
                clusters,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_layout_keeps_every_invariant(graph in arbitrary_graph()) {
        if let Err(broken) = check(&graph) {
            prop_assert!(false, "{broken}\n{graph:?}");
        }
    }
}
