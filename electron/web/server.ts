/**
 * The browser preview: the built renderer on 127.0.0.1 with the same main-process services behind
 * the same contract, over HTTP (calls) and WebSocket (events). For development and end-to-end tests;
 * not part of the Electron build.
 *
 *   npm run web -- --port 5180 --data-dir .data/preview
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { startKiosk, type Kiosk, type KioskOptions } from '../main/composition';
import { consoleLogger, type Logger } from '../main/services/logger';
import { createConfStore } from '../main/services/settings/conf-store';
import { SettingsService } from '../main/services/settings/settings-service';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAX_BODY = 64 * 1024;
const COOKIE = 'kiosk_caller';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface PreviewOptions {
  port: number;
  dataDir: string;
  host?: string;
  rendererDir?: string;
  log?: Logger;
  env?: Record<string, string | undefined>;
  /**
   * Tests only: talk to a Stripe stand-in outside the preview (live mode against a sandbox).
   * startKiosk honours it with an sk_test_ key only.
   */
  stripeEndpoint?: KioskOptions['stripeEndpoint'];
}

export interface Preview {
  url: string;
  kiosk: Kiosk;
  close(): Promise<void>;
}

export async function startPreview(opts: PreviewOptions): Promise<Preview> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? consoleLogger('preview');
  const rendererDir = opts.rendererDir ?? join(ROOT, 'out', 'renderer');
  const env = opts.env ?? process.env;
  const settings = new SettingsService(createConfStore(opts.dataDir), env);
  const publishableKey = env['STRIPE_PUBLISHABLE_KEY'];
  if (publishableKey) settings.update({ stripePublishableKey: publishableKey });
  const kiosk = await startKiosk({
    dataDir: opts.dataDir,
    resourcesDir: join(ROOT, 'resources'),
    settings,
    log,
    version: 'preview',
    ...(opts.stripeEndpoint ? { stripeEndpoint: opts.stripeEndpoint } : {}),
  });
  const bridge = await bundleBridge();
  let origin = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('preview request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) return api(req, res, decodeURIComponent(url.pathname.slice(5)));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    if (url.pathname === '/__bridge.js') return send(res, 200, TYPES['.js']!, bridge);
    return serveStatic(req, res, url.pathname);
  }

  async function api(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    // Same check the Electron handler makes on the sender frame: only our own page may call.
    if (req.headers.origin !== origin)
      return json(res, 403, {
        ok: false,
        error: { code: 'forbidden', reason: 'not_allowed', message: 'Calls are accepted from the kiosk page only.' },
      });
    const callerId = callerOf(req);
    if (!callerId)
      return json(res, 401, {
        ok: false,
        error: { code: 'unauthenticated', reason: 'session_expired', message: 'Reload the page to start a session.' },
      });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch (err) {
      const message = err instanceof BodyTooLarge ? 'The request is too large.' : 'The request is not valid JSON.';
      return json(res, 400, { ok: false, error: { code: 'invalid_request', message } });
    }
    json(res, 200, await kiosk.dispatcher.dispatch(callerId, channel, body));
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const file = resolve(rendererDir, rel === '' ? 'index.html' : rel);
    if (!file.startsWith(rendererDir + sep) && file !== rendererDir) return send(res, 404, 'text/plain', 'not found');
    let content: Buffer;
    let type = TYPES[extname(file)] ?? 'application/octet-stream';
    try {
      content = await readFile(file);
    } catch {
      if (extname(rel) !== '') return send(res, 404, 'text/plain', 'not found');
      content = await readFile(join(rendererDir, 'index.html'));
      type = TYPES['.html']!;
    }
    if (type === TYPES['.html']) {
      if (!callerOf(req))
        res.setHeader('Set-Cookie', `${COOKIE}=${randomBytes(18).toString('base64url')}; HttpOnly; SameSite=Strict; Path=/`);
      content = Buffer.from(content.toString('utf8').replace('<script', '<script src="/__bridge.js"></script>\n    <script'));
    }
    send(res, 200, type, content);
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const callerId = callerOf(req);
    if (new URL(req.url ?? '/', origin).pathname !== '/__events' || req.headers.origin !== origin || !callerId) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const disconnect = kiosk.events.connect(callerId, (channel, payload) => ws.send(JSON.stringify({ channel, payload })));
      ws.on('close', disconnect);
    });
  });

  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(opts.port, host, done);
    });
  } catch (err) {
    await kiosk.stop();
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `Port ${opts.port} on ${host} is already in use. Choose another with --port.` : String(err));
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  origin = `http://${host}:${port}`;

  return {
    url: origin,
    kiosk,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await kiosk.stop();
    },
  };
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function callerOf(req: IncomingMessage): string | null {
  const match = /(?:^|;\s*)kiosk_caller=([A-Za-z0-9_-]{16,64})/.exec(req.headers.cookie ?? '');
  return match?.[1] ? `preview:${match[1]}` : null;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

async function bundleBridge(): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, 'electron', 'web', 'bridge-client.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}
