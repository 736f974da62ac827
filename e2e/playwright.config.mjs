// The e2e suite runs against release builds in dist/ (and dist-subpath/,
// built with --public-url /scalewise/): `make test` builds them first.
import { defineConfig } from '@playwright/test';

const chromium = {
  browserName: 'chromium',
  launchOptions: {
    // Debian's Chromium: Playwright's own browser download cannot work here.
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  },
  viewport: { width: 1280, height: 720 },
  headless: true,
};

// Ports 8091–8093 unless E2E_PORT sets the first (several checkouts can then
// run their suites side by side).
const base = Number(process.env.E2E_PORT || 8091);
const ports = [base, base + 1, base + 2];

const server = (port, flags) => ({
  command: `node serve.mjs --port ${port} ${flags}`,
  url: `http://127.0.0.1:${port}${flags.includes('--base') ? '/scalewise/' : '/'}`,
  reuseExistingServer: false,
  stdout: 'ignore',
});

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1, // 2 cores: the engine's thread pool needs them more than the test runner does
  reporter: [['list']],
  use: chromium,
  webServer: [
    server(ports[0], '--dir ../dist --isolated'),
    server(ports[1], '--dir ../dist'),
    server(ports[2], '--dir ../dist-subpath --isolated --base /scalewise/'),
  ],
  projects: [
    { name: 'isolated', use: { ...chromium, baseURL: `http://127.0.0.1:${ports[0]}/` }, testIgnore: /plain|subpath|service-worker/ },
    { name: 'plain', use: { ...chromium, baseURL: `http://127.0.0.1:${ports[1]}/`, serviceWorkers: 'block' }, testMatch: /plain\.spec|limits\.spec/ },
    // The same header-less host, service workers allowed: ours adds the headers.
    { name: 'service-worker', use: { ...chromium, baseURL: `http://127.0.0.1:${ports[1]}/` }, testMatch: /service-worker/ },
    { name: 'subpath', use: { ...chromium, baseURL: `http://127.0.0.1:${ports[2]}/scalewise/` }, testMatch: /subpath/ },
  ],
});
