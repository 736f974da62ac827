//! The UI side of the engine worker: spawns `engine/worker.js` as a module
//! Web Worker and exchanges JSON-encoded `EngineRequest`/`EngineResponse`
//! messages (`scalewise_core::protocol`) with it. Nothing here computes.
//!
//! It also notices when the worker dies. An uncaught exception in the worker
//! fires `error` on the `Worker` object, and the worker glue reports a failed
//! engine step as `fatal`; but a worker that is *terminated* (closed, killed
//! by the browser) sends nothing at all. For that the worker holds a Web
//! Lock named after itself for its whole life: the browser releases a
//! context's locks when it ends, so our request for the same lock is granted
//! exactly when the worker is gone — no polling, no timeout to tune. (Web
//! Locks need a secure context; on plain `http://` to a LAN address only the
//! `error`/`fatal` paths remain.)

use std::cell::Cell;
use std::rc::Rc;

use scalewise_core::protocol::{EngineRequest, EngineResponse};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

/// What the UI is told when the worker ends without a word.
pub const TERMINATED: &str = "the engine worker was terminated";

/// A live engine worker and the callbacks that keep it talking to the UI.
pub struct EngineClient {
    worker: Worker,
    /// Cleared when the page itself terminates the worker, so that the
    /// released lock is not reported as a crash.
    watching: Rc<Cell<bool>>,
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
        // The worker's name is also the name of its life lock; unique per
        // worker (other tabs of the same origin share the lock namespace).
        let name = format!("scalewise-engine-{:016x}", getrandom::u64().unwrap_or(0));
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name(&name);
        let worker = Worker::new_with_options(&url, &options)
            .map_err(|e| format!("could not start the engine worker: {}", describe(&e)))?;
        let watching = Rc::new(Cell::new(true));

        let crash = on_crash.clone();
        let watch = (name, watching.clone(), on_crash.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                crash("the engine sent a message that is not text".into());
                return;
            };
            match serde_json::from_str::<EngineResponse>(&text) {
                Ok(response) => {
                    // The worker holds its lock before it says hello.
                    if matches!(response, EngineResponse::Ready { .. }) {
                        let (name, watching, on_crash) = watch.clone();
                        watch_for_termination(&name, watching, on_crash);
                    }
                    on_response(response)
                }
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
            watching,
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
        self.watching.set(false);
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Requests the worker's life lock; the browser grants it when the worker
/// has ended. Without Web Locks (not a secure context) this does nothing.
fn watch_for_termination(
    name: &str,
    watching: Rc<Cell<bool>>,
    on_crash: impl Fn(String) + 'static,
) {
    let Some(locks) = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("locks")).ok())
        .filter(|locks| locks.is_object())
    else {
        return;
    };
    let Ok(request) = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    let granted = Closure::once_into_js(move || {
        if watching.replace(false) {
            on_crash(TERMINATED.to_string());
        }
        // Returning at once releases the lock again.
    });
    if let Err(e) = request.call2(&locks, &JsValue::from_str(name), &granted) {
        leptos::logging::warn!("cannot watch the engine worker: {}", describe(&e));
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
