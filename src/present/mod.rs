//! Renderers of the capacity model's results: tables for people and the
//! stable JSON for machines. Pure functions from values to text.

pub mod diff;
pub mod envelope;
pub mod estimate;
pub mod practice;
pub mod simulate;
