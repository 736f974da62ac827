//! Access policy as code: rules over role × sensitivity × action, compiled
//! once into a flat decision table, evaluated per event by one index, and
//! every decision counted.
//!
//! A [`Rule`] allows or denies the accesses it matches (an empty selector
//! matches everything). Combination ([`PolicyMode`]):
//!
//! * **deny-overrides** — any matching deny wins, else any matching allow,
//!   else deny. The safe default: adding a broad allow can never open what a
//!   deny closed.
//! * **allow-overrides** — any matching allow wins, else any matching deny,
//!   else deny. Kept to show the failure mode: one over-broad legacy allow
//!   silently defeats every deny.
//! * Nothing matches → **default deny** (reported as rule `None`).
//!
//! The decision for a combination names the first matching rule of the
//! winning effect, so every count can be traced to a line of policy. A
//! **violation** (a *policy check failure*) is an access the policy allowed
//! whose [`crate::events::Event::access_risk`] exceeds [`HIGH_RISK_THRESHOLD`].

use serde::{Deserialize, Serialize};

use crate::events::{access_combo, access_from_combo, Event, ACCESS_COMBOS};
use crate::review::{Action, PolicyMode, Role, Sensitivity};

/// Access risk above which an allowed access counts as a policy check failure.
/// 0.4 sits between routine work (internal reads ≤ 0.3) and exposure of
/// confidential or restricted data by export, training or bulk writes.
pub const HIGH_RISK_THRESHOLD: f32 = 0.4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Allow,
    Deny,
}

/// One line of policy. Empty selectors match everything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub effect: Effect,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub sensitivities: Vec<Sensitivity>,
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Why the rule exists (shown next to its counts).
    pub why: String,
}

impl Rule {
    pub fn matches(&self, role: Role, sensitivity: Sensitivity, action: Action) -> bool {
        (self.roles.is_empty() || self.roles.contains(&role))
            && (self.sensitivities.is_empty() || self.sensitivities.contains(&sensitivity))
            && (self.actions.is_empty() || self.actions.contains(&action))
    }
}

