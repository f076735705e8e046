/**
 * The HTTP front: auth, routing, params, idempotency, expand, error envelope, outage simulation,
 * and the (non-Stripe) /__sandbox admin endpoints.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Reply, type Ctx, type Handler } from './context.js';
import { expand } from './lists.js';
import { readerAdmin } from './terminal-readers.js';
import { API_VERSION, fromJson, invalid, parseForm, Params, StripeError, type ErrorBody, type Obj, type Raw, type RawObj } from './wire.js';

export type OutageMode = 'off' | 'refuse' | 'hang' | 'rate_limit' | 'server_error';
const MODES: readonly OutageMode[] = ['off', 'refuse', 'hang', 'rate_limit', 'server_error'];
const MAX_BODY = 1_000_000;

export interface AdminActions {
  settleAll(): number;
}

/**
 * A targeted fault for tests: requests whose `METHOD /path` matches `pattern` are, `times` times,
 * processed and committed but answered by a dropped connection (`lose_answer`: "Stripe did it, the
 * answer was lost"), or refused with a 500 before anything happens (`fail`).
 */
interface Fault {
  pattern: RegExp;
  mode: 'lose_answer' | 'fail';
  times: number;
}

export class SandboxHttp {
  mode: OutageMode = 'off';
  private readonly hung = new Set<ServerResponse>();
  private faults: Fault[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly admin: AdminActions,
  ) {}

