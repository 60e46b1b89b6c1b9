/**
 * Browser mode: the same renderer and the same services over HTTP on 127.0.0.1 only. Every API
 * call must carry the per-launch token (handed to the page in the URL fragment, which browsers never
 * send to servers or put in Referer headers), come from this server's own Origin, and name this
 * server as Host (so a DNS-rebinding page cannot reach it). Static files hold no secrets.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, normalize, resolve, sep } from 'node:path';
import type { WorkbenchApi } from './api.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { createDispatcher } from './dispatch.js';

export interface WebServerOptions {
  readonly api: WorkbenchApi;
  /** The built renderer (index.html, app.js, …). */
  readonly staticDir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly token?: string;
}

export interface WebServer {
  /** Open this in a browser: it carries the token in its fragment. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-cwb-token';
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const dispatch = createDispatcher(options.api);
  const root = resolve(options.staticDir);
  let origin = '';
  let host = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `Internal error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== host) return send(res, 421, 'text/plain; charset=utf-8', 'Wrong host.');
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path === '/api/call') return handleCall(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
    return serveStatic(path, res);
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
    if (req.headers.origin !== origin) return refuse(res, 'Calls are accepted only from the workbench page itself.');
    const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
    if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) return refuse(res, 'Missing or wrong access token: open the address the workbench printed when it started.');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'text/plain; charset=utf-8', 'Expected JSON.');
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      const tooBig = err instanceof BodyTooLarge;
      return send(res, tooBig ? 413 : 400, 'text/plain; charset=utf-8', tooBig ? 'The request is too large.' : 'The request is not valid JSON.');
    }
    const call = body as { method?: unknown; args?: unknown };
    const outcome = await dispatch(call?.method, call?.args);
    send(res, 200, 'application/json', JSON.stringify(outcome), { 'cache-control': 'no-store' });
  }

  async function serveStatic(path: string, res: ServerResponse): Promise<void> {
    const rel = path === '/' ? 'index.html' : decodeURIComponent(path).replace(/^\/+/, '');
    const file = resolve(root, normalize(rel));
    const type = CONTENT_TYPES[extname(file).toLowerCase()];
    if (!file.startsWith(root + sep) || !type) return send(res, 404, 'text/plain; charset=utf-8', 'Not found.');
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return send(res, 404, 'text/plain; charset=utf-8', 'Not found.');
    }
    send(res, 200, type, content, { 'cache-control': 'no-cache' });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  host = `${HOST}:${port}`;
  origin = `http://${host}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: () => new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
}

function refuse(res: ServerResponse, message: string): void {
  send(res, 403, 'application/json', JSON.stringify({ ok: false, error: { code: 'bad-request', message } }));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
  res.end(body);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
