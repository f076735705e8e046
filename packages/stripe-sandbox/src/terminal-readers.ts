/**
 * /v1/terminal/readers: register (simulated readers only), retrieve, update, list, delete, and the
 * sandbox's own admin switches (take a simulated reader offline/online, press Cancel on it).
 * Reader actions (process_payment_intent, cancel_action, present_payment_method): terminal-actions.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx } from './context.js';
import { paginate } from './lists.js';
import type { Store } from './store.js';
import { mustLocation } from './terminal-locations.js';
import { invalid, mergeMetadata, notFound, type Obj } from './wire.js';

/**
 * Stripe's registration codes for simulated readers, and the device type a simulated reader
 * reports (Stripe answers `simulated_wisepos_e` / `simulated_stripe_s700` for them).
 */
const SIMULATED: Record<string, { deviceType: string; label: string }> = {
  'simulated-wpe': { deviceType: 'simulated_wisepos_e', label: 'Simulated WisePOS E' },
  'simulated-s700': { deviceType: 'simulated_stripe_s700', label: 'Simulated Stripe S700' },
};

/** A live (not deleted) reader, or Stripe's 404. */
export function mustReader(store: Store, id: string, param = 'id'): Obj {
  const o = store.get(id);
  if (!o || o.object !== 'terminal.reader' || o.deleted === true) throw notFound('terminal.reader', id, param);
  return o;
}

/** Stripe's reader object (the stored row also keeps `created` for ordering). */
export function publicReader(o: Obj): Obj {
  const { created: _created, ...rest } = o;
  return rest;
}

export function registerTerminalReaders(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/terminal/readers', ({ params: p }) => {
    const code = p.reqStr('registration_code', { max: 100 });
    const label = p.str('label', { max: 5000 });
    const location = p.str('location', { max: 255 });
    const metadata = p.metadata();
    p.done();
    const sim = SIMULATED[code];
    if (!sim) {
      throw invalid(
        `The registration code '${code}' is not valid. The offline sandbox registers simulated readers only: use simulated-wpe or simulated-s700.`,
        'registration_code',
        'resource_missing',
      );
    }
    if (location) mustLocation(store, location, 'location');
    const reader: Obj = {
      id: store.newId('tmr'),
      object: 'terminal.reader',
      action: null,
      device_sw_version: '2.37.2.0',
      device_type: sim.deviceType,
      ip_address: '0.0.0.0',
      label: label ?? sim.label,
      last_seen_at: store.nowMs(),
      livemode: false,
      location: location ?? null,
      metadata: mergeMetadata({}, metadata),
      serial_number: randomUUID(),
      status: 'online',
      created: store.now(),
    };
    store.insert(reader);
    return publicReader(reader);
  });

  ctx.route('GET', '/v1/terminal/readers', ({ params: p, url }) => {
    const deviceType = p.str('device_type', { max: 100 });
    const location = p.str('location', { max: 255 });
    const serial = p.str('serial_number', { max: 255 });
    const status = p.str('status', { oneOf: ['online', 'offline'] });
    const items = store
      .all('terminal.reader')
      .filter(
        (r) =>
          r.deleted !== true &&
          (!deviceType || r.device_type === deviceType) &&
          (!location || r.location === location) &&
          (!serial || r.serial_number === serial) &&
          (!status || r.status === status),
      );
    return paginate(p, items.map(publicReader), url);
  });

  ctx.route('GET', '/v1/terminal/readers/:id', ({ path }) => {
    const o = store.get(path.id!);
    if (!o || o.object !== 'terminal.reader') throw notFound('terminal.reader', path.id!);
    return publicReader(o);
  });

  ctx.route('POST', '/v1/terminal/readers/:id', ({ params: p, path }) => {
    const reader = mustReader(store, path.id!);
    if (p.has('label')) {
      const label = p.str('label', { max: 5000, empty: true });
      reader.label = label || (Object.values(SIMULATED).find((s) => s.deviceType === reader.device_type)?.label ?? 'Reader');
    }
    reader.metadata = mergeMetadata(reader.metadata, p.metadata());
    p.done();
    store.save(reader);
    return publicReader(reader);
  });

  ctx.route('DELETE', '/v1/terminal/readers/:id', ({ path }) => {
    const reader = mustReader(store, path.id!);
    const gone: Obj = {
      id: reader.id,
      object: 'terminal.reader',
      deleted: true,
      device_type: reader.device_type,
      serial_number: reader.serial_number,
      created: reader.created,
    };
    store.save(gone);
    return publicReader(gone);
  });
}

/**
 * The non-Stripe admin switches for a simulated reader, called by the HTTP front for
 * `POST /__sandbox/readers/:id/status` (`status=online|offline`) and
 * `POST /__sandbox/readers/:id/customer_cancel` (the customer presses Cancel on the reader).
 * Returns the HTTP status and body.
 */
export function readerAdmin(ctx: Ctx, id: string, op: string, params: Record<string, unknown>): { status: number; body: unknown } {
  const { store } = ctx;
  const o = store.get(id);
  if (!o || o.object !== 'terminal.reader' || o.deleted === true) {
    return {
      status: 404,
      body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such terminal.reader: '${id}'` } },
    };
  }
  return store.tx(() => {
    if (op === 'status') {
      const status = params.status;
      if (status !== 'online' && status !== 'offline') {
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', message: 'status must be online or offline', param: 'status' } },
        };
      }
      o.status = status;
      if (status === 'online') o.last_seen_at = store.nowMs();
      store.save(o);
      return { status: 200, body: publicReader(o) };
    }
    if (op === 'customer_cancel') {
      const action = o.action as Obj | null;
      if (!action || action.status !== 'in_progress') {
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', message: 'The reader has no action in progress to cancel.' } },
        };
      }
      failAction(store, o, 'customer_canceled', 'The customer canceled the payment on the reader.');
      return { status: 200, body: publicReader(o) };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unknown reader admin operation: ${op}` } } };
  });
}

/** Ends the reader's in-progress action as failed (a reader-side failure: api_error stays null). */
export function failAction(store: Store, reader: Obj, code: string, message: string, apiError: Obj | null = null): void {
  const action = reader.action as Obj;
  Object.assign(action, { status: 'failed', failure_code: code, failure_message: message, api_error: apiError });
  store.save(reader);
  store.emit('terminal.reader.action_failed', publicReader(reader));
}
