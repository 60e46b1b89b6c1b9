/** Browser mode's HTTP server: the token, Origin and Host checks, static files, error bodies. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type WorkbenchApi } from '../../services/api.js';
import { CONTENT_SECURITY_POLICY } from '../../services/csp.js';
import { startWebServer, type WebServer } from '../../services/web-server.js';

const calls: unknown[][] = [];
const fakeApi = {
  async listProjects() { calls.push(['listProjects']); return [{ name: 'A', modifiedAt: '2026-01-01T00:00:00.000Z', bytes: 1 }]; },
  async getProject(id: string) { calls.push(['getProject', id]); throw new ApiError('not-found', `no project ${id}`); },
  async checkModel() { throw new Error('boom'); },
} as unknown as WorkbenchApi;

let server: WebServer;
let staticDir: string;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'cwb-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>cwb</title>');
  writeFileSync(join(staticDir, 'app.js'), 'console.log(1)');
  server = await startWebServer({ api: fakeApi, staticDir });
});
afterAll(async () => {
  await server.close();
  rmSync(staticDir, { recursive: true, force: true });
});

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw HTTP request, so tests control every header (fetch would add or forbid some). */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const { port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const call = (method: string, args: unknown[], headers: Record<string, string> = {}) => raw('/api/call', {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: server.origin, 'x-cwb-token': server.token, ...headers },
  body: JSON.stringify({ method, args }),
});

describe('web server', () => {
  it('listens on 127.0.0.1 only and hands out the token in the URL fragment', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers a call that has the token, its own Origin and Host', async () => {
    const reply = await call('listProjects', []);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: [{ name: 'A', modifiedAt: '2026-01-01T00:00:00.000Z', bytes: 1 }] });
  });

  it('refuses calls without the token, with a wrong one, or from another Origin, without running them', async () => {
    const before = calls.length;
    expect((await call('listProjects', [], { 'x-cwb-token': '' })).status).toBe(403);
    expect((await call('listProjects', [], { 'x-cwb-token': `${server.token.slice(0, -1)}x` })).status).toBe(403);
    expect((await call('listProjects', [], { origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('listProjects', [], { origin: 'null' })).status).toBe(403);
    const noOrigin = await raw('/api/call', { method: 'POST', headers: { 'content-type': 'application/json', 'x-cwb-token': server.token }, body: '{"method":"listProjects","args":[]}' });
    expect(noOrigin.status).toBe(403);
    expect(calls.length).toBe(before);
  });

  it('refuses a request for another Host name (DNS rebinding)', async () => {
    const reply = await call('listProjects', [], { host: `evil.example:${new URL(server.origin).port}` });
    expect(reply.status).toBe(421);
  });

  it('refuses unknown methods and malformed bodies with typed errors', async () => {
    expect(JSON.parse((await call('constructor', [])).body)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.parse((await call('listProjects', 'x' as unknown as unknown[])).body)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const bad = await raw('/api/call', { method: 'POST', headers: { 'content-type': 'application/json', origin: server.origin, 'x-cwb-token': server.token }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect((await raw('/api/call', { headers: { origin: server.origin, 'x-cwb-token': server.token } })).status).toBe(405);
  });

  it('passes service errors on as typed error bodies, never stack traces', async () => {
    expect(JSON.parse((await call('getProject', ['p1'])).body)).toEqual({ ok: false, error: { code: 'not-found', message: 'no project p1' } });
    const internal = JSON.parse((await call('checkModel', ['x'])).body);
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(internal.error.message).not.toMatch(/\bat\s+\S+\s+\(/);
  });

  it('serves the renderer with the CSP and other security headers, and nothing outside its folder', async () => {
    const index = await raw('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect((await raw('/app.js')).body).toBe('console.log(1)');
    expect((await raw('/../package.json')).status).toBe(404);
    expect((await raw('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await raw('/missing.js')).status).toBe(404);
  });
});

describe('renderer page', () => {
  it("carries the same CSP in its meta tag as the servers send (frame-ancestors only works as a header)", async () => {
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    const header = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(meta).toBe(header);
  });
});
