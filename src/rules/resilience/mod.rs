//! BP4xx: resilience: timeouts, retries, dead letters, guarded calls.

pub mod timeout_budget;
