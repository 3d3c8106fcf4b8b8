//! The order of the items in each layer: barycentre sweeps, down and up in
//! turn, each followed by transposition (neighbours swapped while that
//! removes crossings, as dot does), keeping the order with the fewest
//! crossings (counted with a Fenwick tree, Barth, Jünger and Mutzel 2004). A layer is sorted as a
//! tree of its clusters: each cluster's items stay together between its
//! border items, and sibling clusters keep one order on every layer, so
//! that their boxes never overlap.

use std::cmp::Ordering;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::{Kind, Layered, NONE};

/// The most sweeps; each costs a sort of every layer.
const MAX_SWEEPS: usize = 24;
/// Sweeps without a better order before giving up.
const PATIENCE: usize = 4;
/// The most passes of transposition after a sweep.
const TRANSPOSE_PASSES: usize = 8;
/// Items times starts: how much work the restarts may take.
const WORK_BUDGET: usize = 40_000;
const MAX_STARTS: usize = 32;
const SEED: u64 = 0x5eed_1a7e;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Above,
    Below,
}

/// A run of items that moves as one while a scope is sorted: an item, or a
/// whole child cluster.
struct Unit {
    items: Vec<u32>,
    /// Sum and count of the neighbour positions seen (count 0: none).
    sum: f64,
    weight: f64,
    /// The unit's place among its scope's units before sorting.
    index: usize,
    cluster: Option<u32>,
}

impl Unit {
    fn barycentre(&self) -> f64 {
        self.sum / self.weight
    }
}

struct Sorter<'a> {
    layered: &'a Layered,
    /// Barycentre sum and count per item of the layer being sorted.
    sums: &'a [(f64, f64)],
    rank: u32,
    /// Per scope: its items on this layer, in current order.
    members: Vec<Vec<u32>>,
    /// Sibling order of the clusters (by scope), the same on every layer.
    keys: &'a [f64],
    prefer_right: bool,
}

impl Sorter<'_> {
    fn present(&self, scope: u32) -> bool {
        self.layered.span[scope as usize]
            .is_some_and(|(low, high)| low <= self.rank && self.rank <= high)
    }

    fn sort_scope(&self, scope: u32) -> Unit {
        let layered = self.layered;
        let mut units: Vec<Unit> = Vec::new();
        // The scope's own items and child clusters in their current order:
        // a child cluster's place is that of its first item.
        let mut firsts: Vec<(u32, Unit)> = Vec::new();
        for &item in &self.members[scope as usize] {
            let kind = layered.kind[item as usize];
            if kind.is_border() || matches!(kind, Kind::Caption(_)) {
                continue;
            }
            let (sum, weight) = self.sums[item as usize];
            firsts.push((
                layered.pos[item as usize],
                Unit {
                    items: vec![item],
                    sum,
                    weight,
                    index: 0,
                    cluster: None,
                },
            ));
        }
        for &child in &layered.children[scope as usize] {
            if self.present(child) {
                let unit = self.sort_scope(child);
                let first = unit
                    .items
                    .iter()
                    .map(|&item| layered.pos[item as usize])
                    .min()
                    .unwrap_or(0);
                firsts.push((first, unit));
            }
        }
        firsts.sort_by_key(|(first, _)| *first);
        for (index, (_, mut unit)) in firsts.into_iter().enumerate() {
            unit.index = index;
            units.push(unit);
        }

        let mut sorted = self.sort_units(units);
        self.keep_sibling_order(&mut sorted);

        let mut items = Vec::new();
        let (mut sum, mut weight) = (0.0, 0.0);
        let borders = (scope != 0).then(|| {
            let (low, _) = layered.span[scope as usize].unwrap_or((0, 0));
            layered.borders[scope as usize][(self.rank - low) as usize]
        });
        if let Some((left, _)) = borders {
            items.push(left);
            let caption = layered.captions[scope as usize];
            if caption != NONE && layered.rank[caption as usize] == self.rank {
                items.push(caption);
            }
        }
        for unit in sorted {
            sum += unit.sum;
            weight += unit.weight;
            items.extend(unit.items);
        }
        if let Some((_, right)) = borders {
            items.push(right);
        }
        Unit {
            items,
            sum,
            weight,
            index: 0,
            cluster: Some(scope),
        }
    }

    /// Units with neighbours by barycentre; those without keep their place
    /// among the others (dagre's rule).
    fn sort_units(&self, units: Vec<Unit>) -> Vec<Unit> {
        let (mut sortable, mut fixed): (Vec<Unit>, Vec<Unit>) =
            units.into_iter().partition(|unit| unit.weight > 0.0);
        let prefer_right = self.prefer_right;
        sortable.sort_by(|a, b| {
            a.barycentre()
                .partial_cmp(&b.barycentre())
                .unwrap_or(Ordering::Equal)
                .then_with(|| {
                    if prefer_right {
                        b.index.cmp(&a.index)
                    } else {
                        a.index.cmp(&b.index)
                    }
                })
        });
        fixed.sort_by_key(|unit| std::cmp::Reverse(unit.index));
        let mut out = Vec::with_capacity(sortable.len() + fixed.len());
        let consume = |out: &mut Vec<Unit>, fixed: &mut Vec<Unit>| {
            while fixed.last().is_some_and(|unit| unit.index <= out.len()) {
                out.extend(fixed.pop());
            }
        };
        consume(&mut out, &mut fixed);
        for unit in sortable {
            out.push(unit);
            consume(&mut out, &mut fixed);
        }
        while let Some(unit) = fixed.pop() {
            out.push(unit);
        }
        out
    }

    /// Puts the child clusters back into the places clusters took, in
    /// their fixed sibling order.
    fn keep_sibling_order(&self, units: &mut [Unit]) {
        let slots: Vec<usize> = (0..units.len())
            .filter(|&index| units[index].cluster.is_some())
            .collect();
        if slots.len() < 2 {
            return;
        }
        let mut clusters: Vec<Unit> = Vec::with_capacity(slots.len());
        for &slot in &slots {
            clusters.push(std::mem::replace(
                &mut units[slot],
                Unit {
                    items: Vec::new(),
                    sum: 0.0,
                    weight: 0.0,
                    index: 0,
                    cluster: None,
                },
            ));
        }
        let key = |unit: &Unit| unit.cluster.map_or(0.0, |c| self.keys[c as usize]);
        clusters.sort_by(|a, b| {
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(Ordering::Equal)
                .then_with(|| a.cluster.cmp(&b.cluster))
        });
        for (slot, unit) in slots.into_iter().zip(clusters) {
            units[slot] = unit;
        }
    }
}

