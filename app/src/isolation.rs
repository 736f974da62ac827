//! Cross-origin isolation: the threaded engine needs `SharedArrayBuffer`,
//! which browsers give only to cross-origin-isolated pages.
//!
//! `trunk serve` and well-configured hosts send the COOP/COEP headers. On a
//! static host that cannot, we register our own service worker (`sw.js`),
//! which adds them, and reload once. If that is impossible (plain `http://` to
//! a LAN address, service workers blocked) the page stays as it is and the
//! engine runs single-threaded: same results, one thread.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

const RELOAD_FLAG: &str = "scalewise.isolation-reload-tried";

/// Whether the page is cross-origin isolated (threads available).
pub fn is_isolated() -> bool {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("crossOriginIsolated"))
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

fn is_secure_context() -> bool {
    web_sys::window()
        .map(|w| w.is_secure_context())
        .unwrap_or(false)
}

/// Starts the service-worker route to isolation when it can help; never blocks.
pub fn ensure_isolation_or_fallback() {
    if is_isolated() || !is_secure_context() {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // `serviceWorker` is absent when service workers are blocked or unsupported.
    let has_sw =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    if !has_sw {
        return;
    }
    let session = window.session_storage().ok().flatten();
    let tried = session
        .as_ref()
        .and_then(|s| s.get_item(RELOAD_FLAG).ok().flatten())
        .is_some();
    if tried {
        // We reloaded once under the service worker and are still not
        // isolated: the browser refuses; stay single-threaded, do not loop.
        return;
    }
    let container = navigator.service_worker();
    wasm_bindgen_futures::spawn_local(async move {
        let registered = JsFuture::from(container.register("sw.js")).await;
        if registered.is_err() {
            return;
        }
        if JsFuture::from(
            container
                .ready()
                .unwrap_or_else(|_| js_sys::Promise::resolve(&JsValue::NULL)),
        )
        .await
        .is_err()
        {
            return;
        }
        if let Some(session) = session {
            let _ = session.set_item(RELOAD_FLAG, "1");
        }
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
}
