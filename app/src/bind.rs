//! Bindings between form controls and fields of the review: a field path
//! (the core's `FieldError.path`, so errors land next to their control), a
//! getter and a setter. Setters run inside `Workbench::edit`.

use std::sync::Arc;

use scalewise_core::review::{Alternative, Design, Review, Workload};

pub type Getter<T> = Arc<dyn Fn(&Review) -> Option<T> + Send + Sync>;
pub type Setter<T> = Arc<dyn Fn(&mut Review, T) + Send + Sync>;

/// One field of the review.
#[derive(Clone)]
pub struct Binding<T> {
    pub path: String,
    pub get: Getter<T>,
    pub set: Setter<T>,
}

impl<T> Binding<T> {
    pub fn new(
        path: impl Into<String>,
        get: impl Fn(&Review) -> Option<T> + Send + Sync + 'static,
        set: impl Fn(&mut Review, T) + Send + Sync + 'static,
    ) -> Self {
        Binding {
            path: path.into(),
            get: Arc::new(get),
            set: Arc::new(set),
        }
    }
}

/// A number of the workload (`workload.{field}`).
pub fn workload(
    field: &str,
    get: fn(&Workload) -> f64,
    set: fn(&mut Workload, f64),
) -> Binding<f64> {
    Binding::new(
        format!("workload.{field}"),
        move |r| Some(get(&r.workload)),
        move |r, v| set(&mut r.workload, v),
    )
}

/// A number of alternative `i`'s design (`alternatives[i].design.{field}`).
pub fn design(
    i: usize,
    field: &str,
    get: fn(&Design) -> f64,
    set: fn(&mut Design, f64),
) -> Binding<f64> {
    Binding::new(
        format!("alternatives[{i}].design.{field}"),
        move |r| r.alternatives.get(i).map(|a| get(&a.design)),
        move |r, v| {
            if let Some(a) = r.alternatives.get_mut(i) {
                set(&mut a.design, v);
            }
        },
    )
}

/// A text of alternative `i` (`alternatives[i].{field}`).
pub fn alternative_text(
    i: usize,
    field: &str,
    get: fn(&Alternative) -> &String,
    set: fn(&mut Alternative) -> &mut String,
) -> Binding<String> {
    Binding::new(
        format!("alternatives[{i}].{field}"),
        move |r| r.alternatives.get(i).map(|a| get(a).clone()),
        move |r, v| {
            if let Some(a) = r.alternatives.get_mut(i) {
                *set(a) = v;
            }
        },
    )
}

/// A choice of alternative `i`'s design, as the value of a `<select>`.
pub fn design_choice(
    i: usize,
    field: &str,
    get: fn(&Design) -> String,
    set: fn(&mut Design, &str),
) -> Binding<String> {
    Binding::new(
        format!("alternatives[{i}].design.{field}"),
        move |r| r.alternatives.get(i).map(|a| get(&a.design)),
        move |r, v: String| {
            if let Some(a) = r.alternatives.get_mut(i) {
                set(&mut a.design, &v);
            }
        },
    )
}

/// `u64` fields stored from a parsed `f64` (whole, ≥ 0: `parse_number`
/// guarantees both; `as` saturates beyond the type's range and the core's
/// validation then names the limit).
pub fn to_u64(v: f64) -> u64 {
    v as u64
}

pub fn to_u32(v: f64) -> u32 {
    v as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_read_and_write_their_field() {
        let mut review = Review::example();
        let nodes = design(
            1,
            "nodes",
            |d| f64::from(d.nodes),
            |d, v| d.nodes = to_u32(v),
        );
        assert_eq!(nodes.path, "alternatives[1].design.nodes");
        assert_eq!((nodes.get)(&review), Some(8.0));
        (nodes.set)(&mut review, 2.0);
        assert_eq!(review.alternatives[1].design.nodes, 2);
        // Out of range indices read nothing and write nothing.
        let missing = design(
            5,
            "nodes",
            |d| f64::from(d.nodes),
            |d, v| d.nodes = to_u32(v),
        );
        assert_eq!((missing.get)(&review), None);
        (missing.set)(&mut review, 3.0);
        let events = workload("events", |w| w.events as f64, |w, v| w.events = to_u64(v));
        (events.set)(&mut review, 5e6);
        assert_eq!(review.workload.events, 5_000_000);
        let name = alternative_text(0, "option", |a| &a.option, |a| &mut a.option);
        (name.set)(&mut review, "one_box".into());
        assert_eq!((name.get)(&review).as_deref(), Some("one_box"));
        assert_eq!(to_u32(1e12), u32::MAX);
    }
}
