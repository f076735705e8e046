/**
 * The benchmarks still run: sync and outbox drain at tiny sizes. Counts and duplicates only,
 * never timings (the machine is shared).
 */
import { describe, expect, it } from 'vitest';
import { benchOutboxDrain } from '../../bench/outbox';
import { benchSync } from '../../bench/sync';

describe('benchmarks (smoke, tiny sizes)', () => {
  it('sync: the full load brings every seeded invoice and customer, and the incremental sync every change', async () => {
    const r = await benchSync({ invoices: 300, customers: 60, changes: 60, progress: false });
    expect(r.seeded).toMatchObject({ invoices: 300, customers: 60 });
    expect(r.floor).toMatchObject({ invoices: 300, customers: 61 }); // + the one customer made through the API
    expect(r.full).toMatchObject({ invoices: 300, customers: 61 });
    expect(r.local).toEqual({ invoices: 300, customers: 61 });
    expect(r.incremental.mode).toBe('incremental');
    expect(r.incremental.changes).toBe(60);
    expect(r.incremental.events).toBeGreaterThanOrEqual(60);
    expect(r.missedChanges).toBe(0);
  }, 30_000);

  it('outbox: every queued charge is sent once, none twice', async () => {
    const r = await benchOutboxDrain({ items: 20, viaDispatcher: 1, progress: false });
    expect(r.duplicates).toBe(0);
    expect(r.succeeded).toBe(20);
    expect(r.notSucceeded).toBe(0);
    expect(r.intents).toBe(20);
    expect(r.attemptsWithoutIntent).toBe(0);
    expect(r.paidCents).toBe(r.queuedCents);
  }, 30_000);
});
