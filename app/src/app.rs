//! The page: a top bar with the engine's thread mode; a sidebar with the
//! stepper and the run controls (visible from every step); the current step.

use leptos::prelude::*;

use crate::components::audit_panel::AuditPanel;
use crate::components::edit_bar::EditBar;
use crate::components::import_panel::{DropOverlay, ImportPanel};
use crate::components::notice_banner::NoticeBanner;
use crate::components::{
    engine_badge::EngineBadge, run_panel::RunPanel, step_alternatives::AlternativesStep,
    step_crossover::CrossoverStep, step_data::DataStep, step_export::ExportStep,
    step_failure_modes::FailureModesStep, step_memo::MemoStep, step_profile::ProfileStep,
    step_recommendation::RecommendationStep, step_run::RunStep, step_scenario::ScenarioStep,
    step_scoring::ScoringStep, stepper::Stepper,
};
use crate::state::Workbench;
use crate::step::Step;

#[component]
pub fn App() -> impl IntoView {
    let bench = Workbench::new();
    provide_context(bench);
    crate::shortcuts::install(bench);
    let current = move || match bench.step.get() {
        Step::Scenario => view! { <ScenarioStep /> }.into_any(),
        Step::Data => view! { <DataStep /> }.into_any(),
        Step::Alternatives => view! { <AlternativesStep /> }.into_any(),
        Step::Run => view! { <RunStep /> }.into_any(),
        Step::Profile => view! { <ProfileStep /> }.into_any(),
        Step::Crossover => view! { <CrossoverStep /> }.into_any(),
        Step::FailureModes => view! { <FailureModesStep /> }.into_any(),
        Step::Scoring => view! { <ScoringStep /> }.into_any(),
        Step::Recommendation => view! { <RecommendationStep /> }.into_any(),
        Step::Memo => view! { <MemoStep /> }.into_any(),
        Step::Export => view! { <ExportStep /> }.into_any(),
    };
    view! {
        <a class="skip-link" href="#step-heading" on:click=move |ev| {
            ev.prevent_default();
            crate::state::focus_element("step-heading");
        }>"Skip to the current step"</a>
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
            <div class="topbar-actions">
                <button class="primary-outline" data-testid="topbar-export"
                    disabled=move || bench.finished.with(Option::is_none)
                    title=move || if bench.finished.with(Option::is_none) { "Run the profiler first: exports are built from a result." } else { "Result JSON, scoring table, memo, notebook and charts" }
                    on:click=move |_| bench.goto(Step::Export)>
                    "Export"
                </button>
                <EditBar />
                <EngineBadge />
            </div>
        </header>
        <NoticeBanner />
        <DropOverlay />
        <div class="layout">
            <aside class="sidebar">
                <Stepper />
                <RunPanel />
                <AuditPanel />
            </aside>
            <main class="workbench" data-step=move || bench.step.get().slug()>
                <ImportPanel />
                {current}
            </main>
        </div>
    }
}
