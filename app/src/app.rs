//! The page: header with the engine's thread mode, then the workbench panels.

use leptos::prelude::*;

use crate::components::{engine_badge::EngineBadge, partition_panel::PartitionPanel, run_panel::RunPanel};
use crate::state::Workbench;

#[component]
pub fn App() -> impl IntoView {
    let bench = Workbench::new();
    provide_context(bench);
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true"></span>
                <div>
                    <h1>"Scalewise"</h1>
                    <p class="tagline">"When does scale require distributed computation?"</p>
                </div>
            </div>
            <EngineBadge />
        </header>
        <main class="workbench">
            <RunPanel />
            <PartitionPanel />
        </main>
    }
}