/// The built-in rule set, written for the five stakeholder roles plus
/// services and external partners:
///
/// | rule | effect | who | data | actions |
/// |---|---|---|---|---|
/// | `public-open` | allow | anyone | public | read, train, export |
/// | `staff-internal` | allow | staff roles, services | internal | read, write, train |
/// | `engineering-pipelines` | allow | data engineers, services | confidential, restricted | read, write |
/// | `ml-training` | allow | ML engineers, services | internal, confidential | read, train |
/// | `steward-governance` | allow | data stewards | any | read, write, delete |
/// | `security-audit` | allow | security architects | any | read |
/// | `platform-administration` | allow | platform owners | up to confidential | write, delete, export |
/// | `legacy-analytics-grant` | allow | engineers, services, external | any | read, export, train |
/// | `deny-restricted-export` | deny | anyone | restricted | export |
/// | `deny-restricted-training` | deny | anyone | restricted | train |
/// | `deny-external-non-public` | deny | external | non-public | any |
/// | `deny-confidential-export-outside-owners` | deny | ML engineers, services, external | confidential | export |
/// | `deny-service-delete` | deny | services | any | delete |
///
/// `legacy-analytics-grant` is the realistic wart: a wildcard granted before
/// data classification existed. Under deny-overrides the deny rules contain
/// it; under allow-overrides it opens restricted exports and training.
pub fn builtin_rules() -> Vec<Rule> {
    use Action::*;
    use Effect::*;
    use Role::*;
    use Sensitivity::*;
    let rule = |id: &str,
                effect: Effect,
                roles: &[Role],
                sensitivities: &[Sensitivity],
                actions: &[Action],
                why: &str| Rule {
        id: id.to_string(),
        effect,
        roles: roles.to_vec(),
        sensitivities: sensitivities.to_vec(),
        actions: actions.to_vec(),
        why: why.to_string(),
    };
    let staff = [
        DataEngineer,
        MlEngineer,
        SecurityArchitect,
        DataSteward,
        PlatformOwner,
        Service,
    ];
    vec![
        rule(
            "public-open",
            Allow,
            &[],
            &[Public],
            &[Read, Train, Export],
            "Public data may be used and shared by anyone.",
        ),
        rule(
            "staff-internal",
            Allow,
            &staff,
            &[Internal],
            &[Read, Write, Train],
            "Internal data is for staff and their pipelines.",
        ),
        rule(
            "engineering-pipelines",
            Allow,
            &[DataEngineer, Service],
            &[Confidential, Restricted],
            &[Read, Write],
            "Pipelines must load and transform sensitive data to publish curated features.",
        ),
        rule(
            "ml-training",
            Allow,
            &[MlEngineer, Service],
            &[Internal, Confidential],
            &[Read, Train],
            "Models train on internal and confidential features.",
        ),
        rule(
            "steward-governance",
            Allow,
            &[DataSteward],
            &[],
            &[Read, Write, Delete],
            "Stewards fix, reclassify and delete data under retention rules.",
        ),
        rule(
            "security-audit",
            Allow,
            &[SecurityArchitect],
            &[],
            &[Read],
            "Security reviews may read anything they audit.",
        ),
        rule(
            "platform-administration",
            Allow,
            &[PlatformOwner],
            &[Public, Internal, Confidential],
            &[Write, Delete, Export],
            "Platform owners run backfills, clean-ups and migrations.",
        ),
        rule(
            "legacy-analytics-grant",
            Allow,
            &[DataEngineer, MlEngineer, Service, External],
            &[],
            &[Read, Export, Train],
            "Wildcard granted before data classification; partner feeds still depend on it.",
        ),
        rule(
            "deny-restricted-export",
            Deny,
            &[],
            &[Restricted],
            &[Export],
            "Restricted data never leaves the platform.",
        ),
        rule(
            "deny-restricted-training",
            Deny,
            &[],
            &[Restricted],
            &[Train],
            "Training on restricted data needs a reviewed exception, not a standing grant.",
        ),
        rule(
            "deny-external-non-public",
            Deny,
            &[External],
            &[Internal, Confidential, Restricted],
            &[],
            "External parties see public data only.",
        ),
        rule(
            "deny-confidential-export-outside-owners",
            Deny,
            &[MlEngineer, Service, External],
            &[Confidential],
            &[Export],
            "Confidential exports go through the owning data engineers.",
        ),
        rule(
            "deny-service-delete",
            Deny,
            &[Service],
            &[],
            &[Delete],
            "Automated jobs never delete; deletions are human decisions.",
        ),
    ]
}

/// The outcome for one (role, sensitivity, action).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub effect: Effect,
    /// Index of the deciding rule; `None` = default deny.
    pub rule: Option<u16>,
}

impl Decision {
    const DEFAULT_DENY: Decision = Decision {
        effect: Effect::Deny,
        rule: None,
    };

    #[inline]
    pub fn allowed(self) -> bool {
        self.effect == Effect::Allow
    }
}

/// A rule set compiled for one mode: a flat table indexed by
/// [`access_combo`].
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    mode: PolicyMode,
    table: [Decision; ACCESS_COMBOS],
}

impl CompiledPolicy {
    pub fn compile(rules: &[Rule], mode: PolicyMode) -> CompiledPolicy {
        let mut table = [Decision::DEFAULT_DENY; ACCESS_COMBOS];
        for (combo, slot) in table.iter_mut().enumerate() {
            if let Some((role, sensitivity, action)) = access_from_combo(combo) {
                *slot = decide_slowly(rules, mode, role, sensitivity, action);
            }
        }
        CompiledPolicy { mode, table }
    }

    pub fn mode(&self) -> PolicyMode {
        self.mode
    }

    /// The decision for a combination index (out of range → default deny).
    #[inline]
    pub fn decide_combo(&self, combo: usize) -> Decision {
        self.table
            .get(combo)
            .copied()
            .unwrap_or(Decision::DEFAULT_DENY)
    }

    pub fn decide(&self, role: Role, sensitivity: Sensitivity, action: Action) -> Decision {
        self.decide_combo(access_combo(role, sensitivity, action))
    }
}

