//! Interview practice: bundled scenarios (`catalogue`, `scenario`), each an
//! interview question with a starter design, hints, a rubric and a
//! reference solution, and the grading of a candidate's design against a
//! scenario's rubric (`grade`, with the scenario's needs recognised by
//! `needs`).

pub mod catalogue;
pub mod grade;
pub mod needs;
pub mod scenario;

pub use catalogue::{FindError, find, scenarios};
pub use grade::{Criterion, Grade, Targets, grade};
pub use scenario::{Check, Difficulty, Need, Rubric, Scenario};
