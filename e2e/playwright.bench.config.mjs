// The browser benchmark (`make bench-browser`, scripts/bench-browser.sh):
// the engine's throughput in Chromium in both thread modes, and the default
// review end to end. Not part of `make test` — the default config's testDir
// is ./tests and these specs live in ./bench. Figures are printed and written
// to bench-results/, never asserted.
import { defineConfig } from '@playwright/test';
import baseConfig from './playwright.config.mjs';

const chromium = baseConfig.use;
// E2E_PORT moves the two servers (default 8191–8192, off the test suite's).
const base = Number(process.env.E2E_PORT || 8191);

const server = (port, flags) => ({
  command: `node serve.mjs --port ${port} ${flags}`,
  url: `http://127.0.0.1:${port}/`,
  reuseExistingServer: false,
  stdout: 'ignore',
});

export default defineConfig({
  testDir: './bench',
  testMatch: /\.bench\.mjs$/,
  outputDir: './test-results-bench',
  timeout: 600_000,
  expect: { timeout: 120_000 },
  fullyParallel: false,
  workers: 1, // a benchmark shares the machine with nothing it starts itself
  reporter: [['list']],
  use: chromium,
  webServer: [
    server(base, '--dir ../dist --isolated'),
    server(base + 1, '--dir ../dist'),
  ],
  projects: [
    // COOP/COEP headers: the threaded engine (mt/) with a pool of
    // navigator.hardwareConcurrency threads.
    { name: 'mt', use: { ...chromium, baseURL: `http://127.0.0.1:${base}/` } },
    // A header-less host with service workers blocked: the single-threaded
    // engine (st/), as on a plain-http LAN address.
    { name: 'st', use: { ...chromium, baseURL: `http://127.0.0.1:${base + 1}/`, serviceWorkers: 'block' } },
  ],
});