/// The reference evaluation the table is compiled from: scan all rules.
fn decide_slowly(
    rules: &[Rule],
    mode: PolicyMode,
    role: Role,
    sensitivity: Sensitivity,
    action: Action,
) -> Decision {
    let first = |effect: Effect| {
        rules
            .iter()
            .position(|r| r.effect == effect && r.matches(role, sensitivity, action))
            .map(|i| Decision {
                effect,
                rule: Some(i.min(usize::from(u16::MAX)) as u16),
            })
    };
    let (winner, loser) = match mode {
        PolicyMode::DenyOverrides => (Effect::Deny, Effect::Allow),
        PolicyMode::AllowOverrides => (Effect::Allow, Effect::Deny),
    };
    first(winner)
        .or_else(|| first(loser))
        .unwrap_or(Decision::DEFAULT_DENY)
}

/// Both modes of one rule set, as the profiler evaluates them side by side.
#[derive(Clone, Debug)]
pub struct PolicySet {
    pub rules: Vec<Rule>,
    pub deny_overrides: CompiledPolicy,
    pub allow_overrides: CompiledPolicy,
}

impl PolicySet {
    pub fn new(rules: Vec<Rule>) -> PolicySet {
        let deny_overrides = CompiledPolicy::compile(&rules, PolicyMode::DenyOverrides);
        let allow_overrides = CompiledPolicy::compile(&rules, PolicyMode::AllowOverrides);
        PolicySet {
            rules,
            deny_overrides,
            allow_overrides,
        }
    }

    pub fn builtin() -> PolicySet {
        PolicySet::new(builtin_rules())
    }

    pub fn compiled(&self, mode: PolicyMode) -> &CompiledPolicy {
        match mode {
            PolicyMode::DenyOverrides => &self.deny_overrides,
            PolicyMode::AllowOverrides => &self.allow_overrides,
        }
    }
}

/// Mergeable integer counts of the access-policy stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyTally {
    #[serde(with = "crate::serde_array")]
    pub events_by_combo: [u64; ACCESS_COMBOS],
    #[serde(with = "crate::serde_array")]
    pub high_risk_by_combo: [u64; ACCESS_COMBOS],
    /// Allowed accesses per mode `[deny_overrides, allow_overrides]`.
    pub allowed: [u64; 2],
    /// Allowed high-risk accesses per mode.
    pub violations: [u64; 2],
}

impl Default for PolicyTally {
    fn default() -> Self {
        PolicyTally {
            events_by_combo: [0; ACCESS_COMBOS],
            high_risk_by_combo: [0; ACCESS_COMBOS],
            allowed: [0; 2],
            violations: [0; 2],
        }
    }
}

impl PolicyTally {
    /// Evaluates every event's access under both modes and counts it.
    #[inline]
    pub fn record(&mut self, policies: &PolicySet, events: &[Event]) {
        for event in events {
            let combo = event.access_combo();
            let high = event.access_risk > HIGH_RISK_THRESHOLD;
            let deny_first = policies.deny_overrides.decide_combo(combo).allowed();
            let allow_first = policies.allow_overrides.decide_combo(combo).allowed();
            if let Some(count) = self.events_by_combo.get_mut(combo) {
                *count += 1;
            }
            if let Some(count) = self.high_risk_by_combo.get_mut(combo) {
                *count += u64::from(high);
            }
            let [allowed_d, allowed_a] = &mut self.allowed;
            *allowed_d += u64::from(deny_first);
            *allowed_a += u64::from(allow_first);
            let [violations_d, violations_a] = &mut self.violations;
            *violations_d += u64::from(deny_first && high);
            *violations_a += u64::from(allow_first && high);
        }
    }

    pub fn merge(&mut self, other: &PolicyTally) {
        for (a, b) in self.events_by_combo.iter_mut().zip(&other.events_by_combo) {
            *a += b;
        }
        for (a, b) in self
            .high_risk_by_combo
            .iter_mut()
            .zip(&other.high_risk_by_combo)
        {
            *a += b;
        }
        for (a, b) in self.allowed.iter_mut().zip(&other.allowed) {
            *a += b;
        }
        for (a, b) in self.violations.iter_mut().zip(&other.violations) {
            *a += b;
        }
    }

