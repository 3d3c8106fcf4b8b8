//! Layers for the nodes: cycles broken by turning the back edges of a
//! depth-first search round, then the longest path from the sources, then
//! promotion: a node, with everything tied to it by edges of length one on
//! one side, moves down (or up) as long as more of the group's edges to the
//! rest shorten than lengthen. That is the move of a network simplex pivot
//! on the groups that matter in practice (a client and the chain it feeds,
//! a store hanging below a deep caller), without its cost: a group larger
//! than `GROUP_LIMIT` is not tried. Ranks no node uses are squeezed out.

/// The rank of each node (every rank doubled, so that an edge always has a
/// rank of its own between its ends for its label), and whether each edge
/// was turned round to break a cycle.
pub struct Ranking {
    pub ranks: Vec<u32>,
    pub reversed: Vec<bool>,
}

/// How many times every node is offered a move; each move only ever
/// shortens the edges, and a few passes settle real designs.
const PROMOTION_PASSES: usize = 8;
/// The largest group moved at once.
const GROUP_LIMIT: usize = 256;

/// A node's neighbours in compressed-sparse-row form.
struct Adjacency {
    start: Vec<u32>,
    targets: Vec<u32>,
}

impl Adjacency {
    fn new(nodes: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Adjacency {
        let mut start = vec![0u32; nodes + 1];
        for (from, _) in pairs.clone() {
            start[from + 1] += 1;
        }
        for index in 0..nodes {
            start[index + 1] += start[index];
        }
        let mut fill = start.clone();
        let mut targets = vec![0u32; start[nodes] as usize];
        for (from, to) in pairs {
            targets[fill[from] as usize] = to as u32;
            fill[from] += 1;
        }
        Adjacency { start, targets }
    }

    fn of(&self, node: usize) -> &[u32] {
        &self.targets[self.start[node] as usize..self.start[node + 1] as usize]
    }
}

/// Edges whose depth-first search from the sources (in node order) finds
/// their target still open: turning them round leaves no cycle.
fn back_edges(nodes: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut outgoing_start = vec![0u32; nodes + 1];
    for &(from, _) in edges {
        outgoing_start[from + 1] += 1;
    }
    for index in 0..nodes {
        outgoing_start[index + 1] += outgoing_start[index];
    }
    let mut fill = outgoing_start.clone();
    let mut outgoing = vec![0u32; edges.len()];
    for (index, &(from, _)) in edges.iter().enumerate() {
        outgoing[fill[from] as usize] = index as u32;
        fill[from] += 1;
    }
    let mut has_incoming = vec![false; nodes];
    for &(_, to) in edges {
        has_incoming[to] = true;
    }
    // 0: not seen, 1: on the search's path, 2: finished.
    let mut state = vec![0u8; nodes];
    let mut reversed = vec![false; edges.len()];
    let mut stack: Vec<(usize, u32)> = Vec::new();
    let roots = (0..nodes)
        .filter(|&node| !has_incoming[node])
        .chain(0..nodes);
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, outgoing_start[root]));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            if next == outgoing_start[node + 1] {
                state[node] = 2;
                stack.pop();
                continue;
            }
            top.1 += 1;
            let edge = outgoing[next as usize] as usize;
            let target = edges[edge].1;
            match state[target] {
                0 => {
                    state[target] = 1;
                    stack.push((target, outgoing_start[target]));
                }
                1 => reversed[edge] = true,
                _ => {}
            }
        }
    }
    reversed
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    Down,
    Up,
}

/// What `group` reuses from one call to the next: a mark per node (equal
/// to `stamp` when the node is in the current group) and the members.
struct Scratch {
    mark: Vec<u32>,
    stamp: u32,
    members: Vec<usize>,
}

/// The group tied to `start` by tight edges going `way` (left in
/// `scratch.members`), and how far it can move that way before another
/// edge turns tight; `None` when moving it would not shorten the edges, or
/// the group is too large.
fn group(
    start: usize,
    way: Way,
    ranks: &[i64],
    successors: &Adjacency,
    predecessors: &Adjacency,
    scratch: &mut Scratch,
) -> Option<u64> {
    scratch.stamp += 1;
    let Scratch {
        mark,
        stamp,
        members,
    } = scratch;
    let stamp = *stamp;
    // Moving down, ties below pull members in, edges above lengthen;
    // moving up, the other way round.
    let (ahead, behind) = match way {
        Way::Down => (successors, predecessors),
        Way::Up => (predecessors, successors),
    };
    let length = |from: usize, to: usize| ranks[from].abs_diff(ranks[to]);
    members.clear();
    members.push(start);
    mark[start] = stamp;
    let mut next = 0;
    while next < members.len() {
        let node = members[next];
        next += 1;
        for &other in ahead.of(node) {
            let other = other as usize;
            if mark[other] != stamp && length(node, other) == 1 {
                if members.len() == GROUP_LIMIT {
                    return None;
                }
                mark[other] = stamp;
                members.push(other);
            }
        }
    }
    let (mut shorter, mut longer, mut room) = (0usize, 0usize, u64::MAX);
    for &node in members.iter() {
        for &other in ahead.of(node) {
            if mark[other as usize] != stamp {
                shorter += 1;
                room = room.min(length(node, other as usize) - 1);
            }
        }
        longer += behind
            .of(node)
            .iter()
            .filter(|&&other| mark[other as usize] != stamp)
            .count();
    }
    (shorter > longer && room != u64::MAX && room > 0).then_some(room)
}

