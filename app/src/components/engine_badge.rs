//! Shows where the engine runs: "isolated: N threads" or the single-threaded
//! fallback, and why.

use leptos::prelude::*;
use scalewise_core::protocol::ThreadMode;

use crate::state::{EngineStatus, Workbench};

#[component]
pub fn EngineBadge() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let text = move || match bench.engine.get() {
        EngineStatus::Starting => "Engine starting…".to_string(),
        EngineStatus::Ready {
            mode: ThreadMode::Isolated,
            threads,
        } => {
            format!("Engine: isolated, {threads} threads")
        }
        EngineStatus::Ready {
            mode: ThreadMode::SingleThreaded,
            ..
        } => "Engine: single-threaded fallback, 1 thread".to_string(),
        EngineStatus::Crashed(message) => format!("Engine stopped: {message}"),
    };
    let title = move || {
        match bench.engine.get() {
        EngineStatus::Ready { mode: ThreadMode::SingleThreaded, .. } => {
            "This page is not cross-origin isolated (plain http:// to a LAN address, or a host without \
             COOP/COEP headers), so the engine cannot share memory between threads. Results are identical; \
             runs take longer."
                .to_string()
        }
        _ => "The engine runs in a Web Worker, off the page's main thread.".to_string(),
    }
    };
    let threads = move || match bench.engine.get() {
        EngineStatus::Ready { threads, .. } => threads.to_string(),
        _ => String::new(),
    };
    let mode = move || match bench.engine.get() {
        EngineStatus::Ready {
            mode: ThreadMode::Isolated,
            ..
        } => "isolated",
        EngineStatus::Ready {
            mode: ThreadMode::SingleThreaded,
            ..
        } => "single-threaded",
        EngineStatus::Starting => "starting",
        EngineStatus::Crashed(_) => "crashed",
    };
    view! {
        <div class="engine-badge" data-testid="engine-badge" data-mode=mode data-threads=threads title=title role="status">
            {text}
        </div>
    }
}
