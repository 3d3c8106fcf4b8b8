//! The simulation against queueing theory.
