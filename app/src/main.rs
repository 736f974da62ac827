//! `scalewise-app`: the workbench UI. A thin Leptos shell over
//! `scalewise-core`: it edits a review, sends it to the engine worker and shows
//! the evidence. It never runs engine work on the main thread.

mod app;
mod audit;
mod bind;
mod charts;
mod cluster;
mod components;
mod download;
mod engine_client;
mod format;
mod history;
mod import;
mod isolation;
mod persist;
mod review_diff;
mod shortcuts;
mod state;
mod step;
mod submission;
mod weights;

fn main() {
    console_error_panic_hook::set_once();
    isolation::ensure_isolation_or_fallback();
    leptos::mount::mount_to_body(app::App);
}
