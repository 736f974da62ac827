//! A charming chart in a `<div>`, drawn by ECharts (served from our own
//! origin). The chart is rebuilt from a signal; the ECharts instance is kept
//! and updated in place, and disposed with the component.

use charming::{Chart as ChartSpec, WasmRenderer};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = echarts, js_name = getInstanceByDom)]
    fn echarts_instance_by_dom(element: &web_sys::Element) -> JsValue;
    #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
    fn echarts_dispose(target: &JsValue);
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
    let instance = StoredValue::new_local(None::<charming::Echarts>);
    Effect::new(move |_| {
        let Some(chart) = spec.get() else { return };
        instance.update_value(|slot| match slot {
            Some(echarts) => WasmRenderer::update(echarts, &chart),
            None => {
                // Width follows the container; height is fixed per chart.
                match WasmRenderer::new_opt(None, Some(height)).render(id, &chart) {
                    Ok(echarts) => *slot = Some(echarts),
                    Err(e) => leptos::logging::warn!("chart {id} not drawn: {e:?}"),
                }
            }
        });
    });
    on_cleanup(move || {
        if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
            let existing = echarts_instance_by_dom(&element);
            if !existing.is_undefined() {
                echarts_dispose(&existing);
            }
        }
    });
    view! {
        <div class="chart" id=id role="img" aria-label=label style:height=format!("{height}px")></div>
    }
}
