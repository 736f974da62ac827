//! A charming chart in a `<div>`, drawn by ECharts (served from our own
//! origin).
//!
//! charming builds the chart specification (see `crate::charts`); we hand it
//! to ECharts as plain JSON (`JSON.parse` of charming's serde_json output)
//! through the few bindings below, rather than through charming's
//! `WasmRenderer`, whose `serde_wasm_bindgen` conversion produces objects
//! ECharts 5 cannot merge.
//!
//! **Formatters.** A spec cannot carry JavaScript functions through JSON, and
//! the CSP forbids `eval`. So specs carry marker strings
//! (`"@fmt:short:seconds"`, see `format::Unit::marker`) wherever a formatter
//! goes; after parsing, each marker is replaced by a Rust closure exported as
//! a JS function that formats with `crate::format`.
//!
//! **Work per task.** Creating an instance and drawing each run in a task of
//! their own, after the DOM update that brought the data, so that no piece
//! of main-thread work gets long. The instance follows its container's width
//! and the system colour scheme (dark ↔ light re-creates it), and is disposed
//! with the component.

use std::cell::RefCell;
use std::collections::BTreeMap;

use charming::Chart as ChartSpec;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::format::{self, Unit};
use crate::state::{in_next_task, Workbench};

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    pub type Echarts;

    #[wasm_bindgen(js_namespace = echarts, js_name = init, catch)]
    fn echarts_init(
        element: &web_sys::Element,
        theme: JsValue,
        options: &JsValue,
    ) -> Result<Echarts, JsValue>;

    #[wasm_bindgen(method, js_name = setOption, catch)]
    fn set_option(this: &Echarts, option: &JsValue, not_merge: bool) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn resize(this: &Echarts);

    #[wasm_bindgen(method)]
    fn dispose(this: &Echarts);

    #[wasm_bindgen(method, js_name = getDataURL)]
    fn get_data_url(this: &Echarts, options: &JsValue) -> String;
}

/// Creates the ECharts instance on the element `id` (the costly part:
/// canvas, fonts, theme).
fn init(id: &str, dark: bool) -> Result<Echarts, String> {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .ok_or_else(|| format!("no element #{id}"))?;
    let theme = if dark {
        JsValue::from_str("dark")
    } else {
        JsValue::NULL
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"renderer".into(), &"canvas".into());
    echarts_init(&element, theme, &options).map_err(|e| format!("{e:?}"))
}

/// One step of a path into a JSON value.
#[derive(Clone, Debug, PartialEq)]
enum Key {
    Field(String),
    Index(usize),
}

