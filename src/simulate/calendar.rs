//! The engine's event calendar: a four-ary min-heap of events, each one
//! `u128` key, the time's bits above the event's packed data. Times are
//! never negative, so their bits order as the times do, and one integer
//! comparison orders two events by time and then by data: ties break the
//! same way on every run, and the comparison needs no branch. Four children
//! a node make the heap half as deep as a binary one (a pop's chain of
//! dependent loads is what costs), and they share one cache line. `pop`
//! walks the hole down to the bottom by the smallest child (chosen without
//! a branch: which child is smallest is a coin toss the processor cannot
//! predict) and lifts the last event back up from there, which is where it
//! almost always belongs.

/// Children of a node.
const ARITY: usize = 4;

#[derive(Debug, Default)]
pub struct Calendar {
    heap: Vec<u128>,
}

impl Calendar {
    pub fn with_capacity(capacity: usize) -> Self {
        Calendar {
            heap: Vec::with_capacity(capacity),
        }
    }

    /// Adds an event at `time` (not negative) with its packed `data`.
    pub fn push(&mut self, time: f64, data: u64) {
        debug_assert!(time >= 0.0, "event times are never negative");
        let key = (u128::from(time.to_bits()) << 64) | u128::from(data);
        let hole = self.heap.len();
        self.heap.push(key);
        self.lift(hole, key);
    }

    /// Takes the earliest event (the smallest data among those at the
    /// same time): its time and data.
    pub fn pop(&mut self) -> Option<(f64, u64)> {
        let last = self.heap.pop()?;
        let heap = &mut self.heap;
        let len = heap.len();
        let first = if len == 0 {
            last
        } else {
            let first = heap[0];
            let mut hole = 0;
            loop {
                let children = ARITY * hole + 1;
                let child = if children + ARITY <= len {
                    let left = children + usize::from(heap[children + 1] < heap[children]);
                    let right = children + 2 + usize::from(heap[children + 3] < heap[children + 2]);
                    if heap[right] < heap[left] {
                        right
                    } else {
                        left
                    }
                } else if children < len {
                    (children..len)
                        .min_by_key(|&child| heap[child])
                        .unwrap_or(children)
                } else {
                    break;
                };
                heap[hole] = heap[child];
                hole = child;
            }
            self.lift(hole, last);
            first
        };
        Some((f64::from_bits((first >> 64) as u64), first as u64))
    }

    /// Puts `key` in the hole at `hole`, moving it up past later parents.
    fn lift(&mut self, mut hole: usize, key: u128) {
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            if self.heap[parent] <= key {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = key;
    }
}

#[cfg(test)]
mod tests {
    use super::Calendar;
    use proptest::prelude::*;

    proptest! {
        /// Events come out in the order of (time, data), whatever order
        /// they went in and however pushes and pops interleave.
        #[test]
        fn events_come_out_in_time_then_data_order(
            events in prop::collection::vec((0u32..50, 0u64..8, any::<bool>()), 0..200)
        ) {
            let mut calendar = Calendar::with_capacity(4);
            let mut reference: Vec<(u64, u64)> = Vec::new();
            for (time, data, pop_after) in events {
                let time = f64::from(time) / 8.0;
                calendar.push(time, data);
                reference.push((time.to_bits(), data));
                if pop_after {
                    reference.sort_unstable();
                    let (bits, data) = reference.remove(0);
                    prop_assert_eq!(calendar.pop(), Some((f64::from_bits(bits), data)));
                }
            }
            reference.sort_unstable();
            for (bits, data) in reference {
                prop_assert_eq!(calendar.pop(), Some((f64::from_bits(bits), data)));
            }
            prop_assert_eq!(calendar.pop(), None);
        }
    }
}
