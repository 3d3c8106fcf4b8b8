//! Coordinates across the flow, after Brandes and Köpf ("Fast and Simple
//! Horizontal Coordinate Assignment", 2001) as dagre does it: four
//! alignments (up or down, from the left or the right) of items with their
//! median neighbours into vertical blocks, each block compacted as far as
//! its neighbours on the layers allow, and each item finally put at the
//! mean of its two middle candidates. Segments that cross a long edge's
//! inner segment, and anything that crosses a cluster's border chain, never
//! align, so long edges run straight and each border chain is one block:
//! every cluster comes out a rectangle.

use std::collections::HashSet;

use super::route::Vertical as Layers;
use super::{Kind, Layered, NONE, Spacing};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Vertical {
    /// Top to bottom, aligning with neighbours above.
    Down,
    /// Bottom to top, aligning with neighbours below.
    Up,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Horizontal {
    Left,
    Right,
}

/// Segments (upper item, lower item) that must not be aligned.
type Conflicts = HashSet<(u32, u32)>;

/// Marks, between layer `rank` and the next, every segment that crosses an
/// `inner` segment without being one (the linear sweep of Brandes and
/// Köpf's type 1 conflicts).
fn mark(
    layered: &Layered,
    rank: usize,
    inner: impl Fn(Kind, Kind) -> bool,
    marked: &mut Conflicts,
) {
    let upper_len = layered.layers[rank].len();
    let lower = &layered.layers[rank + 1];
    let (mut k0, mut scan) = (0usize, 0usize);
    for (index, &item) in lower.iter().enumerate() {
        let kind = layered.kind[item as usize];
        let inner_end = layered
            .upper(item)
            .iter()
            .copied()
            .find(|&u| inner(layered.kind[u as usize], kind));
        if inner_end.is_none() && index + 1 != lower.len() {
            continue;
        }
        let k1 = inner_end.map_or(upper_len, |u| layered.pos[u as usize] as usize);
        for &below in &lower[scan..=index] {
            let below_kind = layered.kind[below as usize];
            for &above in layered.upper(below) {
                let at = layered.pos[above as usize] as usize;
                if (at < k0 || at > k1) && !inner(layered.kind[above as usize], below_kind) {
                    marked.insert((above, below));
                }
            }
        }
        scan = index + 1;
        k0 = k1;
    }
}

fn conflicts(layered: &Layered) -> Conflicts {
    let mut marked = Conflicts::new();
    for rank in 0..layered.layers.len().saturating_sub(1) {
        mark(
            layered,
            rank,
            |a, b| !a.is_node() && !b.is_node(),
            &mut marked,
        );
        mark(
            layered,
            rank,
            |a, b| a.is_border() && b.is_border(),
            &mut marked,
        );
    }
    marked
}

/// One of the four alignments and its compaction; `None` if its blocks
/// would have to stand both left and right of each other.
fn align_and_compact(
    layered: &Layered,
    spacing: &Spacing,
    conflicts: &Conflicts,
    vertical: Vertical,
    horizontal: Horizontal,
) -> Option<Vec<f64>> {
    let count = layered.len();
    let at = |item: u32| {
        let pos = layered.pos[item as usize] as usize;
        match horizontal {
            Horizontal::Left => pos,
            Horizontal::Right => {
                layered.layers[layered.rank[item as usize] as usize].len() - 1 - pos
            }
        }
    };
    let ordered = |rank: usize| -> Vec<u32> {
        let layer = &layered.layers[rank];
        match horizontal {
            Horizontal::Left => layer.clone(),
            Horizontal::Right => layer.iter().rev().copied().collect(),
        }
    };
    let layer_count = layered.layers.len();
    let ranks: Vec<usize> = match vertical {
        Vertical::Down => (0..layer_count).collect(),
        Vertical::Up => (0..layer_count).rev().collect(),
    };

    // Vertical alignment: each item joins the block of a median neighbour
    // unless that would cross an alignment made earlier on its layer.
    let mut root: Vec<u32> = (0..count as u32).collect();
    let mut aligned = vec![false; count];
    let mut neighbours: Vec<u32> = Vec::new();
    for &rank in &ranks {
        let mut previous: Option<usize> = None;
        for item in ordered(rank) {
            neighbours.clear();
            neighbours.extend_from_slice(match vertical {
                Vertical::Down => layered.upper(item),
                Vertical::Up => layered.lower(item),
            });
            if neighbours.is_empty() {
                continue;
            }
            neighbours.sort_by_key(|&n| at(n));
            let last = neighbours.len() - 1;
            for index in [last / 2, last.div_ceil(2)] {
                let other = neighbours[index];
                let segment = match vertical {
                    Vertical::Down => (other, item),
                    Vertical::Up => (item, other),
                };
                if !aligned[item as usize]
                    && previous.is_none_or(|p| p < at(other))
                    && !conflicts.contains(&segment)
                {
                    root[item as usize] = root[other as usize];
                    aligned[item as usize] = true;
                    previous = Some(at(other));
                }
            }
        }
    }

    // Horizontal compaction over the graph of blocks: an edge from each
    // item's block to its right neighbour's, as long as they must be apart.
    let mut pairs: Vec<(u32, u32, f64)> = Vec::with_capacity(count);
    for rank in 0..layer_count {
        let layer = ordered(rank);
        for pair in layer.windows(2) {
            let gap = match horizontal {
                Horizontal::Left => layered.separation(pair[0], pair[1], spacing),
                Horizontal::Right => layered.separation(pair[1], pair[0], spacing),
            };
            pairs.push((root[pair[0] as usize], root[pair[1] as usize], gap));
        }
    }
    let mut start = vec![0u32; count + 1];
    let mut incoming = vec![0u32; count];
    for &(from, to, _) in &pairs {
        start[from as usize + 1] += 1;
        incoming[to as usize] += 1;
    }
    for index in 0..count {
        start[index + 1] += start[index];
    }
    let mut fill = start.clone();
    let mut edges = vec![(0u32, 0.0f64); pairs.len()];
    for &(from, to, gap) in &pairs {
        edges[fill[from as usize] as usize] = (to, gap);
        fill[from as usize] += 1;
    }
    let blocks: Vec<u32> = (0..count as u32)
        .filter(|&item| root[item as usize] == item)
        .collect();
    let mut order: Vec<u32> = blocks
        .iter()
        .copied()
        .filter(|&block| incoming[block as usize] == 0)
        .collect();
    let mut x = vec![0.0f64; count];
    let mut head = 0;
    while head < order.len() {
        let block = order[head] as usize;
        head += 1;
        for &(next, gap) in &edges[start[block] as usize..start[block + 1] as usize] {
            let next = next as usize;
            x[next] = x[next].max(x[block] + gap);
            incoming[next] -= 1;
            if incoming[next] == 0 {
                order.push(next as u32);
            }
        }
    }
    if order.len() != blocks.len() {
        return None;
    }
    // Blocks pulled towards their right neighbours, except the far-side
    // border of a cluster, which would only widen it.
    for &block in order.iter().rev() {
        let block = block as usize;
        let out = &edges[start[block] as usize..start[block + 1] as usize];
        let far_border = matches!(
            (horizontal, layered.kind[block]),
            (Horizontal::Left, Kind::Right(_)) | (Horizontal::Right, Kind::Left(_))
        );
        if out.is_empty() || far_border {
            continue;
        }
        let room = out
            .iter()
            .map(|&(next, gap)| x[next as usize] - gap)
            .fold(f64::INFINITY, f64::min);
        x[block] = x[block].max(room);
    }
    let sign = match horizontal {
        Horizontal::Left => 1.0,
        Horizontal::Right => -1.0,
    };
    Some(
        (0..count)
            .map(|item| sign * x[root[item] as usize])
            .collect(),
    )
}

fn extent(layered: &Layered, xs: &[f64]) -> (f64, f64) {
    (0..layered.len()).fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), item| {
        (
            low.min(xs[item] - layered.before[item]),
            high.max(xs[item] + layered.after[item]),
        )
    })
}