/// Sorts layer `rank` by the positions of its neighbours on `side` (none:
/// keeps the order, only grouping clusters).
fn sort_layer(
    layered: &mut Layered,
    rank: usize,
    side: Option<Side>,
    keys: &[f64],
    prefer_right: bool,
    sums: &mut Vec<(f64, f64)>,
) {
    for &item in &layered.layers[rank] {
        let neighbours = match side {
            Some(Side::Above) => layered.up.of(item),
            Some(Side::Below) => layered.down.of(item),
            None => &[],
        };
        let sum: f64 = neighbours
            .iter()
            .map(|&n| f64::from(layered.pos[n as usize]))
            .sum();
        sums[item as usize] = (sum, neighbours.len() as f64);
    }
    let mut members = vec![Vec::new(); layered.span.len()];
    let mut current = layered.layers[rank].clone();
    current.sort_by_key(|&item| layered.pos[item as usize]);
    for &item in &current {
        members[layered.scope[item as usize] as usize].push(item);
    }
    let sorter = Sorter {
        layered,
        sums,
        rank: rank as u32,
        members,
        keys,
        prefer_right,
    };
    let order = sorter.sort_scope(0).items;
    for (index, &item) in order.iter().enumerate() {
        layered.pos[item as usize] = index as u32;
    }
    layered.layers[rank] = order;
}

/// Crossings between the segments of `left` and those of `right` (standing
/// in that order) to the layers above and below.
fn pair_crossings(
    layered: &Layered,
    left: u32,
    right: u32,
    a: &mut Vec<u32>,
    b: &mut Vec<u32>,
) -> u64 {
    let mut count = 0;
    for lists in [&layered.up, &layered.down] {
        a.clear();
        a.extend(lists.of(left).iter().map(|&n| layered.pos[n as usize]));
        b.clear();
        b.extend(lists.of(right).iter().map(|&n| layered.pos[n as usize]));
        a.sort_unstable();
        b.sort_unstable();
        // Pairs with the left item's end right of the right item's.
        let mut below = 0;
        for &end in a.iter() {
            while below < b.len() && b[below] < end {
                below += 1;
            }
            count += below as u64;
        }
    }
    count
}