/// Where formatter markers sit in a spec, and which.
fn find_markers(value: &Value, path: &mut Vec<Key>, out: &mut Vec<(Vec<Key>, String)>) {
    match value {
        Value::String(s) if s.starts_with("@fmt:") => out.push((path.clone(), s.clone())),
        Value::Object(map) => {
            for (key, child) in map {
                // Series data are numbers: skip them (they can be large).
                if key == "data" && child.as_array().is_some_and(|a| a.len() > 16) {
                    continue;
                }
                path.push(Key::Field(key.clone()));
                find_markers(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Key::Index(i));
                find_markers(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn parse_marker(marker: &str) -> Option<(bool, Unit)> {
    let short = marker.starts_with("@fmt:short:");
    Unit::ALL
        .into_iter()
        .find(|u| u.marker(short) == marker)
        .map(|u| (short, u))
}

thread_local! {
    /// One JS function per marker, made once and kept for the page's life.
    static FORMATTERS: RefCell<BTreeMap<String, JsValue>> = const { RefCell::new(BTreeMap::new()) };
}

/// The number a formatter receives: a number, a numeric string, or the last
/// element of a `[x, y]` value.
fn number_of(value: &JsValue) -> Option<f64> {
    if let Some(x) = value.as_f64() {
        return Some(x);
    }
    if let Some(s) = value.as_string() {
        return s.trim().parse().ok();
    }
    if js_sys::Array::is_array(value) {
        let array: &js_sys::Array = value.unchecked_ref();
        return array.get(array.length().saturating_sub(1)).as_f64();
    }
    None
}

fn formatter(marker: &str) -> Option<JsValue> {
    let (short, unit) = parse_marker(marker)?;
    Some(FORMATTERS.with(|cache| {
        cache
            .borrow_mut()
            .entry(marker.to_string())
            .or_insert_with(|| {
                Closure::<dyn Fn(JsValue) -> JsValue>::new(move |value: JsValue| {
                    match number_of(&value) {
                        Some(x) if short => JsValue::from_str(&format::short(unit, x)),
                        Some(x) => JsValue::from_str(&format::long(unit, x)),
                        None => value,
                    }
                })
                .into_js_value()
            })
            .clone()
    }))
}

/// Replaces the marker at `path` in the parsed option with its function.
fn install(option: &JsValue, path: &[Key], function: &JsValue) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut target = option.clone();
    for key in parents {
        target = match key {
            Key::Field(name) => js_sys::Reflect::get(&target, &JsValue::from_str(name)),
            Key::Index(i) => js_sys::Reflect::get_u32(&target, *i as u32),
        }
        .unwrap_or(JsValue::UNDEFINED);
        if !target.is_object() {
            return;
        }
    }
    let _ = match last {
        Key::Field(name) => js_sys::Reflect::set(&target, &JsValue::from_str(name), function),
        Key::Index(i) => js_sys::Reflect::set_u32(&target, *i as u32, function),
    };
}

/// The chart's option as a JS object, formatter markers replaced by
/// functions.
fn option_of(chart: &ChartSpec) -> Result<JsValue, String> {
    // Compact JSON: charming's `Display` pretty-prints, which costs tens of
    // milliseconds on the main thread for a large chart. The markers are
    // found in the text parsed back: serialising through `serde_json::Value`
    // instead would link a second serializer for every charming type
    // (~70 KB of the UI's wasm before wasm-opt; BENCHMARKS.md, "Size").
    let json = serde_json::to_string(chart).map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let mut markers = Vec::new();
    find_markers(&value, &mut Vec::new(), &mut markers);
    let option = js_sys::JSON::parse(&json).map_err(|e| format!("{e:?}"))?;
    for (path, marker) in &markers {
        if let Some(function) = formatter(marker) {
            install(&option, path, &function);
        }
    }
    Ok(option)
}

fn draw(slot: &mut Option<Echarts>, id: &str, dark: bool, chart: &ChartSpec) -> Result<(), String> {
    let option = option_of(chart)?;
    if slot.is_none() {
        *slot = Some(init(id, dark)?);
    }
    if let Some(instance) = slot {
        instance
            .set_option(&option, true)
            .map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

/// Draws `chart` once, off-screen, at a fixed size in the light theme on
/// white, and returns it as PNG (base64, no `data:` prefix) at twice the
/// pixel density. For exports: the PNG does not depend on which step is on
/// screen, the window's width or the colour scheme. Animation is off, so
/// the picture is complete when taken; the instance and its element are
/// removed before returning.
pub fn render_png(chart: &ChartSpec, width_px: u32, height_px: u32) -> Result<String, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let element = document
        .create_element("div")
        .map_err(|e| format!("{e:?}"))?;
    let _ = element.set_attribute(
        "style",
        &format!(
            "position:fixed;left:-10000px;top:0;width:{width_px}px;height:{height_px}px;pointer-events:none"
        ),
    );
    let _ = element.set_attribute("aria-hidden", "true");
    let body = document.body().ok_or("no body")?;
    body.append_child(&element).map_err(|e| format!("{e:?}"))?;
    let result = (|| {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"renderer".into(), &"canvas".into());
        let _ = js_sys::Reflect::set(&options, &"width".into(), &JsValue::from(width_px));
        let _ = js_sys::Reflect::set(&options, &"height".into(), &JsValue::from(height_px));
        let instance =
            echarts_init(&element, JsValue::NULL, &options).map_err(|e| format!("{e:?}"))?;
        let option = option_of(chart)?;
        let _ = js_sys::Reflect::set(&option, &"animation".into(), &JsValue::FALSE);
        let drawn = instance
            .set_option(&option, true)
            .map_err(|e| format!("{e:?}"));
        let url = drawn.map(|()| {
            let settings = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&settings, &"type".into(), &"png".into());
            let _ = js_sys::Reflect::set(&settings, &"pixelRatio".into(), &JsValue::from_f64(2.0));
            let _ = js_sys::Reflect::set(&settings, &"backgroundColor".into(), &"#ffffff".into());
            instance.get_data_url(&settings)
        });
        instance.dispose();
        let url = url?;
        url.strip_prefix("data:image/png;base64,")
            .map(str::to_string)
            .ok_or_else(|| "the chart did not render as PNG".to_string())
    })();
    element.remove();
    result
}

/// A chart with an accessible name. `spec` returns `None` while there is
/// nothing to draw.
#[component]
pub fn Chart(
    /// A document-unique id for the chart's element.
    id: &'static str,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: Signal<String>,
    spec: Signal<Option<ChartSpec>>,
    #[prop(default = 320)] height: u32,
) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let instance = StoredValue::new_local(None::<Echarts>);
    let last = StoredValue::new_local(None::<ChartSpec>);
    // Create the instance as soon as the element exists; re-create it (and
    // redraw) when the colour scheme changes.
    Effect::new(move |previous: Option<bool>| {
        let dark = bench.dark.get();
        let redraw = previous.is_some_and(|was| was != dark);
        in_next_task(move || {
            instance.try_update_value(|slot| {
                if let Some(old) = slot.take() {
                    old.dispose();
                }
                match init(id, dark) {
                    Ok(echarts) => *slot = Some(echarts),
                    Err(e) => leptos::logging::warn!("chart {id} not created: {e}"),
                }
            });
            if redraw {
                in_next_task(move || {
                    let chart = last.try_with_value(Clone::clone).flatten();
                    if let Some(chart) = chart {
                        instance.try_update_value(|slot| {
                            if let Err(e) = draw(slot, id, dark, &chart) {
                                leptos::logging::warn!("chart {id} not drawn: {e}");
                            }
                        });
                    }
                });
            }
        });
        dark
    });
    // Draw each new spec after the DOM update that brought the data.
    Effect::new(move |_| {
        let Some(chart) = spec.get() else { return };
        last.set_value(Some(chart.clone()));
        let dark = bench.dark.get_untracked();
        in_next_task(move || {
            instance.try_update_value(|slot| {
                if let Err(e) = draw(slot, id, dark, &chart) {
                    leptos::logging::warn!("chart {id} not drawn: {e}");
                }
            });
        });
    });
    // Follow the container's width (window resizes).
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        instance.with_value(|slot| {
            if let Some(echarts) = slot {
                echarts.resize();
            }
        });
    });
    if let Some(window) = web_sys::window() {
        let _ =
            window.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
    }
    let on_resize = StoredValue::new_local(Some(on_resize));
    on_cleanup(move || {
        if let (Some(window), Some(callback)) = (
            web_sys::window(),
            on_resize.try_update_value(|c| c.take()).flatten(),
        ) {
            let _ = window
                .remove_event_listener_with_callback("resize", callback.as_ref().unchecked_ref());
        }
        instance.try_update_value(|slot| {
            if let Some(echarts) = slot.take() {
                echarts.dispose();
            }
        });
    });
    view! {
        <div class="chart" id=id role="img" aria-label=move || label.get() style:height=format!("{height}px")></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_with_their_paths() {
        let value = serde_json::json!({
            "xAxis": {"axisLabel": {"formatter": "@fmt:short:count"}},
            "yAxis": [{"axisLabel": {"formatter": "@fmt:short:seconds"}}],
            "tooltip": {"valueFormatter": "@fmt:long:seconds"},
            "title": [{"text": "@fmt is not a marker unless it is the prefix"}],
        });
        let mut found = Vec::new();
        find_markers(&value, &mut Vec::new(), &mut found);
        let markers: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            markers,
            [
                "@fmt:long:seconds",
                "@fmt:short:count",
                "@fmt:short:seconds"
            ]
        );
        assert_eq!(
            found[2].0,
            vec![
                Key::Field("yAxis".into()),
                Key::Index(0),
                Key::Field("axisLabel".into()),
                Key::Field("formatter".into())
            ]
        );
    }

    #[test]
    fn markers_parse_back_to_units() {
        for unit in Unit::ALL {
            assert_eq!(parse_marker(unit.marker(true)), Some((true, unit)));
            assert_eq!(parse_marker(unit.marker(false)), Some((false, unit)));
        }
        assert_eq!(parse_marker("@fmt:short:furlongs"), None);
        assert_eq!(parse_marker("plain text"), None);
    }
}