    /// The report for one mode.
    pub fn report(&self, policies: &PolicySet, mode: PolicyMode) -> PolicyReport {
        let policy = policies.compiled(mode);
        let slot = match mode {
            PolicyMode::DenyOverrides => 0,
            PolicyMode::AllowOverrides => 1,
        };
        let events: u64 = self.events_by_combo.iter().sum();
        let allowed = self.allowed.get(slot).copied().unwrap_or(0);
        let violations = self.violations.get(slot).copied().unwrap_or(0);
        let mut decisions = Vec::new();
        let mut default_denied = 0;
        for (combo, (&count, &high_risk)) in self
            .events_by_combo
            .iter()
            .zip(&self.high_risk_by_combo)
            .enumerate()
        {
            let Some((role, sensitivity, action)) = access_from_combo(combo) else {
                continue;
            };
            if count == 0 {
                continue;
            }
            let decision = policy.decide_combo(combo);
            if decision.rule.is_none() {
                default_denied += count;
            }
            let rule = decision
                .rule
                .and_then(|i| policies.rules.get(usize::from(i)))
                .map(|r| r.id.clone());
            decisions.push(DecisionCount {
                role,
                sensitivity,
                action,
                effect: decision.effect,
                rule,
                events: count,
                high_risk_events: high_risk,
            });
        }
        PolicyReport {
            mode,
            events,
            allowed,
            denied: events - allowed.min(events),
            default_denied,
            violations,
            policy_check_failure_rate: if events == 0 {
                0.0
            } else {
                violations as f64 / events as f64
            },
            decisions,
        }
    }
}

/// Events of one (role, sensitivity, action) and how the policy decided them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DecisionCount {
    pub role: Role,
    pub sensitivity: Sensitivity,
    pub action: Action,
    pub effect: Effect,
    /// Id of the deciding rule; `null` = default deny.
    pub rule: Option<String>,
    pub events: u64,
    pub high_risk_events: u64,
}

