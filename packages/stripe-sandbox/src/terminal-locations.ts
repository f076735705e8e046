/** /v1/terminal/locations (create, retrieve, update, list, delete) and /v1/terminal/connection_tokens. */
import { randomBytes } from 'node:crypto';
import type { Ctx } from './context.js';
import { paginate } from './lists.js';
import type { Store } from './store.js';
import { address, invalid, mergeMetadata, notFound, type Obj, type Params } from './wire.js';

/** A live (not deleted) location, or Stripe's 404. */
export function mustLocation(store: Store, id: string, param = 'id'): Obj {
  const o = store.get(id);
  if (!o || o.object !== 'terminal.location' || o.deleted === true) throw notFound('terminal.location', id, param);
  return o;
}

function apply(p: Params, loc: Obj, creating: boolean): void {
  if (p.has('display_name') || creating) {
    const name = p.str('display_name', { max: 1000, required: creating });
    if (name !== undefined) loc.display_name = name;
  }
  if (p.has('address') || creating) {
    const a = p.obj('address', creating)!;
    const out = address(a, loc.address);
    if (!out.country) throw invalid('Missing required param: address[country].', 'address[country]', 'parameter_missing');
    if (!/^[A-Z]{2}$/.test(out.country as string)) throw invalid('Invalid country: must be a two-letter ISO code.', 'address[country]');
    loc.address = out;
  }
  for (const k of ['phone', 'configuration_overrides'] as const) {
    if (p.has(k)) {
      const v = p.str(k, { max: 100, empty: true });
      if (v) loc[k] = v;
      else delete loc[k];
    }
  }
  p.ignore('address_kana', 'address_kanji', 'display_name_kana', 'display_name_kanji');
  loc.metadata = mergeMetadata(loc.metadata, p.metadata());
}

export function registerTerminalLocations(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/terminal/locations', ({ params: p }) => {
    const loc: Obj = {
      id: store.newId('tml'),
      object: 'terminal.location',
      address: {},
      display_name: '',
      livemode: false,
      metadata: {},
      created: store.now(),
    };
    apply(p, loc, true);
    p.done();
    store.insert(loc);
    return publicLocation(loc);
  });

  ctx.route('GET', '/v1/terminal/locations', ({ params: p, url }) =>
    paginate(
      p,
      store
        .all('terminal.location')
        .filter((l) => l.deleted !== true)
        .map(publicLocation),
      url,
    ),
  );

  ctx.route('GET', '/v1/terminal/locations/:id', ({ path }) => {
    const o = store.get(path.id!);
    if (!o || o.object !== 'terminal.location') throw notFound('terminal.location', path.id!);
    return publicLocation(o);
  });

  ctx.route('POST', '/v1/terminal/locations/:id', ({ params: p, path }) => {
    const loc = mustLocation(store, path.id!);
    apply(p, loc, false);
    p.done();
    store.save(loc);
    return publicLocation(loc);
  });

  ctx.route('DELETE', '/v1/terminal/locations/:id', ({ path }) => {
    const loc = mustLocation(store, path.id!);
    if (store.all('terminal.reader').some((r) => r.location === loc.id && r.deleted !== true)) {
      throw invalid('This location still has readers registered to it. Delete or move them first.', undefined, 'resource_already_exists');
    }
    const gone: Obj = { id: loc.id, object: 'terminal.location', deleted: true, created: loc.created };
    store.save(gone);
    return { id: loc.id, object: 'terminal.location', deleted: true };
  });

  ctx.route('POST', '/v1/terminal/connection_tokens', ({ params: p }) => {
    const location = p.str('location', { max: 255 });
    if (location) mustLocation(store, location, 'location');
    const token: Obj = { object: 'terminal.connection_token', secret: `pst_test_${randomBytes(24).toString('base64url')}` };
    if (location) token.location = location;
    return token;
  });
}

/** The stored row keeps `created` for ordering; Stripe's location object has no `created`. */
function publicLocation(o: Obj): Obj {
  const { created: _created, ...rest } = o;
  return rest;
}