  /** Ends every request held by `hang` (on mode change and on stop). */
  releaseHung(): void {
    for (const res of this.hung) res.socket?.destroy();
    this.hung.clear();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (url.pathname.startsWith('/v1/') && this.mode !== 'off') {
      if (this.mode === 'refuse') {
        req.socket.destroy();
        return;
      }
      if (this.mode === 'hang') {
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        req.resume();
        return;
      }
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        if (url.pathname.startsWith('/__sandbox/')) this.handleAdmin(req, res, url, body);
        else this.handleApi(req, res, url, body);
      } catch (err) {
        console.error('stripe-sandbox: internal error', err instanceof Error ? err.message : err);
        if (!res.headersSent)
          send(res, 500, { error: { type: 'api_error', message: 'An unexpected error occurred in the Stripe sandbox.' } }, {});
      }
    });
  }

  private handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const remote = req.socket.remoteAddress ?? '';
    if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) {
      send(res, 403, { error: { type: 'invalid_request_error', message: 'Sandbox admin endpoints answer loopback only.' } }, {});
      return;
    }
    const p = (req.headers['content-type'] ?? '').includes('json') ? fromJson(safeJson(body)) : parseForm(body);
    const key = `${req.method ?? 'GET'} ${url.pathname}`;
    if (key === 'GET /__sandbox/health') {
      send(res, 200, { ok: true, outage: this.mode, api_version: API_VERSION }, {});
    } else if (key === 'POST /__sandbox/faults') {
      // { pattern: regex source matched against "METHOD /v1/path", mode: lose_answer | fail, times } or { mode: off } to clear.
      const { pattern, mode, times } = p;
      if (mode === 'off') {
        this.faults = [];
        send(res, 200, { faults: 0 }, {});
        return;
      }
      const n = Number(times ?? '1');
      if (typeof pattern !== 'string' || (mode !== 'lose_answer' && mode !== 'fail') || !Number.isInteger(n) || n < 1) {
        send(
          res,
          400,
          { error: { type: 'invalid_request_error', message: 'faults need pattern, mode (lose_answer | fail | off) and times >= 1' } },
          {},
        );
        return;
      }
      this.faults.push({ pattern: new RegExp(pattern), mode, times: n });
      send(res, 200, { faults: this.faults.length }, {});
    } else if (key === 'POST /__sandbox/settle') {
      send(res, 200, { settled: this.admin.settleAll() }, {});
    } else if (key === 'POST /__sandbox/outage') {
      const mode = p.mode;
      if (typeof mode !== 'string' || !MODES.includes(mode as OutageMode)) {
        send(res, 400, { error: { type: 'invalid_request_error', message: `mode must be one of ${MODES.join(', ')}`, param: 'mode' } }, {});
        return;
      }
      this.mode = mode as OutageMode;
      if (this.mode !== 'hang') this.releaseHung();
      send(res, 200, { outage: this.mode }, {});
    } else if (/^POST \/__sandbox\/readers\/[^/]+\/(status|customer_cancel)$/.test(key)) {
      // Simulated Terminal readers: take one offline/online, or press Cancel on it (terminal-readers.ts).
      const [, , , id, op] = url.pathname.split('/');
      const out = readerAdmin(this.ctx, decodeURIComponent(id!), op!, p);
      send(res, out.status, out.body, {});
    } else {
      send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized sandbox admin URL (${key}).` } }, {});
    }
  }

  /** Uses up one matching fault, if any. */
  private takeFault(request: string): Fault['mode'] | null {
    const f = this.faults.find((x) => x.times > 0 && x.pattern.test(request));
    if (!f) return null;
    f.times--;
    this.faults = this.faults.filter((x) => x.times > 0);
    return f.mode;
  }

  private handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const { store } = this.ctx;
    const requestId = `req_${randomBytes(10).toString('hex')}`;
    const version = headerStr(req.headers['stripe-version']) ?? API_VERSION;
    const headers: Record<string, string> = { 'Request-Id': requestId, 'Stripe-Version': version };
    const fail = (e: StripeError | Reply): void => {
      const err: ErrorBody = e instanceof Reply ? e.error : e.body;
      err.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`;
      send(res, e.status, { error: err }, headers);
    };
    if (this.mode === 'rate_limit') {
      fail(
        new StripeError(429, {
          type: 'invalid_request_error',
          code: 'rate_limit',
          message: 'Too many requests hit the API too quickly (sandbox rate_limit mode).',
        }),
      );
      return;
    }
    if (this.mode === 'server_error') {
      fail(new StripeError(500, { type: 'api_error', message: 'The Stripe sandbox is simulating a server error.' }));
      return;
    }
    const authErr = authenticate(headerStr(req.headers.authorization));
    if (authErr) {
      fail(new StripeError(401, { type: 'invalid_request_error', message: authErr }));
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    let match: { handler: Handler; path: Record<string, string> } | undefined;
    for (const r of this.ctx.routes) {
      if (r.method !== method) continue;
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      const path: Record<string, string> = {};
      r.keys.forEach((k, i) => (path[k] = decodeURIComponent(m[i + 1]!)));
      match = { handler: r.handler, path };
      break;
    }
    if (!match) {
      fail(
        new StripeError(404, {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        }),
      );
      return;
    }
    const idemKey = method === 'POST' ? headerStr(req.headers['idempotency-key']) : undefined;
    const fault = this.takeFault(`${method} ${url.pathname}`);
    if (fault === 'fail') {
      fail(new StripeError(500, { type: 'api_error', message: 'The Stripe sandbox is simulating a server error for this request.' }));
      return;
    }
    // lose_answer: the request is done and committed as usual; only the answer never arrives.
    const answer = (status: number, body: string, h: Record<string, string>): void => {
      if (fault === 'lose_answer') req.socket.destroy();
      else send(res, status, body, h);
    };
    try {
      const raw: RawObj = method === 'POST' ? parseForm(body) : parseForm(url.search.slice(1));
      const expandPaths = takeExpand(raw);
      const endpoint = `${method} ${url.pathname}`;
      const hash = createHash('sha256')
        .update(canonical(raw) + '|' + expandPaths.join(','))
        .digest('hex');
      if (idemKey !== undefined) {
        if (idemKey.length > 255) throw idemError('Idempotency-Key must be at most 255 characters long.');
        const prior = store.idem(idemKey);
        if (prior) {
          if (prior.endpoint !== endpoint) {
            throw idemError(
              `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${prior.endpoint}' vs '${endpoint}'). Try using a key other than '${idemKey}' if you meant to execute a different request.`,
            );
          }
          if (prior.params_hash !== hash) {
            throw idemError(
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`,
            );
          }
          answer(prior.status, prior.body, { ...headers, 'Idempotent-Replayed': 'true' });
          return;
        }
      }
      const handler = match.handler;
      const path = match.path;
      const out = store.tx(() => {
        store.request = { id: requestId, idempotency_key: idemKey ?? null };
        try {
          const params = new Params(raw);
          const result = handler({ params, path, url: url.pathname });
          let status = 200;
          let payload: Obj;
          if (result instanceof Reply) {
            status = result.status;
            result.error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`;
            payload = { error: result.error as unknown as Obj };
          } else {
            params.done();
            payload = expand(store, structuredClone(result), expandPaths);
          }
          const text = JSON.stringify(payload, null, 2);
          if (idemKey !== undefined) store.saveIdem(idemKey, { endpoint, params_hash: hash, status, body: text });
          return { status, text };
        } finally {
          store.request = { id: null, idempotency_key: null };
        }
      });
      answer(out.status, out.text, headers);
    } catch (err) {
      if (err instanceof StripeError) fail(err);
      else throw err;
    }
  }
}

function idemError(message: string): StripeError {
  return new StripeError(400, { type: 'idempotency_error', message });
}

function takeExpand(raw: RawObj): string[] {
  const v: Raw | undefined = raw.expand;
  delete raw.expand;
  if (v === undefined || v === '') return [];
  const arr = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (!arr || arr.some((x) => typeof x !== 'string' || x.length > 500))
    throw invalid('Invalid expand: must be an array of strings.', 'expand');
  if (arr.length > 100) throw invalid('You can expand at most 100 properties.', 'expand');
  return arr as string[];
}

function canonical(v: Raw): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`)
    .join(',')}}`;
}

function authenticate(header: string | undefined): string | undefined {
  if (!header) {
    return "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) {
    return "Invalid Authorization header. You need to provide your API key using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";
  }
  const key = m[1]!;
  if (key.startsWith('pk_'))
    return 'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.';
  if (!/^sk_test_[A-Za-z0-9_]+$/.test(key)) {
    const shown = key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(4)}${key.slice(-4)}` : '****';
    return `Invalid API Key provided: ${shown}. The offline Stripe sandbox accepts only test secret keys (sk_test_...).`;
  }
  return undefined;
}

function headerStr(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function safeJson(s: string): unknown {
  try {
    return s ? (JSON.parse(s) as unknown) : {};
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, no-store',
  });
  res.end(text);
}
