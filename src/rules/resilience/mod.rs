//! BP4xx: resilience: timeouts, retries, dead letters, guarded calls.

pub mod cdn_no_ttl;
pub mod duplicate_delivery;
pub mod no_dead_letter;
pub mod no_timeout;
pub mod retry_non_idempotent;
pub mod retry_saturation;
pub mod retry_storm;
pub mod timeout_budget;
pub mod unbounded_cache;
pub mod unguarded_external;
