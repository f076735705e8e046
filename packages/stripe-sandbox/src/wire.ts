/**
 * Stripe's wire conventions: form-encoded nested parameters, the error envelope, and a small
 * parameter reader that names the offending param in every 400 and refuses unknown params.
 */
import { randomBytes } from 'node:crypto';

export type Json = undefined | null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };
export type Raw = string | Raw[] | { [k: string]: Raw };
export type RawObj = { [k: string]: Raw };

export const API_VERSION = '2026-10-28.endive';
const DOCS = 'https://stripe.com/docs/error-codes';

export interface ErrorBody {
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  payment_intent?: Obj;
  setup_intent?: Obj;
  payment_method?: Obj;
  charge?: string;
  doc_url?: string;
  request_log_url?: string;
}

/** A Stripe API error; throwing it rolls back everything the request wrote. */
export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

export function invalid(message: string, param?: string, code?: string): StripeError {
  const body: ErrorBody = { type: 'invalid_request_error', message };
  if (code) {
    body.code = code;
    body.doc_url = `${DOCS}/${code.replace(/_/g, '-')}`;
  }
  if (param !== undefined) body.param = param;
  return new StripeError(400, body);
}

export function notFound(label: string, id: string, param = 'id'): StripeError {
  return new StripeError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    doc_url: `${DOCS}/resource-missing`,
    message: `No such ${label}: '${id}'`,
    param,
  });
}

export function docUrl(code: string): string {
  return `${DOCS}/${code.replace(/_/g, '-')}`;
}

export function randomId(prefix: string, len = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(len);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return `${prefix}_${s}`;
}

/** Parses `a[b][0]=x&a[c][]=y` (form bodies and query strings) into nested objects and arrays. */
export function parseForm(text: string): RawObj {
  const root: RawObj = {};
  if (!text) return root;
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? '' : part.slice(eq + 1);
    const key = decode(rawKey);
    const value = decode(rawVal);
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) throw invalid(`Invalid parameter name: ${key}`, key);
    const segs = [m[1]!, ...[...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    assign(root, segs, value, key);
  }
  return compact(root) as RawObj;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw invalid(`Invalid URL encoding: ${s.slice(0, 50)}`);
  }
}

type Node = RawObj | Raw[];
function assign(root: RawObj, segs: string[], value: string, key: string): void {
  let cur: Node = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    const nextSeg = segs[i + 1];
    const makeChild = (): Node => (nextSeg === '' || (nextSeg !== undefined && /^\d+$/.test(nextSeg)) ? [] : {});
    if (Array.isArray(cur)) {
      let idx: number;
      if (seg === '') {
        // `a[][b]=1&a[][c]=2` fills one element until a key repeats.
        const tail = cur[cur.length - 1];
        const reuse =
          !last &&
          nextSeg !== undefined &&
          nextSeg !== '' &&
          tail !== undefined &&
          typeof tail === 'object' &&
          !Array.isArray(tail) &&
          !(nextSeg in tail);
        idx = reuse ? cur.length - 1 : cur.length;
      } else if (/^\d+$/.test(seg) && Number(seg) < 10_000) idx = Number(seg);
      else throw invalid(`Invalid array index in ${key}`, key);
      if (last) {
        cur[idx] = value;
        return;
      }
      const existing: Raw | undefined = cur[idx];
      if (existing === undefined) cur[idx] = makeChild();
      else if (typeof existing === 'string') throw invalid(`Invalid parameter: ${key}`, key);
      cur = cur[idx] as Node;
    } else {
      if (seg === '' || seg === '__proto__') throw invalid(`Invalid parameter name: ${key}`, key);
      if (last) {
        if (typeof cur[seg] === 'object') throw invalid(`Invalid parameter: ${key}`, key);
        cur[seg] = value;
        return;
      }
      const existing: Raw | undefined = cur[seg];
      if (existing === undefined) cur[seg] = makeChild();
      else if (typeof existing === 'string') throw invalid(`Invalid parameter: ${key}`, key);
      cur = cur[seg] as Node;
    }
  }
}

