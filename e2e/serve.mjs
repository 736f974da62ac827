// A tiny static file server for the e2e suite, so tests control exactly which
// headers a host sends:
//   node serve.mjs --dir ../dist --port 8091 --isolated       COOP/COEP/CORP headers (like `trunk serve`)
//   node serve.mjs --dir ../dist --port 8092                  a plain static host: no headers
//   node serve.mjs --dir ../dist-subpath --port 8093 --base /scalewise/
// Loopback only.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const dir = resolve(option('--dir', '../dist'));
const port = Number(option('--port', '8091'));
const base = option('--base', '/');
const isolated = args.includes('--isolated');

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.png': 'image/png', '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};

createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let path = decodeURIComponent(url.pathname);
  if (!path.startsWith(base)) { res.writeHead(404).end('outside base'); return; }
  path = normalize(path.slice(base.length));
  if (path.startsWith('..')) { res.writeHead(403).end(); return; }
  let file = join(dir, path);
  try { if (statSync(file).isDirectory()) file = join(file, 'index.html'); } catch { /* 404 below */ }
  let size;
  try { size = statSync(file).size; } catch { res.writeHead(404).end('not found'); return; }
  const headers = {
    'Content-Type': types[extname(file)] || 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': 'no-store',
    // The page's CSP is a <meta> tag (it travels with the static site), but
    // frame-ancestors only works as a header: a host that can send headers
    // should send this one (Trunk.toml does for `trunk serve`).
    'Content-Security-Policy': "frame-ancestors 'none'",
  };
  if (isolated) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1', () => {
  console.log(`serving ${dir} at http://127.0.0.1:${port}${base}${isolated ? ' (cross-origin isolated)' : ''}`);
});