fn feasible(layered: &Layered, spacing: &Spacing, xs: &[f64]) -> bool {
    layered.layers.iter().all(|layer| {
        layer.windows(2).all(|pair| {
            xs[pair[1] as usize] - xs[pair[0] as usize]
                >= layered.separation(pair[0], pair[1], spacing) - 1e-6
        })
    })
}

/// Every item packed to the left of its layer: the last resort when the
/// alignments cannot be compacted (never for an order `order` made).
fn packed(layered: &Layered, spacing: &Spacing) -> Vec<f64> {
    let mut xs = vec![0.0; layered.len()];
    for layer in &layered.layers {
        for pair in layer.windows(2) {
            xs[pair[1] as usize] =
                xs[pair[0] as usize] + layered.separation(pair[0], pair[1], spacing);
        }
    }
    xs
}

/// The x of every item's line.
pub(super) fn assign(layered: &Layered, spacing: &Spacing) -> Vec<f64> {
    let conflicts = conflicts(layered);
    let mut runs: Vec<(Horizontal, Vec<f64>)> = Vec::with_capacity(4);
    for vertical in [Vertical::Down, Vertical::Up] {
        for horizontal in [Horizontal::Left, Horizontal::Right] {
            match align_and_compact(layered, spacing, &conflicts, vertical, horizontal) {
                Some(xs) => runs.push((horizontal, xs)),
                None => return packed(layered, spacing),
            }
        }
    }
    // Align the four on the narrowest: the left ones by their left edge,
    // the right ones by their right edge.
    let extents: Vec<(f64, f64)> = runs.iter().map(|(_, xs)| extent(layered, xs)).collect();
    let narrowest = (0..runs.len())
        .min_by(|&a, &b| {
            let width = |k: usize| extents[k].1 - extents[k].0;
            width(a).total_cmp(&width(b)).then(a.cmp(&b))
        })
        .unwrap_or(0);
    for (k, (horizontal, xs)) in runs.iter_mut().enumerate() {
        let shift = match horizontal {
            Horizontal::Left => extents[narrowest].0 - extents[k].0,
            Horizontal::Right => extents[narrowest].1 - extents[k].1,
        };
        for x in xs.iter_mut() {
            *x += shift;
        }
    }
    let balanced: Vec<f64> = (0..layered.len())
        .map(|item| {
            let mut candidates = [
                runs[0].1[item],
                runs[1].1[item],
                runs[2].1[item],
                runs[3].1[item],
            ];
            candidates.sort_by(f64::total_cmp);
            (candidates[1] + candidates[2]) / 2.0
        })
        .collect();
    if feasible(layered, spacing, &balanced) {
        return balanced;
    }
    // The mean of the four always keeps every item clear of its neighbours.
    (0..layered.len())
        .map(|item| runs.iter().map(|(_, xs)| xs[item]).sum::<f64>() / 4.0)
        .collect()
}