/// Moves groups while that shortens the edges (see the module's comment).
fn promote(ranks: &mut [i64], order: &[u32], successors: &Adjacency, predecessors: &Adjacency) {
    let mut scratch = Scratch {
        mark: vec![0u32; ranks.len()],
        stamp: 0,
        members: Vec::new(),
    };
    for _ in 0..PROMOTION_PASSES {
        let mut moved = false;
        // Lower groups settle first when moving down, upper ones moving up.
        let visits = order
            .iter()
            .rev()
            .map(|&node| (node as usize, Way::Down))
            .chain(order.iter().map(|&node| (node as usize, Way::Up)));
        for (node, way) in visits {
            while let Some(room) = group(node, way, ranks, successors, predecessors, &mut scratch) {
                for &member in &scratch.members {
                    ranks[member] = match way {
                        Way::Down => ranks[member] + room as i64,
                        Way::Up => ranks[member] - room as i64,
                    };
                }
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

/// Ranks `nodes` nodes joined by `edges` (no self-loops).
pub fn assign(nodes: usize, edges: &[(usize, usize)]) -> Ranking {
    let reversed = back_edges(nodes, edges);
    let directed = || {
        edges
            .iter()
            .zip(&reversed)
            .map(|(&(from, to), &turned)| if turned { (to, from) } else { (from, to) })
    };
    let successors = Adjacency::new(nodes, directed());
    let predecessors = Adjacency::new(nodes, directed().map(|(from, to)| (to, from)));

    // Longest path from the sources, in topological order (Kahn, FIFO, in
    // node order so that ties are stable).
    let mut waiting: Vec<u32> = (0..nodes)
        .map(|node| predecessors.of(node).len() as u32)
        .collect();
    let mut order: Vec<u32> = (0..nodes as u32)
        .filter(|&node| waiting[node as usize] == 0)
        .collect();
    let mut ranks = vec![0i64; nodes];
    let mut head = 0;
    while head < order.len() {
        let node = order[head] as usize;
        head += 1;
        for &next in successors.of(node) {
            let next = next as usize;
            ranks[next] = ranks[next].max(ranks[node] + 1);
            waiting[next] -= 1;
            if waiting[next] == 0 {
                order.push(next as u32);
            }
        }
    }

    promote(&mut ranks, &order, &successors, &predecessors);

    // Squeeze out ranks no node uses (an edge across one only gets
    // shorter), then double every rank.
    let mut used: Vec<i64> = ranks.clone();
    used.sort_unstable();
    used.dedup();
    let ranks = ranks
        .iter()
        .map(|rank| 2 * used.partition_point(|r| r < rank) as u32)
        .collect();
    Ranking { ranks, reversed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_takes_one_rank_per_node() {
        let ranking = assign(3, &[(0, 1), (1, 2)]);
        assert_eq!(ranking.ranks, vec![0, 2, 4]);
        assert_eq!(ranking.reversed, vec![false; 2]);
    }

    #[test]
    fn a_cycle_loses_one_edge_and_every_edge_points_down() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 3)];
        let ranking = assign(4, &edges);
        assert_eq!(ranking.reversed, vec![false, false, true, false]);
        for (&(from, to), &turned) in edges.iter().zip(&ranking.reversed) {
            let (upper, lower) = if turned { (to, from) } else { (from, to) };
            assert!(ranking.ranks[upper] < ranking.ranks[lower]);
        }
    }

    #[test]
    fn a_source_feeding_a_deep_node_moves_down_next_to_it() {
        // 0 -> 1 -> 2 -> 3, and 4 -> 3: 4 belongs just above 3.
        let ranking = assign(5, &[(0, 1), (1, 2), (2, 3), (4, 3)]);
        assert_eq!(ranking.ranks[4], ranking.ranks[3] - 2);
    }

    #[test]
    fn unused_ranks_are_squeezed_out() {
        // Two separate pieces: nothing is left empty between ranks.
        let ranking = assign(4, &[(0, 1), (2, 3)]);
        let mut ranks = ranking.ranks.clone();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks, vec![0, 2]);
    }
}