function compact(v: Raw): Raw {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact);
  const out: RawObj = {};
  for (const [k, x] of Object.entries(v)) out[k] = compact(x);
  return out;
}

/** Converts a JSON body (used only by the admin endpoints) to the same shape. */
export function fromJson(v: unknown): RawObj {
  const conv = (x: unknown): Raw =>
    Array.isArray(x)
      ? x.map(conv)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, conv(y)]))
        : x === null
          ? ''
          : String(x);
  const r = conv(v);
  return typeof r === 'object' && !Array.isArray(r) ? r : {};
}

export const CURRENCIES = new Set(
  (
    'usd eur gbp cad aud nzd jpy chf sek nok dkk pln czk huf ron bgn mxn brl sgd hkd inr ' + 'zar ils aed thb myr php idr krw twd cny try'
  ).split(' '),
);

interface StrOpts {
  required?: boolean;
  max?: number;
  oneOf?: readonly string[];
  empty?: boolean;
}

/** Reads request params; remembers which were used so unknown ones are refused with their name. */
export class Params {
  private used = new Set<string>();
  private children: Params[] = [];
  constructor(
    readonly raw: RawObj,
    private readonly prefix = '',
  ) {}

  name(k: string): string {
    return this.prefix ? `${this.prefix}[${k}]` : k;
  }
  has(k: string): boolean {
    return this.raw[k] !== undefined;
  }
  /** true when sent as the empty string (Stripe's "unset"). */
  isEmpty(k: string): boolean {
    return this.raw[k] === '';
  }
  private take(k: string): Raw | undefined {
    this.used.add(k);
    return this.raw[k];
  }
  ignore(...keys: string[]): void {
    for (const k of keys) this.used.add(k);
  }

  str(k: string, o: StrOpts = {}): string | undefined {
    const v = this.take(k);
    if (v === undefined || (v === '' && !o.required && !o.empty)) {
      if (o.required) throw invalid(`Missing required param: ${this.name(k)}.`, this.name(k), 'parameter_missing');
      return undefined;
    }
    if (typeof v !== 'string') throw invalid(`Invalid string: ${this.name(k)} must be a string.`, this.name(k));
    if (v === '' && o.required) throw invalid(`Missing required param: ${this.name(k)}.`, this.name(k), 'parameter_missing');
    const max = o.max ?? 5000;
    if (v.length > max) {
      throw invalid(`Invalid string: ${v.slice(0, 10)}...; must be at most ${max} characters`, this.name(k), 'string_length_exceeded');
    }
    if (o.oneOf && !o.oneOf.includes(v)) {
      throw invalid(`Invalid ${this.name(k)}: must be one of ${o.oneOf.join(', ')}`, this.name(k), 'parameter_invalid_string_enum');
    }
    return v;
  }
  reqStr(k: string, o: Omit<StrOpts, 'required'> = {}): string {
    return this.str(k, { ...o, required: true })!;
  }

  int(k: string, o: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.take(k);
    if (v === undefined || v === '') {
      if (o.required) throw invalid(`Missing required param: ${this.name(k)}.`, this.name(k), 'parameter_missing');
      return undefined;
    }
    if (typeof v !== 'string' || !/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
      throw invalid(`Invalid integer: ${typeof v === 'string' ? v.slice(0, 40) : 'object'}`, this.name(k), 'parameter_invalid_integer');
    }
    const n = Number(v);
    if (o.min !== undefined && n < o.min)
      throw invalid(`This value must be greater than or equal to ${o.min}.`, this.name(k), 'parameter_invalid_integer');
    if (o.max !== undefined && n > o.max)
      throw invalid(`This value must be less than or equal to ${o.max}.`, this.name(k), 'parameter_invalid_integer');
    return n;
  }

  bool(k: string): boolean | undefined {
    const v = this.take(k);
    if (v === undefined || v === '') return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalid(`Invalid boolean: ${typeof v === 'string' ? v.slice(0, 20) : 'object'}`, this.name(k), 'parameter_invalid_boolean');
  }