/// Rounds of `shorten`; each only ever shortens the edges.
const SHORTEN_ROUNDS: usize = 8;

/// Shortens the edges after the alignment, which keeps edges straight but
/// leaves, say, a node above one of its two children: each vertical block
/// (a node and the edge points straight above and below it, or a long
/// edge's straight run) moves, within the room its neighbours on the
/// layers leave it, to where the straight lines to its other neighbours
/// are shortest in sum (a convex function of its x: bisection on its
/// slope). Cluster borders stay where they are, then close in on what
/// they hold.
pub(super) fn shorten(layered: &Layered, spacing: &Spacing, vertical: &Layers, xs: &mut [f64]) {
    let count = layered.len();
    let fixed = |item: u32| {
        matches!(
            layered.kind[item as usize],
            Kind::Left(_) | Kind::Right(_) | Kind::Caption(_)
        )
    };
    // Blocks: runs of items straight above one another; a label stands
    // alone, so that its edge can run straight past it.
    let alone = |item: u32| fixed(item) || layered.kind[item as usize] == Kind::Label;
    let mut below = vec![NONE; count];
    let mut is_root = vec![true; count];
    for layer in layered.layers.iter().skip(1) {
        for &item in layer {
            if alone(item) {
                continue;
            }
            let partner = layered.up.of(item).iter().copied().find(|&above| {
                !alone(above)
                    && below[above as usize] == NONE
                    && (xs[above as usize] - xs[item as usize]).abs() < 1e-6
            });
            if let Some(above) = partner {
                below[above as usize] = item;
                is_root[item as usize] = false;
            }
        }
    }
    let roots: Vec<u32> = layered
        .layers
        .iter()
        .flatten()
        .copied()
        .filter(|&item| is_root[item as usize] && !fixed(item))
        .collect();
    // Per block: the other ends of its outside segments, relative to it,
    // and how far each segment runs along the flow.
    let mut others: Vec<(f64, f64)> = Vec::new();
    for round in 0..SHORTEN_ROUNDS {
        let mut moved = 0.0;
        let order: Box<dyn Iterator<Item = &u32>> = if round % 2 == 0 {
            Box::new(roots.iter())
        } else {
            Box::new(roots.iter().rev())
        };
        for &block in order {
            let (mut low, mut high) = (f64::NEG_INFINITY, f64::INFINITY);
            others.clear();
            let mut item = block;
            let mut above = NONE;
            while item != NONE {
                let at = item as usize;
                let rank = layered.rank[at] as usize;
                let layer = &layered.layers[rank];
                let pos = layered.pos[at] as usize;
                if pos > 0 {
                    let left = layer[pos - 1];
                    low = low
                        .max(xs[left as usize] + layered.separation(left, item, spacing) - xs[at]);
                }
                if let Some(&right) = layer.get(pos + 1) {
                    high = high.min(
                        xs[right as usize] - layered.separation(item, right, spacing) - xs[at],
                    );
                }
                for &other in layered.up.of(item) {
                    if other != above {
                        others.push((xs[other as usize] - xs[at], vertical.gap_below(rank - 1)));
                    }
                }
                for &other in layered.down.of(item) {
                    if other != below[at] {
                        others.push((xs[other as usize] - xs[at], vertical.gap_below(rank)));
                    }
                }
                above = item;
                item = below[at];
            }
            if others.is_empty() || low > high {
                continue;
            }
            let slope = |shift: f64| -> f64 {
                others
                    .iter()
                    .map(|&(to, along)| (shift - to) / ((shift - to).hypot(along)).max(1e-9))
                    .sum()
            };
            let nearest = others.iter().map(|o| o.0).fold(f64::INFINITY, f64::min);
            let farthest = others.iter().map(|o| o.0).fold(f64::NEG_INFINITY, f64::max);
            let (mut from, mut to) = (low.max(nearest), high.min(farthest));
            let shift = if from > to {
                // All the other ends lie beyond one side of the room.
                if farthest < low { low } else { high }
            } else if slope(from) >= 0.0 {
                from
            } else if slope(to) <= 0.0 {
                to
            } else {
                for _ in 0..40 {
                    let middle = (from + to) / 2.0;
                    if slope(middle) < 0.0 {
                        from = middle;
                    } else {
                        to = middle;
                    }
                }
                (from + to) / 2.0
            };
            if shift.abs() > 0.01 {
                moved += shift.abs();
                let mut item = block;
                while item != NONE {
                    xs[item as usize] += shift;
                    item = below[item as usize];
                }
            }
        }
        if moved < 0.5 {
            break;
        }
    }
    close_in(layered, spacing, xs);
}