/// The access-policy stage's result under one mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyReport {
    pub mode: PolicyMode,
    pub events: u64,
    pub allowed: u64,
    pub denied: u64,
    /// Denied because no rule matched.
    pub default_denied: u64,
    /// Allowed accesses above [`HIGH_RISK_THRESHOLD`].
    pub violations: u64,
    /// `violations / events`; the platform target is < 1%.
    pub policy_check_failure_rate: f64,
    /// Non-empty combinations in (role, sensitivity, action) order.
    pub decisions: Vec<DecisionCount>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventGenerator;
    use crate::review::Review;

    fn allow(id: &str, roles: &[Role], sensitivities: &[Sensitivity], actions: &[Action]) -> Rule {
        Rule {
            id: id.to_string(),
            effect: Effect::Allow,
            roles: roles.to_vec(),
            sensitivities: sensitivities.to_vec(),
            actions: actions.to_vec(),
            why: String::new(),
        }
    }

    fn deny(id: &str, roles: &[Role], sensitivities: &[Sensitivity], actions: &[Action]) -> Rule {
        Rule {
            effect: Effect::Deny,
            ..allow(id, roles, sensitivities, actions)
        }
    }

    /// Decides one access under `rules` and `mode`; checks the compiled table
    /// against the reference scan on the way.
    fn check(
        rules: &[Rule],
        mode: PolicyMode,
        access: (Role, Sensitivity, Action),
        want: (Effect, Option<&str>),
    ) {
        let (role, sensitivity, action) = access;
        let policy = CompiledPolicy::compile(rules, mode);
        let decision = policy.decide(role, sensitivity, action);
        assert_eq!(
            decision,
            decide_slowly(rules, mode, role, sensitivity, action)
        );
        let rule = decision.rule.map(|i| rules[usize::from(i)].id.as_str());
        assert_eq!((decision.effect, rule), want, "{mode:?} {access:?}");
    }

    #[test]
    fn deny_overrides_allow() {
        let rules = [
            allow(
                "engineers-export",
                &[Role::DataEngineer],
                &[],
                &[Action::Export],
            ),
            deny(
                "no-restricted-export",
                &[],
                &[Sensitivity::Restricted],
                &[Action::Export],
            ),
        ];
        let access = (Role::DataEngineer, Sensitivity::Restricted, Action::Export);
        check(
            &rules,
            PolicyMode::DenyOverrides,
            access,
            (Effect::Deny, Some("no-restricted-export")),
        );
        // The crafted conflict is exactly where allow-overrides differs.
        check(
            &rules,
            PolicyMode::AllowOverrides,
            access,
            (Effect::Allow, Some("engineers-export")),
        );
        // Without a conflict the modes agree.
        let internal = (Role::DataEngineer, Sensitivity::Internal, Action::Export);
        check(
            &rules,
            PolicyMode::DenyOverrides,
            internal,
            (Effect::Allow, Some("engineers-export")),
        );
        check(
            &rules,
            PolicyMode::AllowOverrides,
            internal,
            (Effect::Allow, Some("engineers-export")),
        );
    }

    #[test]
    fn nothing_matching_is_denied_by_default() {
        let rules = [allow(
            "read-public",
            &[],
            &[Sensitivity::Public],
            &[Action::Read],
        )];
        for mode in [PolicyMode::DenyOverrides, PolicyMode::AllowOverrides] {
            check(
                &rules,
                mode,
                (Role::External, Sensitivity::Public, Action::Write),
                (Effect::Deny, None),
            );
            check(
                &[],
                mode,
                (Role::DataSteward, Sensitivity::Public, Action::Read),
                (Effect::Deny, None),
            );
        }
    }

    #[test]
    fn first_matching_rule_of_the_winning_effect_is_reported() {
        let rules = [
            allow("a", &[], &[], &[]),
            deny("d1", &[Role::Service], &[], &[]),
            deny("d2", &[], &[], &[Action::Delete]),
        ];
        check(
            &rules,
            PolicyMode::DenyOverrides,
            (Role::Service, Sensitivity::Public, Action::Delete),
            (Effect::Deny, Some("d1")),
        );
        check(
            &rules,
            PolicyMode::AllowOverrides,
            (Role::Service, Sensitivity::Public, Action::Delete),
            (Effect::Allow, Some("a")),
        );
    }

    #[test]
    fn builtin_rules_keep_the_example_below_one_percent_only_with_deny_overrides() {
        let review = Review::example();
        let generator = EventGenerator::new(&review.workload, review.seed);
        let mut events = vec![Event::EMPTY; 100_000];
        generator.fill(0, &mut events);
        let policies = PolicySet::builtin();
        let mut tally = PolicyTally::default();
        tally.record(&policies, &events);
        let deny_first = tally.report(&policies, PolicyMode::DenyOverrides);
        let allow_first = tally.report(&policies, PolicyMode::AllowOverrides);
        assert_eq!(deny_first.events, 100_000);
        assert!(
            deny_first.policy_check_failure_rate < 0.01,
            "{}",
            deny_first.policy_check_failure_rate
        );
        assert!(
            allow_first.policy_check_failure_rate > 0.01,
            "{}",
            allow_first.policy_check_failure_rate
        );
        assert!(allow_first.allowed > deny_first.allowed);
        // Per-combination counts add up to the per-event counts.
        let allowed: u64 = deny_first
            .decisions
            .iter()
            .filter(|d| d.effect == Effect::Allow)
            .map(|d| d.events)
            .sum();
        assert_eq!(allowed, deny_first.allowed);
        let violations: u64 = deny_first
            .decisions
            .iter()
            .filter(|d| d.effect == Effect::Allow)
            .map(|d| d.high_risk_events)
            .sum();
        assert_eq!(violations, deny_first.violations);
        // Restricted exports are never allowed under deny-overrides.
        assert!(deny_first
            .decisions
            .iter()
            .filter(|d| d.sensitivity == Sensitivity::Restricted && d.action == Action::Export)
            .all(|d| d.effect == Effect::Deny));
    }

    #[test]
    fn every_builtin_rule_decides_something() {
        let policies = PolicySet::builtin();
        for (i, rule) in policies.rules.iter().enumerate() {
            let used = (0..ACCESS_COMBOS).any(|c| {
                [&policies.deny_overrides, &policies.allow_overrides]
                    .iter()
                    .any(|p| p.decide_combo(c).rule == Some(i as u16))
            });
            assert!(used, "rule {} never decides", rule.id);
        }
    }
}
