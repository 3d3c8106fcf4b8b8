//! Layers stacked top to bottom (each as tall as its tallest item, with
//! room between them for the cluster boxes that open or close there), and
//! every edge as a line of points: out of its node through a port spread
//! along the node's side, straight down through each layer it crosses,
//! into its target the same way. The caller draws the pieces between
//! layers as curves.

use super::{Graph, Layered, NONE, Spacing};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// The top left corner of the caption's room.
    pub caption: (f64, f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// From the edge's source to its target.
    pub points: Vec<(f64, f64)>,
    /// The point on the line beside which the label starts.
    pub label: Option<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub width: f64,
    pub height: f64,
    /// Node centres.
    pub nodes: Vec<(f64, f64)>,
    pub edges: Vec<Path>,
    /// None for a cluster with nothing in it.
    pub clusters: Vec<Option<Area>>,
}

/// The least distance between two ports on a side.
const PORT_GAP: f64 = 10.0;

/// Offsets from the middle of a side for ports whose other ends lie at
/// `towards` (sorted) relative to it: each port as near its other end as
/// the side allows, in order, at least `PORT_GAP` apart (or evenly spread
/// over the side when there are too many for that).
fn port_offsets(towards: &[f64], reach: f64) -> Vec<f64> {
    let count = towards.len();
    let reach = reach.max(0.0);
    let gap = if count > 1 {
        PORT_GAP.min(2.0 * reach / (count - 1) as f64)
    } else {
        0.0
    };
    let mut ports: Vec<f64> = towards.iter().map(|&t| t.clamp(-reach, reach)).collect();
    for index in 1..count {
        ports[index] = ports[index].max(ports[index - 1] + gap);
    }
    if let Some(last) = ports.last_mut() {
        *last = last.min(reach);
    }
    for index in (0..count.saturating_sub(1)).rev() {
        ports[index] = ports[index].min(ports[index + 1] - gap);
    }
    ports
}

/// Where the layers stand along the flow.
pub(super) struct Vertical {
    /// Per layer: where it starts, and its depth.
    pub top: Vec<f64>,
    pub band: Vec<f64>,
    /// Per scope: how many cluster tops open (bottoms close) with it, it
    /// and those nested in it that start (end) on the same layer.
    opening: Vec<u32>,
    closing: Vec<u32>,
    pub height: f64,
}

impl Vertical {
    /// The gap between layer `rank` and the next, which edges cross.
    pub fn gap_below(&self, rank: usize) -> f64 {
        self.top[rank + 1] - self.top[rank] - self.band[rank]
    }
}

pub(super) fn vertical(layered: &Layered, spacing: &Spacing) -> Vertical {
    let layers = layered.layers.len();
    let mut band = vec![0.0f64; layers];
    for item in 0..layered.len() {
        let rank = layered.rank[item] as usize;
        band[rank] = band[rank].max(layered.height[item]);
    }

    // How many cluster tops open (and bottoms close) at each layer, nested.
    let scopes = layered.span.len();
    let mut opening = vec![0u32; scopes];
    let mut closing = vec![0u32; scopes];
    for scope in (1..scopes).rev() {
        let Some((low, high)) = layered.span[scope] else {
            continue;
        };
        let nested = |stack: &[u32], edge: fn((u32, u32)) -> u32, at: u32| {
            layered.children[scope]
                .iter()
                .filter(|&&child| layered.span[child as usize].map(edge) == Some(at))
                .map(|&child| stack[child as usize])
                .max()
                .unwrap_or(0)
        };
        opening[scope] = 1 + nested(&opening, |(low, _)| low, low);
        closing[scope] = 1 + nested(&closing, |(_, high)| high, high);
    }
    let mut opens = vec![0u32; layers];
    let mut closes = vec![0u32; layers];
    for scope in 1..scopes {
        if let Some((low, high)) = layered.span[scope] {
            opens[low as usize] = opens[low as usize].max(opening[scope]);
            closes[high as usize] = closes[high as usize].max(closing[scope]);
        }
    }
    let mut top = vec![0.0f64; layers];
    let mut y = spacing.margin
        + opens
            .first()
            .map_or(0.0, |&n| f64::from(n) * spacing.cluster_top);
    for rank in 0..layers {
        top[rank] = y;
        y += band[rank];
        if rank + 1 < layers {
            y += spacing.rank / 2.0
                + f64::from(closes[rank]) * spacing.cluster_bottom
                + f64::from(opens[rank + 1]) * spacing.cluster_top;
        }
    }
    let height = y
        + closes
            .last()
            .map_or(0.0, |&n| f64::from(n) * spacing.cluster_bottom)
        + spacing.margin;
    Vertical {
        top,
        band,
        opening,
        closing,
        height,
    }
}

