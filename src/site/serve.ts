/**
 * `serveSite()`: what `sdlab serve` / `npm start` runs. Builds the site when site/dist is missing or
 * older than anything it is built from, then serves site/dist with a small static server
 * (`serveBuiltSite()`, for callers that have just built it themselves).
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import { BUILD_STAMP, buildSite, SITE_DIST } from './build.ts';

export interface ServeOptions {
  /** Default 4321; the next free port is used when it is taken. 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  signal?: AbortSignal;
}

export interface ServedSite {
  url: string;
  close(): Promise<void>;
}

/** What the site is built from: a change under any of these makes site/dist stale. */
const SITE_INPUTS = [
  'pocs',
  'content',
  'roadmap',
  'results',
  'site/src',
  'site/public',
  'site/astro.config.mjs',
  'src/site',
  'src/catalog',
  'src/roadmap',
  'src/results',
];
/** Written by the generate step itself: not inputs. */
const GENERATED = ['site/src/content/docs', 'site/src/generated'];

async function newestMtime(root: string, rel: string): Promise<number> {
  const full = path.join(root, rel);
  const info = await stat(full).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(full, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = path.posix.join(rel, entry.name);
    if (GENERATED.includes(child)) continue;
    newest = Math.max(newest, await newestMtime(root, child));
  }
  return newest;
}

/** True when site/dist was never built, or something it is built from changed since. */
export async function isSiteStale(root = REPO_ROOT): Promise<boolean> {
  const built = await stat(path.join(root, 'site', 'dist', BUILD_STAMP)).catch(() => null);
  if (!built) return true;
  for (const input of SITE_INPUTS) if ((await newestMtime(root, input)) > built.mtimeMs) return true;
  return false;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
};

async function resolveFile(dist: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const full = path.join(dist, path.normalize(decoded));
  if (full !== dist && !full.startsWith(dist + path.sep)) return null;
  for (const candidate of [full, path.join(full, 'index.html'), `${full}.html`]) {
    const info = await stat(candidate).catch(() => null);
    if (info?.isFile()) return candidate;
  }
  return null;
}

function handler(dist: string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = await resolveFile(dist, url.pathname);
    let status = 200;
    if (
      file &&
      !url.pathname.endsWith('/') &&
      file.endsWith(`${path.sep}index.html`) &&
      !url.pathname.endsWith('.html')
    ) {
      // /pocs/x → /pocs/x/ so that relative URLs on the page resolve as they will on any static host.
      res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
      return;
    }
    if (!file) {
      status = 404;
      file = path.join(dist, '404.html');
    }
    const info = await stat(file).catch(() => null);
    if (!info) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    res.writeHead(status, {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Builds site/dist when it is stale (or always, with `rebuild`), then serves it. */
export async function serveSite(options: ServeOptions & { rebuild?: boolean } = {}): Promise<ServedSite> {
  if (options.rebuild || (await isSiteStale())) await buildSite();
  return serveBuiltSite(options);
}

/** Serves site/dist as it is: for callers that have just built it. */
export async function serveBuiltSite(options: ServeOptions = {}): Promise<ServedSite> {
  const host = options.host ?? '127.0.0.1';
  options.signal?.throwIfAborted();
  const serve = handler(SITE_DIST);
  const server = createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const first = options.port ?? 4321;
  let port: number | undefined;
  for (let attempt = 0; attempt < 50 && port === undefined; attempt++) {
    try {
      port = await listen(server, first === 0 ? 0 : first + attempt, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || first === 0) throw error;
    }
  }
  if (port === undefined) throw new Error(`no free port from ${first} to ${first + 49} on ${host}`);

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}/`, close };
}
