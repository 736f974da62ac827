// Trunk post_build hook: puts the engine worker into the staging directory and
// writes the Content-Security-Policy.
//
// The CSP is a <meta> tag so that it travels with the static site to any host.
// Trunk's loader is an inline module script; rather than allowing inline
// script, we allow exactly that script by its SHA-256 hash.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run me from Trunk');
const root = new URL('..', import.meta.url).pathname;

const engineDir = join(staging, 'engine');
mkdirSync(engineDir, { recursive: true });
cpSync(join(root, 'target/engine-pkg/mt'), join(engineDir, 'mt'), { recursive: true });
cpSync(join(root, 'target/engine-pkg/st'), join(engineDir, 'st'), { recursive: true });
cpSync(join(root, 'app/engine/js/worker.js'), join(engineDir, 'worker.js'));

const indexPath = join(staging, 'index.html');
let html = readFileSync(indexPath, 'utf8');
const hashes = [];
for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
  hashes.push(`'sha256-${createHash('sha256').update(match[1], 'utf8').digest('base64')}'`);
}
const csp = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets WebAssembly compile; nothing else may eval.
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${csp}">`;
// Right after the charset declaration (minified or not), before any script.
const charset = /<meta charset=["']?utf-8["']?\s*\/?>/i;
if (!charset.test(html)) throw new Error('index.html has no <meta charset=utf-8>: cannot place the CSP');
html = html.replace(charset, (m) => `${m}${meta}`);
writeFileSync(indexPath, html);
