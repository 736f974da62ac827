// The engine Web Worker. It owns the wasm engine; the UI talks to it with
// JSON-encoded `EngineRequest`/`EngineResponse` messages (core/src/protocol.rs).
//
// Two builds of the same Rust engine sit beside this file:
//   mt/ – atomics + shared memory + a wasm-bindgen-rayon pool (needs
//         cross-origin isolation, i.e. SharedArrayBuffer);
//   st/ – plain wasm, single-threaded rayon fallback.
// Results are identical; only speed differs.
//
// All logic lives in Rust (`Engine`); this file only loads the right build and
// pumps long runs one bounded step at a time, yielding to the event loop
// between steps so Cancel and new requests are heard promptly.

const pending = [];
let engine = null;
self.onmessage = (event) => {
  if (engine === null) pending.push(event.data);
  else receive(event.data);
};

// A zero-delay macrotask yield (setTimeout is clamped to >= 4 ms when nested).
const channel = new MessageChannel();
let wake = null;
channel.port1.onmessage = () => { const w = wake; wake = null; if (w) w(); };
const yieldToEventLoop = () => new Promise((resolve) => { wake = resolve; channel.port2.postMessage(0); });

// A trap in the engine (out of memory, a bug) leaves the wasm instance
// unusable: say so, and end this worker; the page offers Retry, which starts
// a new one.
function die(error) {
  const message = `the engine failed: ${String((error && error.message) || error)}`;
  postMessage(JSON.stringify({ fatal: { message } }));
  engine = null;
  self.close();
}

let pumping = false;
async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      const replies = engine.poll();
      if (replies === undefined) break;
      for (const reply of replies) postMessage(reply);
      await yieldToEventLoop();
    }
  } catch (error) {
    die(error);
  } finally {
    pumping = false;
  }
}

function receive(message) {
  if (engine === null) return;
  try {
    for (const reply of engine.receive(message)) postMessage(reply);
  } catch (error) {
    die(error);
    return;
  }
  pump();
}

// Holds a Web Lock named after this worker (the page chose a unique name) for
// as long as the worker lives. The browser releases it when the worker ends
// in any way, which is how the page notices a worker that was terminated
// without a word (app/src/engine_client.rs). Resolves once the lock is held.
function holdLifeLock() {
  if (!self.navigator.locks || !self.name) return Promise.resolve();
  return new Promise((held) => {
    self.navigator.locks.request(self.name, () => {
      held();
      return new Promise(() => {}); // never released while alive
    }).catch(() => held());
  });
}

async function start() {
  const isolated = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const pkg = await import(isolated ? './mt/scalewise_engine.js' : './st/scalewise_engine.js');
  await pkg.default();
  let threads = 1;
  if (isolated) {
    threads = Math.max(1, navigator.hardwareConcurrency | 0);
    await pkg.initThreadPool(threads);
  }
  engine = new pkg.Engine(isolated);
  await holdLifeLock();
  postMessage(engine.hello());
  for (const message of pending.splice(0)) receive(message);
}

start().catch((error) => {
  postMessage(JSON.stringify({ fatal: { message: String((error && error.message) || error) } }));
});
