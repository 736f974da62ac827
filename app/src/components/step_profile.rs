//! Step 5: the profile — what the pipeline saw, where the time goes (the
//! bottleneck), per-partition load and skew, thread scaling with the USL
//! fit, the distributed engine's measurements from an imported CLUSTER.json
//! (and how to make one), the self-check and COST, and a box to fit your own
//! measurements.

use leptos::prelude::*;

use crate::components::cluster_panel::ClusterPanel;
use crate::components::partition_panel::PartitionPanel;
use crate::components::pipeline_panel::PipelinePanel;
use crate::components::result_meta::{NoResult, ResultMeta};
use crate::components::scaling_panel::ScalingPanel;
use crate::components::self_check_panel::SelfCheckPanel;
use crate::components::stage_panel::StagePanel;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::components::usl_fit::UslFitPanel;
use crate::state::Workbench;
use crate::step::Step;

#[component]
pub fn ProfileStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let has_result = move || bench.finished.with(Option::is_some);
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Profile>
                <p>"Measured on this machine: the cost of each pipeline stage, how evenly each partitioning spreads the events, and how throughput grows with threads."</p>
            </StepHeader>
            <Show when=has_result fallback=|| view! { <NoResult /> }>
                <ResultMeta />
                <PipelinePanel />
                <StagePanel />
                <PartitionPanel />
                <ScalingPanel />
            </Show>
            // Without a result too: it says how to make CLUSTER.json, and an
            // imported one shows before the first run.
            <ClusterPanel />
            <Show when=has_result>
                <SelfCheckPanel />
            </Show>
            <UslFitPanel />
            <StepNav step=Step::Profile />
        </article>
    }
}
