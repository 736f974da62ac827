// The Content-Security-Policy the page ships with, read from the served
// page: no inline script but Trunk's loader (by hash), no eval beyond what
// WebAssembly needs, no connections but to our origin. (That no violation
// and no request leaving the origin happens is asserted for every test by
// fixtures.mjs.)
import { createHash } from 'node:crypto';
import { test, expect, openWorkbench } from './fixtures.mjs';

function directives(policy) {
  const map = new Map();
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    map.set(name.toLowerCase(), values);
  }
  return map;
}

test('the CSP forbids inline script, eval and foreign connections', async ({ page, request }) => {
  await openWorkbench(page);
  const metas = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(metas).toHaveCount(1);
  const csp = directives(await metas.getAttribute('content'));

  expect(csp.get('default-src')).toEqual(["'self'"]);
  const scripts = csp.get('script-src');
  expect(scripts).toContain("'self'");
  expect(scripts).toContain("'wasm-unsafe-eval'");
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(scripts).not.toContain("'unsafe-eval'");
  expect(scripts).not.toContain("'strict-dynamic'");
  // Nothing else: no hosts, no schemes, only hashes of known inline scripts.
  const hashes = scripts.filter((s) => s.startsWith("'sha256-"));
  expect(scripts.filter((s) => !["'self'", "'wasm-unsafe-eval'"].includes(s) && !s.startsWith("'sha256-"))).toEqual([]);

  // Every allowed hash is an inline script of the served page, and every
  // inline script is allowed (none would run otherwise, and the fixtures
  // would see the violation).
  const html = await (await request.get('./')).text();
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  expect(inline.sort()).toEqual([...hashes].sort());

  expect(csp.get('connect-src')).toEqual(["'self'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'self'"]);
  expect(csp.get('form-action')).toEqual(["'none'"]);
  for (const [name, values] of csp) {
    for (const value of values) {
      expect(value, `${name} allows a foreign origin`).not.toMatch(/^(https?:|\*|wss?:)/);
    }
  }
  // A <meta> CSP cannot carry frame-ancestors (browsers ignore it there);
  // the host sends it as a header instead (e2e/serve.mjs, Trunk.toml).
  expect(csp.has('frame-ancestors')).toBe(false);
  const response = await request.get('./');
  expect(response.headers()['content-security-policy']).toBe("frame-ancestors 'none'");
});
