/** List pagination, the search query language, and `expand`. */
import type { Store } from './store.js';
import { invalid, type Json, type Obj, type Params } from './wire.js';

/** `{object:'list', ...}` page over newest-first items, with starting_after / ending_before. */
export function paginate(p: Params, items: Obj[], url: string): Obj {
  const limit = p.int('limit', { min: 1, max: 100 }) ?? 10;
  const after = p.str('starting_after', { max: 255 });
  const before = p.str('ending_before', { max: 255 });
  if (after && before) throw invalid('You may only specify one of these parameters: starting_after, ending_before.', 'ending_before');
  let data: Obj[];
  let hasMore: boolean;
  if (after) {
    const i = items.findIndex((o) => o.id === after);
    if (i < 0) throw invalid(`Invalid starting_after id: ${after}`, 'starting_after', 'resource_missing');
    const rest = items.slice(i + 1);
    data = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (before) {
    const i = items.findIndex((o) => o.id === before);
    if (i < 0) throw invalid(`Invalid ending_before id: ${before}`, 'ending_before', 'resource_missing');
    const newer = items.slice(0, i);
    data = newer.slice(Math.max(0, newer.length - limit));
    hasMore = newer.length > limit;
  } else {
    data = items.slice(0, limit);
    hasMore = items.length > limit;
  }
  return { object: 'list', data, has_more: hasMore, url };
}

/** A list with no filters but pagination (and maybe a customer): paged by the store in SQL. */
export function pageFromStore(p: Params, store: Store, type: string, customer: string | undefined, url: string): Obj {
  const limit = p.int('limit', { min: 1, max: 100 }) ?? 10;
  const after = p.str('starting_after', { max: 255 });
  const before = p.str('ending_before', { max: 255 });
  if (after && before) throw invalid('You may only specify one of these parameters: starting_after, ending_before.', 'ending_before');
  const page = store.page(type, customer, limit, after, before);
  if (!page) {
    const param = after ? 'starting_after' : 'ending_before';
    throw invalid(`Invalid ${param} id: ${after ?? before}`, param, 'resource_missing');
  }
  return { object: 'list', data: page.data, has_more: page.hasMore, url };
}

/** Applies `created[gt|gte|lt|lte]` or `created=<n>` to a list. */
export function createdFilter(p: Params, items: Obj[]): Obj[] {
  if (!p.has('created')) return items;
  const raw = p.raw.created;
  if (typeof raw === 'string') {
    const n = p.int('created')!;
    return items.filter((o) => o.created === n);
  }
  const c = p.obj('created')!;
  const gt = c.int('gt'),
    gte = c.int('gte'),
    lt = c.int('lt'),
    lte = c.int('lte');
  return items.filter((o) => {
    const t = o.created as number;
    return (
      (gt === undefined || t > gt) && (gte === undefined || t >= gte) && (lt === undefined || t < lt) && (lte === undefined || t <= lte)
    );
  });
}

interface Clause {
  path: string[];
  value: string;
  negate: boolean;
  op: ':' | '~';
}

/** `field:'value'` clauses joined by AND or OR (Stripe forbids mixing them). */
export function parseQuery(q: string, fields: readonly string[]): { clauses: Clause[]; joiner: 'AND' | 'OR' } {
  const clauses: Clause[] = [];
  const joiners = new Set<string>();
  const re = /\s*(-?)([a-z_]+(?:\[(?:'[^']*'|"[^"]*")\])?)\s*([:~])\s*(?:'([^']*)'|"([^"]*)"|([^\s'"]+))\s*(?:(AND|OR)(?=\s)|$)/iy;
  let pos = 0;
  while (pos < q.length) {
    re.lastIndex = pos;
    const m = re.exec(q);
    if (!m || m[0].length === 0) throw invalid(`Invalid search query: ${q.slice(0, 200)}`, 'query');
    const field = m[2]!;
    const meta = /^metadata\[(?:'([^']*)'|"([^"]*)")\]$/.exec(field);
    const path = meta ? ['metadata', (meta[1] ?? meta[2])!] : [field];
    if (!meta && !fields.includes(field)) throw invalid(`Field \`${field}\` is an unsupported search field for this resource.`, 'query');
    clauses.push({ path, value: m[4] ?? m[5] ?? m[6] ?? '', negate: m[1] === '-', op: m[3] as ':' | '~' });
    if (m[7]) joiners.add(m[7].toUpperCase());
    pos = re.lastIndex;
  }
  if (clauses.length === 0) throw invalid('Missing required param: query.', 'query', 'parameter_missing');
  if (joiners.size > 1) throw invalid('Search queries cannot mix AND and OR.', 'query');
  return { clauses, joiner: joiners.has('OR') ? 'OR' : 'AND' };
}

function matches(o: Obj, c: Clause): boolean {
  let v: Json | undefined = o;
  for (const k of c.path) v = v && typeof v === 'object' && !Array.isArray(v) ? v[k] : undefined;
  const actual = v === null || v === undefined ? '' : String(v);
  const hit = c.op === '~' ? actual.toLowerCase().includes(c.value.toLowerCase()) : actual.toLowerCase() === c.value.toLowerCase();
  return c.negate ? !hit : hit;
}

/** `{object:'search_result', ...}` with a `page` cursor (an opaque offset). */
export function search(p: Params, items: Obj[], url: string, fields: readonly string[]): Obj {
  const query = p.reqStr('query', { max: 10_000 });
  const limit = p.int('limit', { min: 1, max: 100 }) ?? 10;
  const page = p.str('page', { max: 200 });
  let offset = 0;
  if (page) {
    const m = /^page_(\d+)$/.exec(Buffer.from(page, 'base64url').toString());
    if (!m) throw invalid('Invalid page cursor.', 'page');
    offset = Number(m[1]);
  }
  const { clauses, joiner } = parseQuery(query, fields);
  const hits = items.filter((o) => (joiner === 'AND' ? clauses.every((c) => matches(o, c)) : clauses.some((c) => matches(o, c))));
  const data = hits.slice(offset, offset + limit);
  const more = hits.length > offset + limit;
  return {
    object: 'search_result',
    data,
    has_more: more,
    next_page: more ? Buffer.from(`page_${offset + limit}`).toString('base64url') : null,
    url,
  };
}

/** Expands id strings into objects along dotted paths (`customer`, `data.latest_charge`, ...). */
export function expand(store: Store, root: Obj, paths: readonly string[]): Obj {
  for (const path of paths) {
    if (path.split('.').length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    walk(store, root, path.split('.'), path);
  }
  return root;
}

function walk(store: Store, node: Obj, segs: string[], full: string, inList = false): void {
  const [head, ...rest] = segs;
  if (head === undefined) return;
  // In a list, an item without the property is left as it is (an invoice payment of a payment record has no payment_intent).
  if (!(head in node)) {
    if (inList) return;
    throw invalid(`This property cannot be expanded (${full}).`, 'expand');
  }
  const v = node[head];
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const el = v[i];
      if (typeof el === 'string' && rest.length === 0) {
        const o = store.get(el);
        if (o) v[i] = o;
      } else if (el && typeof el === 'object' && !Array.isArray(el)) walk(store, el, rest, full, true);
    }
    return;
  }
  if (typeof v === 'string') {
    const o = store.get(v);
    if (!o) {
      if (rest.length === 0) return;
      throw invalid(`This property cannot be expanded (${full}).`, 'expand');
    }
    node[head] = o;
    walk(store, o, rest, full, inList);
    return;
  }
  if (typeof v === 'object') {
    if (rest.length === 0) return; // already an object
    walk(store, v, rest, full, inList);
    return;
  }
  throw invalid(`This property cannot be expanded (${full}).`, 'expand');
}
