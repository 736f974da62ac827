//! A number input bound to a review field: parsed on change, unparsable text
//! kept as a draft with its message; optional slider (linear or log) and an
//! echo of the value in readable units.

use leptos::prelude::*;

use crate::bind::Binding;
use crate::components::field_errors::FieldErrors;
use crate::format::{self, Unit};
use crate::state::{FieldIds, Workbench};

/// A slider beside the input. `name` is its accessible name: it must not
/// contain the field's label (tests find inputs by label substring).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slider {
    pub name: &'static str,
    pub min: f64,
    pub max: f64,
    pub log: bool,
}

const SLIDER_STEPS: f64 = 1000.0;

impl Slider {
    fn position(&self, value: f64) -> f64 {
        let t = if self.log {
            let (lo, hi) = (libm::log(self.min), libm::log(self.max));
            (libm::log(value.max(self.min)) - lo) / (hi - lo)
        } else {
            (value - self.min) / (self.max - self.min)
        };
        libm::round(t.clamp(0.0, 1.0) * SLIDER_STEPS)
    }

    fn value(&self, position: f64, integer: bool) -> f64 {
        let t = (position / SLIDER_STEPS).clamp(0.0, 1.0);
        let raw = if self.log {
            let (lo, hi) = (libm::log(self.min), libm::log(self.max));
            libm::exp(lo + (hi - lo) * t)
        } else {
            self.min + (self.max - self.min) * t
        };
        let nice = round_significant(raw, if self.log { 3 } else { 4 });
        if integer {
            libm::round(nice)
        } else {
            nice
        }
    }
}

/// `value` rounded to `digits` significant digits, exactly as printed.
pub fn round_significant(value: f64, digits: usize) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    format!("{:.*e}", digits.saturating_sub(1), value)
        .parse()
        .unwrap_or(value)
}

/// How a value shows in the input: whole numbers without a decimal point.
pub fn show_value(value: f64) -> String {
    format!("{value}")
}

#[component]
pub fn NumberField(
    #[prop(into)] label: String,
    binding: Binding<f64>,
    /// Shown after the input, e.g. "events", "s", "GiB".
    #[prop(optional)]
    unit: &'static str,
    /// Repeats the value in readable units ("= 2.00 M events").
    #[prop(optional_no_strip)]
    echo: Option<Unit>,
    #[prop(optional)] integer: bool,
    /// Allowed range or what the number means.
    #[prop(optional, into)]
    hint: String,
    #[prop(optional_no_strip)] slider: Option<Slider>,
) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let path = binding.path.clone();
    let FieldIds {
        control: id,
        help: help_id,
        described_by: described,
    } = FieldIds::new(&path);
    let get = binding.get.clone();
    let value = Memo::new(move |_| bench.review.with(|r| get(r)).unwrap_or(f64::NAN));
    let draft = {
        let path = path.clone();
        Memo::new(move |_| bench.draft(&path))
    };
    let invalid = {
        let path = path.clone();
        Memo::new(move |_| bench.has_errors_at(&path))
    };
    let text = move || draft.get().unwrap_or_else(|| show_value(value.get()));
    let on_change = {
        let path = path.clone();
        let set = binding.set.clone();
        move |ev: leptos::ev::Event| {
            let set = set.clone();
            bench.set_number(&path, &event_target_value(&ev), integer, move |r, v| {
                set(r, v)
            });
        }
    };
    let echo_text = move || {
        let unit = echo?;
        if draft.get().is_some() || !value.get().is_finite() {
            return None;
        }
        Some(format!("= {}", format::long(unit, value.get())))
    };
    let slider_view = slider.map(|s| {
        let path = path.clone();
        let set = binding.set.clone();
        let on_input = move |ev: leptos::ev::Event| {
            let Ok(position) = event_target_value(&ev).parse::<f64>() else {
                return;
            };
            let set = set.clone();
            let v = s.value(position, integer);
            bench.set_number(&path, &show_value(v), integer, move |r, v| set(r, v));
        };
        let value_text = move || match echo {
            Some(unit) => format::long(unit, value.get()),
            None => format::number(value.get()),
        };
        view! {
            <input type="range" class="slider" min="0" max=SLIDER_STEPS.to_string() step="1"
                aria-label=s.name aria-valuetext=value_text
                prop:value=move || s.position(value.get()).to_string()
                on:input=on_input />
        }
    });
    let hint_view = (!hint.is_empty()).then(|| view! { <span class="hint-text">{hint}</span> });
    view! {
        <div class="field number-field" class:invalid=move || invalid.get()>
            <label for=id.clone()>{label}</label>
            <div class="control">
                <input id=id type="text" inputmode=if integer { "numeric" } else { "decimal" }
                    autocomplete="off" spellcheck="false"
                    aria-describedby=described aria-invalid=move || invalid.get().to_string()
                    prop:value=text on:change=on_change />
                {(!unit.is_empty()).then(|| view! { <span class="unit">{unit}</span> })}
            </div>
            {slider_view}
            <p class="help" id=help_id>
                <span class="echo">{echo_text}</span>
                {hint_view}
            </p>
            <FieldErrors path=path />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliders_map_both_ways() {
        let log = Slider {
            name: "x",
            min: 1e3,
            max: 1e9,
            log: true,
        };
        assert_eq!(log.position(1e3), 0.0);
        assert_eq!(log.position(1e9), 1000.0);
        assert_eq!(log.position(1e6), 500.0);
        assert_eq!(log.value(500.0, true), 1e6);
        assert_eq!(log.position(1.0), 0.0); // below the range: clamped
        let linear = Slider {
            name: "y",
            min: 0.0,
            max: 4.0,
            log: false,
        };
        assert_eq!(linear.value(275.0, false), 1.1);
        assert_eq!(linear.position(1.1), 275.0);
    }

    #[test]
    fn values_round_and_show_plainly() {
        assert_eq!(round_significant(1_234_567.0, 3), 1_230_000.0);
        assert_eq!(round_significant(0.30000000000000004, 4), 0.3);
        assert_eq!(show_value(2e6), "2000000");
        assert_eq!(show_value(0.002), "0.002");
        assert_eq!(show_value(64.0), "64");
    }
}