pub(super) fn place(
    graph: &Graph,
    layered: &Layered,
    xs: &[f64],
    vertical: &Vertical,
    spacing: &Spacing,
) -> Placement {
    let Vertical {
        top,
        band,
        opening,
        closing,
        height,
    } = vertical;
    let (height, scopes) = (*height, layered.span.len());
    let left = (0..layered.len())
        .map(|item| xs[item] - layered.before[item])
        .fold(f64::INFINITY, f64::min);
    let right = (0..layered.len())
        .map(|item| xs[item] + layered.after[item])
        .fold(f64::NEG_INFINITY, f64::max);
    let shift = if left.is_finite() {
        spacing.margin - left
    } else {
        spacing.margin
    };
    let width = if right.is_finite() {
        right + shift + spacing.margin
    } else {
        2.0 * spacing.margin
    };
    let x = |item: u32| xs[item as usize] + shift;
    let middle = |item: u32| {
        let rank = layered.rank[item as usize] as usize;
        top[rank] + band[rank] / 2.0
    };

    let nodes: Vec<(f64, f64)> = (0..graph.nodes.len() as u32)
        .map(|node| (x(node), middle(node)))
        .collect();

    // Ports: a node's edges leave (and arrive) in the order of where they
    // go (come from), each as near that as the side allows.
    let mut out_port = vec![0.0f64; graph.edges.len()];
    let mut in_port = vec![0.0f64; graph.edges.len()];
    let mut leaving: Vec<Vec<(f64, usize)>> = vec![Vec::new(); graph.nodes.len()];
    let mut arriving: Vec<Vec<(f64, usize)>> = vec![Vec::new(); graph.nodes.len()];
    for (edge, &(start, end)) in layered.chains.iter().enumerate() {
        let chain = &layered.chain_items[start as usize..end as usize];
        if chain.len() < 2 {
            continue;
        }
        let (upper, lower) = (chain[0], chain[chain.len() - 1]);
        leaving[upper as usize].push((x(chain[1]) - x(upper), edge));
        arriving[lower as usize].push((x(chain[chain.len() - 2]) - x(lower), edge));
    }
    for (node, spec) in graph.nodes.iter().enumerate() {
        for (list, ports) in [
            (&mut leaving[node], &mut out_port),
            (&mut arriving[node], &mut in_port),
        ] {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let towards: Vec<f64> = list.iter().map(|&(dx, _)| dx).collect();
            for (&(_, edge), offset) in list.iter().zip(port_offsets(&towards, spec.port_reach)) {
                ports[edge] = offset;
            }
        }
    }

    let mut edges = Vec::with_capacity(graph.edges.len());
    for (edge, spec) in graph.edges.iter().enumerate() {
        let (start, end) = layered.chains[edge];
        let chain = &layered.chain_items[start as usize..end as usize];
        if chain.len() < 2 {
            edges.push(self_loop(
                graph,
                spec.from,
                spec.label.map(|l| l.before),
                &nodes,
                spacing,
            ));
            continue;
        }
        let (upper, lower) = (chain[0], chain[chain.len() - 1]);
        let mut points = Vec::with_capacity(2 * chain.len() + 2);
        let (ux, uy) = (x(upper) + out_port[edge], middle(upper));
        let upper_rank = layered.rank[upper as usize] as usize;
        points.push((ux, uy + layered.height[upper as usize] / 2.0));
        if layered.height[upper as usize] < band[upper_rank] {
            points.push((ux, top[upper_rank] + band[upper_rank]));
        }
        for &item in &chain[1..chain.len() - 1] {
            let rank = layered.rank[item as usize] as usize;
            points.push((x(item), top[rank]));
            if band[rank] > 0.0 {
                points.push((x(item), top[rank] + band[rank]));
            }
        }
        let (lx, ly) = (x(lower) + in_port[edge], middle(lower));
        let lower_rank = layered.rank[lower as usize] as usize;
        if layered.height[lower as usize] < band[lower_rank] {
            points.push((lx, top[lower_rank]));
        }
        points.push((lx, ly - layered.height[lower as usize] / 2.0));
        if layered.reversed[edge] {
            points.reverse();
        }
        let label = layered.labels[edge];
        edges.push(Path {
            points,
            label: (label != NONE).then(|| (x(label), middle(label))),
        });
    }

    let clusters = (1..scopes)
        .map(|scope| {
            let (low, high) = layered.span[scope]?;
            let &(left, right) = layered.borders[scope].first()?;
            let caption = layered.captions[scope];
            Some(Area {
                caption: (
                    x(caption) - layered.before[caption as usize],
                    top[low as usize],
                ),
                left: x(left),
                right: x(right),
                top: top[low as usize] - f64::from(opening[scope]) * spacing.cluster_top,
                bottom: top[high as usize]
                    + band[high as usize]
                    + f64::from(closing[scope]) * spacing.cluster_bottom,
            })
        })
        .collect();

    Placement {
        width,
        height,
        nodes,
        edges,
        clusters,
    }
}

/// A loop out of the node's right side and back, its label beyond it.
fn self_loop(
    graph: &Graph,
    node: usize,
    label_before: Option<f64>,
    nodes: &[(f64, f64)],
    spacing: &Spacing,
) -> Path {
    let Some(&(cx, cy)) = nodes.get(node) else {
        return Path {
            points: Vec::new(),
            label: None,
        };
    };
    let spec = graph.nodes[node];
    let side = cx + spec.width / 2.0;
    let reach = side + spacing.self_loop - 4.0;
    let (high, low) = (cy - spec.height / 4.0, cy + spec.height / 4.0);
    Path {
        points: vec![(side, high), (reach, high), (reach, low), (side, low)],
        label: label_before.map(|before| (reach + before, cy)),
    }
}
