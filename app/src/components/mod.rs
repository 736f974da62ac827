//! One component per file. Components read state from the `Workbench` context.

pub mod answer_panel;
pub mod chart;
pub mod engine_badge;
pub mod partition_panel;
pub mod run_panel;
