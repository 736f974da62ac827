//! The UI side of the engine worker: spawns `engine/worker.js` as a module
//! Web Worker and exchanges JSON-encoded `EngineRequest`/`EngineResponse`
//! messages (`scalewise_core::protocol`) with it. Nothing here computes.

use scalewise_core::protocol::{EngineRequest, EngineResponse};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

/// A live engine worker and the callbacks that keep it talking to the UI.
pub struct EngineClient {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl EngineClient {
    /// Starts a worker. `on_response` receives every decoded reply;
    /// `on_crash` a description when the worker dies or speaks nonsense.
    pub fn spawn(
        on_response: impl Fn(EngineResponse) + 'static,
        on_crash: impl Fn(String) + Clone + 'static,
    ) -> Result<Self, String> {
        let url = worker_url()?;
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name("scalewise-engine");
        let worker = Worker::new_with_options(&url, &options)
            .map_err(|e| format!("could not start the engine worker: {}", describe(&e)))?;

        let crash = on_crash.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                crash("the engine sent a message that is not text".into());
                return;
            };
            match serde_json::from_str::<EngineResponse>(&text) {
                Ok(response) => on_response(response),
                Err(e) => crash(format!("the engine sent an unreadable message: {e}")),
            }
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            on_crash(format!("the engine worker failed: {}", event.message()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    pub fn send(&self, request: &EngineRequest) -> Result<(), String> {
        let text = serde_json::to_string(request).map_err(|e| e.to_string())?;
        self.worker
            .post_message(&JsValue::from_str(&text))
            .map_err(|e| format!("could not reach the engine: {}", describe(&e)))
    }
}

impl Drop for EngineClient {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// `engine/worker.js` relative to the document's base URL, so the site works
/// under any sub-path (`/scalewise/`).
fn worker_url() -> Result<String, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let base = document
        .base_uri()
        .ok()
        .flatten()
        .ok_or("the document has no base URL")?;
    web_sys::Url::new_with_base("engine/worker.js", &base)
        .map(|u| u.href())
        .map_err(|e| describe(&e))
}

pub fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
