//! The workbench's steps, from the decision boundary to the evidence, the
//! submission built on it (scoring, recommendation, memo) and its export. The
//! sidebar stepper lists them; the URL fragment (`#data`) names the current
//! one, so the browser's Back button and reloads keep the place.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Scenario,
    Data,
    Alternatives,
    Run,
    Profile,
    Crossover,
    FailureModes,
    Scoring,
    Recommendation,
    Memo,
    Export,
}

impl Step {
    pub const ALL: [Step; 11] = [
        Step::Scenario,
        Step::Data,
        Step::Alternatives,
        Step::Run,
        Step::Profile,
        Step::Crossover,
        Step::FailureModes,
        Step::Scoring,
        Step::Recommendation,
        Step::Memo,
        Step::Export,
    ];

    /// 1-based position.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|&s| s == self).unwrap_or(0) + 1
    }

    pub const fn title(self) -> &'static str {
        match self {
            Step::Scenario => "Scenario",
            Step::Data => "Data",
            Step::Alternatives => "Alternatives",
            Step::Run => "Run",
            Step::Profile => "Profile & bottlenecks",
            Step::Crossover => "Crossover",
            Step::FailureModes => "Failure modes",
            Step::Scoring => "Scoring",
            Step::Recommendation => "Recommendation",
            Step::Memo => "Memo",
            Step::Export => "Export",
        }
    }

    /// What the step is for, one line (sidebar).
    pub const fn summary(self) -> &'static str {
        match self {
            Step::Scenario => "Decision, boundary, stakeholders",
            Step::Data => "Workload, sample, proxy limits",
            Step::Alternatives => "Designs, SLA, weights",
            Step::Run => "Profile in the engine worker",
            Step::Profile => "Stages, partitions, scaling",
            Step::Crossover => "When one node is not enough",
            Step::FailureModes => "With and without mitigation",
            Step::Scoring => "Weights, table, sensitivity",
            Step::Recommendation => "Option, evidence, rollback",
            Step::Memo => "900–1200 words, six headings",
            Step::Export => "Files to hand in",
        }
    }

    /// The URL fragment and the screenshot name.
    pub const fn slug(self) -> &'static str {
        match self {
            Step::Scenario => "scenario",
            Step::Data => "data",
            Step::Alternatives => "alternatives",
            Step::Run => "run",
            Step::Profile => "profile",
            Step::Crossover => "crossover",
            Step::FailureModes => "failure-modes",
            Step::Scoring => "scoring",
            Step::Recommendation => "recommendation",
            Step::Memo => "memo",
            Step::Export => "export",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        let slug = slug.trim_start_matches('#');
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }

    pub fn previous(self) -> Option<Step> {
        self.number()
            .checked_sub(2)
            .and_then(|i| Step::ALL.get(i).copied())
    }

    /// Whether the step shows results of a run (rather than inputs).
    pub const fn shows_results(self) -> bool {
        matches!(
            self,
            Step::Profile
                | Step::Crossover
                | Step::FailureModes
                | Step::Scoring
                | Step::Recommendation
                | Step::Memo
                | Step::Export
        )
    }

    /// The step whose form holds the field at `path` (a `FieldError` path).
    pub fn owning(path: &str) -> Step {
        let head = path.split(['.', '[']).next().unwrap_or_default();
        match head {
            "title" | "scenario" => Step::Scenario,
            "workload" | "seed" => Step::Data,
            // The weights' number fields (where a typed value can be
            // invalid) are on the Alternatives step; the Scoring step's
            // sliders cannot make an invalid value.
            "alternatives" | "sla" | "weights" => Step::Alternatives,
            "submission" if path.starts_with("submission.memo") => Step::Memo,
            "submission" => Step::Recommendation,
            _ => Step::Run,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_ordered_and_named() {
        assert_eq!(Step::Scenario.number(), 1);
        assert_eq!(Step::FailureModes.number(), 7);
        assert_eq!(Step::Scenario.previous(), None);
        assert_eq!(Step::Scenario.next(), Some(Step::Data));
        assert_eq!(Step::FailureModes.next(), Some(Step::Scoring));
        assert_eq!(Step::Memo.next(), Some(Step::Export));
        assert_eq!(Step::Export.next(), None);
        assert_eq!(Step::Profile.previous(), Some(Step::Run));
        for step in Step::ALL {
            assert_eq!(Step::from_slug(step.slug()), Some(step));
            assert_eq!(Step::from_slug(&format!("#{}", step.slug())), Some(step));
        }
        assert_eq!(Step::from_slug("nope"), None);
    }

    #[test]
    fn field_paths_belong_to_the_step_with_their_form() {
        assert_eq!(
            Step::owning("scenario.stakeholders[2].role"),
            Step::Scenario
        );
        assert_eq!(Step::owning("title"), Step::Scenario);
        assert_eq!(
            Step::owning("workload.access_mix.roles.external"),
            Step::Data
        );
        assert_eq!(Step::owning("seed"), Step::Data);
        assert_eq!(
            Step::owning("alternatives[1].design.nodes"),
            Step::Alternatives
        );
        assert_eq!(Step::owning("alternatives"), Step::Alternatives);
        assert_eq!(Step::owning("weights"), Step::Alternatives);
        assert_eq!(
            Step::owning("submission.recommendation.monitoring_metric"),
            Step::Recommendation
        );
        assert_eq!(Step::owning("submission.memo"), Step::Memo);
        assert_eq!(Step::owning("sla.deadline_s"), Step::Alternatives);
        assert_eq!(Step::owning("schema_version"), Step::Run);
    }
}
