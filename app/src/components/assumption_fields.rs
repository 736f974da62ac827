//! The target one design runs on, editable: hardware, stores, exchange and
//! billing. Each number comes with its unit and the one-line justification
//! and plausible range of the core's catalogue of assumptions
//! (`scalewise_core::assumptions`), so what the projection assumes is in the
//! open next to the control that changes it. Every control is bound to its
//! field path and edits through `Workbench::edit` like any other field.

use leptos::prelude::*;
use scalewise_core::analysis::projection::UNFITTED_SIGMA;
use scalewise_core::assumptions::{self, Access, Range};
use scalewise_core::review::{BillingMode, Design, IoOverlap, ScalingChoice};

use crate::bind::{self, to_u32, Binding};
use crate::components::number_field::NumberField;
use crate::components::select_field::SelectField;
use crate::format::Unit;
use crate::state::Workbench;

/// The catalogue's label with a capital first letter.
fn sentence_case(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn range_text(range: Range) -> String {
    match range {
        Range::Relative { low, high } => format!(
            "plausible ×{} – ×{} of the value",
            crate::format::number(low),
            crate::format::number(high)
        ),
        Range::Absolute { low, high } => format!(
            "plausible {} – {}",
            crate::format::number(low),
            crate::format::number(high)
        ),
    }
}

/// Label, unit and hint (justification; plausible range) of the catalogue's
/// design assumption `field` (relative to the design), if it is listed.
pub fn described(field: &str) -> Option<(String, &'static str, String)> {
    let a = assumptions::find(&format!("design.{field}"))?;
    Some((
        sentence_case(a.label),
        a.unit,
        format!(
            "{}; {}.",
            sentence_case(a.justification),
            range_text(a.range)
        ),
    ))
}

/// A number of design `i` bound through the catalogue's accessors.
fn catalogue_binding(i: usize, field: &'static str) -> Option<Binding<f64>> {
    let a = assumptions::find(&format!("design.{field}"))?;
    let Access::Design { get, set } = a.access else {
        return None;
    };
    Some(Binding::new(
        a.path_in(Some(i)),
        move |r| r.alternatives.get(i).and_then(|alt| get(&alt.design)),
        move |r, v| {
            if let Some(alt) = r.alternatives.get_mut(i) {
                set(&mut alt.design, v);
            }
        },
    ))
}

/// One catalogue assumption of design `i` as a number field.
fn assumed(i: usize, field: &'static str, echo: Option<Unit>) -> impl IntoView {
    let (label, unit, hint) =
        described(field).unwrap_or_else(|| (field.to_string(), "", String::new()));
    catalogue_binding(i, field).map(|binding| {
        view! { <NumberField label=label unit=unit echo=echo hint=hint binding=binding /> }
    })
}

/// A whole count of design `i` (stored as `u32`; 0 reaches validation).
fn count(
    i: usize,
    field: &'static str,
    get: fn(&Design) -> f64,
    set: fn(&mut Design, f64),
) -> impl IntoView {
    let (label, unit, hint) =
        described(field).unwrap_or_else(|| (field.to_string(), "", String::new()));
    view! { <NumberField label=label unit=unit integer=true hint=hint binding=bind::design(i, field, get, set) /> }
}

#[component]
pub fn AssumptionFields(index: usize) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let i = index;
    let stated_law = Memo::new(move |_| {
        bench.review.with(|r| {
            r.alternatives
                .get(i)
                .is_some_and(|a| matches!(a.design.hardware.scaling, ScalingChoice::Assumed { .. }))
        })
    });
    let law = |field: &'static str, pick: fn(f64, f64) -> f64, put: fn(&mut f64, &mut f64, f64)| {
        Binding::new(
            format!("alternatives[{i}].design.hardware.scaling.assumed.{field}"),
            move |r| {
                r.alternatives
                    .get(i)
                    .and_then(|a| match a.design.hardware.scaling {
                        ScalingChoice::Assumed { sigma, kappa } => Some(pick(sigma, kappa)),
                        ScalingChoice::Measured => None,
                    })
            },
            move |r, v| {
                if let Some(a) = r.alternatives.get_mut(i) {
                    if let ScalingChoice::Assumed {
                        mut sigma,
                        mut kappa,
                    } = a.design.hardware.scaling
                    {
                        put(&mut sigma, &mut kappa, v);
                        a.design.hardware.scaling = ScalingChoice::Assumed { sigma, kappa };
                    }
                }
            },
        )
    };
    let sigma = law("sigma", |s, _| s, |s, _, v| *s = v);
    let kappa = law("kappa", |_, k| k, |_, k, v| *k = v);
    let choice = |field: &'static str, get: fn(&Design) -> String, set: fn(&mut Design, &str)| {
        bind::design_choice(i, field, get, set)
    };
    let num = |field: &'static str, get: fn(&Design) -> f64, set: fn(&mut Design, f64)| {
        bind::design(i, field, get, set)
    };
    view! {
        <fieldset class="assumptions" data-testid=format!("assumptions-{i}")>
            <legend>"Target hardware (assumed)"</legend>
            <div class="grid fields">
                {assumed(i, "hardware.core_speed_factor", None)}
                {assumed(i, "hardware.usable_memory_fraction", Some(Unit::Percent))}
                {assumed(i, "hardware.disk_mb_per_s", None)}
                {assumed(i, "hardware.cross_region_gbit_per_s", None)}
                <SelectField label="Node scaling law"
                    hint="Measured: the profiler's fit (extrapolated past the measured lanes). Stated: a law you measured on the target node type — an assumption."
                    binding=choice("hardware.scaling",
                        |d| if matches!(d.hardware.scaling, ScalingChoice::Assumed { .. }) { "assumed".into() } else { "measured".into() },
                        |d, v| d.hardware.scaling = if v == "assumed" {
                            match d.hardware.scaling {
                                keep @ ScalingChoice::Assumed { .. } => keep,
                                ScalingChoice::Measured => ScalingChoice::Assumed { sigma: UNFITTED_SIGMA, kappa: 0.0 },
                            }
                        } else {
                            ScalingChoice::Measured
                        })
                    options=vec![("measured", "measured (fit)"), ("assumed", "stated law")] />
                {move || stated_law.get().then(|| view! {
                    <NumberField label="Stated σ (contention)" binding=sigma.clone()
                        hint="Universal Scalability Law contention, 0 – 1: the serial share of the work." />
                    <NumberField label="Stated κ (coherency)" binding=kappa.clone()
                        hint="Universal Scalability Law coherency: the cost of keeping cores in agreement; 0 for Amdahl's law." />
                })}
            </div>
        </fieldset>
        <fieldset class="assumptions">
            <legend>"Stores (assumed)"</legend>
            <div class="grid fields">
                {assumed(i, "store.input_mb_per_s", None)}
                {assumed(i, "store.lookup_latency_ms", None)}
                {count(i, "store.lookup_batch_keys", |d| f64::from(d.store.lookup_batch_keys), |d, v| d.store.lookup_batch_keys = to_u32(v))}
                {count(i, "store.lookup_concurrency", |d| f64::from(d.store.lookup_concurrency), |d, v| d.store.lookup_concurrency = to_u32(v))}
                {assumed(i, "store.lookup_mb_per_s", None)}
                {assumed(i, "store.warm_latency_ms", None)}
                <SelectField label="Input and look-up I/O"
                    hint="Overlapped: reads are prefetched under computation and a node takes the longer of the two. Serial: every read waits, and I/O adds to computation."
                    binding=choice("store.io",
                        |d| match d.store.io { IoOverlap::Overlapped => "overlapped".into(), IoOverlap::Serial => "serial".into() },
                        |d, v| d.store.io = if v == "serial" { IoOverlap::Serial } else { IoOverlap::Overlapped })
                    options=vec![("overlapped", "overlapped with compute"), ("serial", "serial")] />
            </div>
        </fieldset>
        <fieldset class="assumptions">
            <legend>"Exchange (assumed)"</legend>
            <div class="grid fields">
                {assumed(i, "exchange.cost_ns_per_byte", None)}
                {assumed(i, "exchange.coordination_s", Some(Unit::Seconds))}
            </div>
        </fieldset>
        <fieldset class="assumptions">
            <legend>"Billing (assumed)"</legend>
            <div class="grid fields">
                <SelectField label="Billing mode"
                    hint="On demand: nodes start for each run and are billed for it, provisioning included. Always on: every run pays one batch window of every node."
                    binding=choice("billing.mode",
                        |d| match d.billing.mode { BillingMode::OnDemand => "on_demand".into(), BillingMode::AlwaysOn => "always_on".into() },
                        |d, v| d.billing.mode = if v == "always_on" { BillingMode::AlwaysOn } else { BillingMode::OnDemand })
                    options=vec![("on_demand", "on demand"), ("always_on", "always on")] />
                <NumberField label="Billing granularity" unit="s" echo=Some(Unit::Seconds)
                    hint="The provider's billing step: a run's node time is rounded up to a multiple of it (per-second billing: 1)."
                    binding=num("billing.granularity_s", |d| d.billing.granularity_s, |d, v| d.billing.granularity_s = v) />
                <NumberField label="Billing minimum" unit="s" echo=Some(Unit::Seconds)
                    hint="The shortest time billed per node and run (often 60 s)."
                    binding=num("billing.minimum_s", |d| d.billing.minimum_s, |d, v| d.billing.minimum_s = v) />
                {assumed(i, "billing.provisioning_s", Some(Unit::Seconds))}
            </div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::review::Review;

    #[test]
    fn every_listed_target_field_has_a_unit_and_a_justification() {
        for field in [
            "hardware.core_speed_factor",
            "hardware.usable_memory_fraction",
            "hardware.disk_mb_per_s",
            "hardware.cross_region_gbit_per_s",
            "store.input_mb_per_s",
            "store.lookup_latency_ms",
            "store.lookup_batch_keys",
            "store.lookup_concurrency",
            "store.lookup_mb_per_s",
            "store.warm_latency_ms",
            "exchange.cost_ns_per_byte",
            "exchange.coordination_s",
            "billing.provisioning_s",
        ] {
            let (label, unit, hint) = described(field).unwrap_or_else(|| panic!("{field}"));
            assert!(!label.is_empty() && !unit.is_empty(), "{field}");
            assert!(hint.contains("plausible"), "{field}: {hint}");
        }
    }

    #[test]
    fn catalogue_bindings_name_the_field_path_and_edit_one_design() {
        let mut review = Review::example();
        let speed = catalogue_binding(1, "hardware.core_speed_factor").unwrap();
        assert_eq!(
            speed.path,
            "alternatives[1].design.hardware.core_speed_factor"
        );
        (speed.set)(&mut review, 0.5);
        assert_eq!((speed.get)(&review), Some(0.5));
        assert_eq!(
            review.alternatives[1].design.hardware.core_speed_factor,
            0.5
        );
        assert_eq!(
            review.alternatives[0].design.hardware.core_speed_factor,
            1.0
        );
        // An out-of-range value is stored, so validation names the path.
        (speed.set)(&mut review, -1.0);
        let errors = review.validate().unwrap_err();
        assert!(
            errors
                .0
                .iter()
                .any(|e| e.path == "alternatives[1].design.hardware.core_speed_factor"),
            "{errors:?}"
        );
    }
}
