//! Splitting main-thread work into separate tasks, so that none of them is
//! long enough to make the page feel stuck (the e2e suite watches for
//! `longtask` entries).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Runs `f` in a task of its own, after the current one.
pub fn in_next_task(f: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback(callback.unchecked_ref());
    }
}