/// Moves each cluster's left border (with its caption) right, and its right
/// border left, as far as what the cluster holds allows: innermost first.
fn close_in(layered: &Layered, spacing: &Spacing, xs: &mut [f64]) {
    for scope in (1..layered.borders.len()).rev() {
        let borders = &layered.borders[scope];
        if borders.is_empty() {
            continue;
        }
        let caption = layered.captions[scope];
        let room = |item: u32, towards_right: bool| -> f64 {
            let layer = &layered.layers[layered.rank[item as usize] as usize];
            let pos = layered.pos[item as usize] as usize;
            let neighbour = if towards_right {
                layer.get(pos + 1)
            } else {
                pos.checked_sub(1).and_then(|p| layer.get(p))
            };
            neighbour.map_or(0.0, |&other| {
                if towards_right {
                    xs[other as usize]
                        - layered.separation(item, other, spacing)
                        - xs[item as usize]
                } else {
                    xs[item as usize]
                        - layered.separation(other, item, spacing)
                        - xs[other as usize]
                }
            })
        };
        // The left chain and the caption move together; on the top layer
        // the caption, not the border, meets the content.
        let right_shift = borders
            .iter()
            .skip(1)
            .map(|&(left, _)| room(left, true))
            .chain(std::iter::once(if caption == NONE {
                room(borders[0].0, true)
            } else {
                room(caption, true)
            }))
            .fold(f64::INFINITY, f64::min)
            .max(0.0);
        let left_shift = borders
            .iter()
            .map(|&(_, right)| room(right, false))
            .fold(f64::INFINITY, f64::min)
            .max(0.0);
        for &(left, right) in borders {
            xs[left as usize] += right_shift;
            xs[right as usize] -= left_shift;
        }
        if caption != NONE {
            xs[caption as usize] += right_shift;
        }
    }
}