/// Swaps neighbours (plain items of one scope) wherever that removes
/// crossings, until nothing changes.
fn transpose(layered: &mut Layered) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let movable = |layered: &Layered, item: u32| {
        !matches!(
            layered.kind[item as usize],
            Kind::Left(_) | Kind::Right(_) | Kind::Caption(_)
        )
    };
    for _ in 0..TRANSPOSE_PASSES {
        let mut improved = false;
        for rank in 0..layered.layers.len() {
            for index in 1..layered.layers[rank].len() {
                let (left, right) = (layered.layers[rank][index - 1], layered.layers[rank][index]);
                if layered.scope[left as usize] != layered.scope[right as usize]
                    || !movable(layered, left)
                    || !movable(layered, right)
                {
                    continue;
                }
                let now = pair_crossings(layered, left, right, &mut a, &mut b);
                if now == 0 {
                    continue;
                }
                if pair_crossings(layered, right, left, &mut a, &mut b) < now {
                    layered.layers[rank].swap(index - 1, index);
                    layered.pos[left as usize] = index as u32;
                    layered.pos[right as usize] = index as u32 - 1;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between layer `rank` and the next.
fn crossings_below(
    layered: &Layered,
    rank: usize,
    tree: &mut Vec<u32>,
    sequence: &mut Vec<u32>,
) -> u64 {
    let lower = layered.layers[rank + 1].len();
    sequence.clear();
    for &item in &layered.layers[rank] {
        let start = sequence.len();
        sequence.extend(
            layered
                .down
                .of(item)
                .iter()
                .map(|&n| layered.pos[n as usize]),
        );
        sequence[start..].sort_unstable();
    }
    // Count, for each lower end in turn, the earlier ones to its right.
    tree.clear();
    tree.resize(lower + 1, 0);
    let mut count = 0u64;
    for (seen, &position) in sequence.iter().enumerate() {
        let mut at_most = 0u64;
        let mut index = position as usize + 1;
        while index > 0 {
            at_most += u64::from(tree[index]);
            index &= index - 1;
        }
        count += seen as u64 - at_most;
        let mut index = position as usize + 1;
        while index <= lower {
            tree[index] += 1;
            index += index & index.wrapping_neg();
        }
    }
    count
}

fn crossings(layered: &Layered, tree: &mut Vec<u32>, sequence: &mut Vec<u32>) -> u64 {
    (0..layered.layers.len().saturating_sub(1))
        .map(|rank| crossings_below(layered, rank, tree, sequence))
        .sum()
}

/// Each cluster's sibling key: where its left border stands on average
/// across its layers, as a share of the layer's width.
fn cluster_keys(layered: &Layered, keys: &mut [f64]) {
    for (scope, borders) in layered.borders.iter().enumerate().skip(1) {
        if borders.is_empty() {
            continue;
        }
        let total: f64 = borders
            .iter()
            .map(|&(left, _)| {
                let layer = layered.layers[layered.rank[left as usize] as usize].len();
                f64::from(layered.pos[left as usize]) / layer as f64
            })
            .sum();
        keys[scope] = total / borders.len() as f64;
    }
}

/// Barycentre sweeps and transposition from the current order: the fewest
/// crossings found and the order that has them.
fn sweep(layered: &mut Layered, sums: &mut Vec<(f64, f64)>) -> (u64, Vec<Vec<u32>>) {
    let layers = layered.layers.len();
    let mut keys: Vec<f64> = (0..layered.span.len()).map(|scope| scope as f64).collect();
    // Group every layer by cluster first: the start must already be valid.
    for rank in 0..layers {
        sort_layer(layered, rank, None, &keys, false, sums);
    }
    cluster_keys(layered, &mut keys);
    let (mut tree, mut sequence) = (Vec::new(), Vec::new());
    let mut best = crossings(layered, &mut tree, &mut sequence);
    let mut best_layers = layered.layers.clone();
    let mut stale = 0;
    for sweep in 0..MAX_SWEEPS {
        if best == 0 || stale >= PATIENCE {
            break;
        }
        let prefer_right = sweep % 4 >= 2;
        if sweep % 2 == 0 {
            for rank in 1..layers {
                sort_layer(layered, rank, Some(Side::Above), &keys, prefer_right, sums);
            }
        } else {
            for rank in (0..layers - 1).rev() {
                sort_layer(layered, rank, Some(Side::Below), &keys, prefer_right, sums);
            }
        }
        transpose(layered);
        cluster_keys(layered, &mut keys);
        let count = crossings(layered, &mut tree, &mut sequence);
        if count < best {
            best = count;
            best_layers.clone_from(&layered.layers);
            stale = 0;
        } else {
            stale += 1;
        }
    }
    (best, best_layers)
}

/// Sweeps from the depth-first order, then, while the work stays within
/// `WORK_BUDGET` items, from shuffled orders (seeded: the same graph always
/// gets the same ones), keeping the best: a small diagram gets many tries
/// out of the local optima of the sweeps, a large one a single start.
pub(super) fn reduce_crossings(layered: &mut Layered) {
    if layered.layers.is_empty() {
        return;
    }
    let starts = (WORK_BUDGET / layered.len().max(1)).clamp(1, MAX_STARTS);
    let initial = layered.layers.clone();
    let mut sums = vec![(0.0, 0.0); layered.len()];
    let mut random = Pcg64Mcg::seed_from_u64(SEED);
    let mut best: Option<(u64, Vec<Vec<u32>>)> = None;
    for start in 0..starts {
        layered.layers.clone_from(&initial);
        if start > 0 {
            for layer in &mut layered.layers {
                for index in (1..layer.len()).rev() {
                    layer.swap(index, random.random_range(0..=index));
                }
            }
        }
        layered.renumber();
        let (count, layers) = sweep(layered, &mut sums);
        if best.as_ref().is_none_or(|(fewest, _)| count < *fewest) {
            best = Some((count, layers));
        }
        if count == 0 {
            break;
        }
    }
    if let Some((_, layers)) = best {
        layered.layers = layers;
    }
    layered.renumber();
}
