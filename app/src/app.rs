//! The page: header with the engine's thread mode, then the workbench panels.

use leptos::prelude::*;

use crate::components::{
    answer_panel::AnswerPanel, engine_badge::EngineBadge, partition_panel::PartitionPanel,
    run_panel::RunPanel,
};
use crate::state::Workbench;

#[component]
pub fn App() -> impl IntoView {
    let bench = Workbench::new();
    provide_context(bench);
    view! {
        <header class="topbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 64 64" aria-hidden="true">
                    <rect width="64" height="64" rx="12" />
                    <path d="M12 48h40M16 44V30M26 44V22M36 44V26M46 44V14" />
                </svg>
                <div>
                    <h1>"Scalewise"</h1>
                    <p class="tagline">"When does scale require distributed computation?"</p>
                </div>
            </div>
            <EngineBadge />
        </header>
        <main class="workbench">
            <RunPanel />
            <AnswerPanel />
            <PartitionPanel />
        </main>
    }
}
