//! A charming chart in a `<div>`, drawn by ECharts (served from our own
//! origin).
//!
//! charming builds the chart specification; we hand it to ECharts as plain
//! JSON (`JSON.parse` of charming's serde_json output) through the few
//! bindings below, rather than through charming's `WasmRenderer`, whose
//! `serde_wasm_bindgen` conversion produces objects ECharts 5 cannot merge.
//! The instance is kept and updated in place, resized with its container, and
//! disposed with the component.

use charming::Chart as ChartSpec;
use leptos::prelude::*;

use crate::schedule::in_next_task;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Creates the ECharts instance on the element `id` (the costly part:
/// canvas, fonts, theme).
fn init(id: &str) -> Result<Echarts, String> {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .ok_or_else(|| format!("no element #{id}"))?;
    let theme = if prefers_dark() {
        JsValue::from_str("dark")
    } else {
        JsValue::NULL
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"renderer".into(), &"canvas".into());
    echarts_init(&element, theme, &options).map_err(|e| format!("{e:?}"))
}

fn draw(slot: &mut Option<Echarts>, id: &str, chart: &ChartSpec) -> Result<(), String> {
    // Compact JSON: charming's `Display` pretty-prints, which costs tens of
    // milliseconds on the main thread for a large chart.
    let json = serde_json::to_string(chart).map_err(|e| e.to_string())?;
    let option = js_sys::JSON::parse(&json).map_err(|e| format!("{e:?}"))?;
    if slot.is_none() {
        *slot = Some(init(id)?);
    }
    if let Some(instance) = slot {
        instance
            .set_option(&option, true)
            .map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

/// A chart with an accessible name. `spec` returns `None` while there is
/// nothing to draw.
#[component]
pub fn Chart(
    /// A document-unique id for the chart's element.
    id: &'static str,
    /// What the chart shows, for screen readers.
    label: Signal<String>,
    spec: Signal<Option<ChartSpec>>,
    #[prop(default = 320)] height: u32,
) -> impl IntoView {
    let instance = StoredValue::new_local(None::<Echarts>);
    // Create the instance as soon as the element exists, before any data:
    // then a result only costs a `setOption`.
    Effect::new(move |_| {
        in_next_task(move || {
            instance.try_update_value(|slot| {
                if slot.is_none() {
                    match init(id) {
                        Ok(echarts) => *slot = Some(echarts),
                        Err(e) => leptos::logging::warn!("chart {id} not created: {e}"),
                    }
                }
            });
        });
    });
    Effect::new(move |_| {
        let Some(chart) = spec.get() else { return };
        // Draw after the DOM update that brought the data.
        in_next_task(move || {
            instance.try_update_value(|slot| {
                if let Err(e) = draw(slot, id, &chart) {
                    leptos::logging::warn!("chart {id} not drawn: {e}");
                }
            });
        });
    });
    // Follow the container's width (sidebar toggles, window resizes).
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
        <div class="chart" id=id role="img" aria-label=label style:height=format!("{height}px")></div>
    }
}

/// The chart with this element id as a PNG data URL (for exports).
#[allow(dead_code)]
pub fn png_data_url(id: &str) -> Option<String> {
    let element = web_sys::window()?.document()?.get_element_by_id(id)?;
    let instance: JsValue = js_sys::Reflect::get(&js_sys::global(), &"echarts".into())
        .ok()
        .and_then(|echarts| {
            let get = js_sys::Reflect::get(&echarts, &"getInstanceByDom".into()).ok()?;
            get.dyn_ref::<js_sys::Function>()?
                .call1(&echarts, &element)
                .ok()
        })?;
    if instance.is_undefined() || instance.is_null() {
        return None;
    }
    let instance: Echarts = instance.unchecked_into();
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"png".into());
    let _ = js_sys::Reflect::set(&options, &"pixelRatio".into(), &JsValue::from_f64(2.0));
    Some(instance.get_data_url(&options))
}