  currency(k: string, required = false): string | undefined {
    const v = this.str(k, { required, max: 3 + 100 })?.toLowerCase();
    if (v !== undefined && !CURRENCIES.has(v)) {
      throw invalid(
        `Invalid currency: ${v}. Stripe currently supports these currencies: ${[...CURRENCIES].join(', ')}`,
        this.name(k),
        'parameter_invalid_string',
      );
    }
    return v;
  }

  /** A nested hash param, or undefined; `''` (unset) also gives undefined. */
  obj(k: string, required = false): Params | undefined {
    const v = this.take(k);
    if (v === undefined || v === '') {
      if (required) throw invalid(`Missing required param: ${this.name(k)}.`, this.name(k), 'parameter_missing');
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`Invalid object: ${this.name(k)} must be a hash.`, this.name(k));
    const child = new Params(v, this.name(k));
    this.children.push(child);
    return child;
  }

  strArray(k: string, o: { max?: number; oneOf?: readonly string[] } = {}): string[] | undefined {
    const v = this.take(k);
    if (v === undefined || v === '') return undefined;
    const arr = typeof v === 'string' ? null : Array.isArray(v) ? v : null;
    if (!arr || arr.some((x) => typeof x !== 'string'))
      throw invalid(`Invalid array: ${this.name(k)} must be an array of strings.`, this.name(k));
    if (o.max !== undefined && arr.length > o.max) throw invalid(`${this.name(k)} can have at most ${o.max} entries.`, this.name(k));
    for (const x of arr as string[]) {
      if (x.length > 5000) throw invalid(`Invalid string in ${this.name(k)}`, this.name(k));
      if (o.oneOf && !o.oneOf.includes(x)) throw invalid(`Invalid ${this.name(k)}: ${x} is not one of ${o.oneOf.join(', ')}`, this.name(k));
    }
    return arr as string[];
  }

  /** metadata: undefined = untouched, null = cleared, else the keys to merge ('' deletes a key). */
  metadata(k = 'metadata'): Record<string, string> | null | undefined {
    const v = this.take(k);
    if (v === undefined) return undefined;
    if (v === '') return null;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid metadata: must be a hash of string keys and values.', k);
    const out: Record<string, string> = {};
    const entries = Object.entries(v);
    if (entries.length > 50) throw invalid('Invalid metadata: at most 50 keys.', k);
    for (const [mk, mv] of entries) {
      if (typeof mv !== 'string') throw invalid(`Invalid metadata[${mk}]: must be a string.`, `${k}[${mk}]`);
      if (mk.length > 40) throw invalid(`Metadata keys can have at most 40 characters (${mk.slice(0, 50)}).`, `${k}[${mk}]`);
      if (mv.length > 500) throw invalid(`Metadata values can have at most 500 characters (${mk}).`, `${k}[${mk}]`);
      out[mk] = mv;
    }
    return out;
  }

  /** Throws parameter_unknown for the first param no handler asked for. */
  done(): void {
    for (const k of Object.keys(this.raw)) {
      if (!this.used.has(k)) throw invalid(`Received unknown parameter: ${this.name(k)}`, this.name(k), 'parameter_unknown');
    }
    for (const c of this.children) c.done();
  }
}

export function mergeMetadata(current: Json, patch: Record<string, string> | null | undefined): Obj {
  const base: Obj = current && typeof current === 'object' && !Array.isArray(current) ? { ...current } : {};
  if (patch === undefined) return base;
  if (patch === null) return {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete base[k];
    else base[k] = v;
  }
  return base;
}

export function address(p: Params | undefined, current?: Json): Obj {
  const cur = current && typeof current === 'object' && !Array.isArray(current) ? current : {};
  const out: Obj = {};
  for (const k of ['city', 'country', 'line1', 'line2', 'postal_code', 'state']) {
    const v = p?.has(k) ? (p.str(k, { max: 200, empty: true }) ?? '') : undefined;
    out[k] = v === undefined ? (cur[k] ?? null) : v === '' ? null : v;
  }
  return out;
}

/** The changed top-level keys' old values, for `data.previous_attributes` on *.updated events. */
export function previousAttributes(before: Obj, after: Obj): Obj {
  const prev: Obj = {};
  for (const k of Object.keys(after)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) prev[k] = before[k] ?? null;
  }
  return prev;
}
