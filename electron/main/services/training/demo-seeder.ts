import { createHash } from 'node:crypto';
import type { AppInfo } from '../../../shared/contract';
import type { Db } from '../../db/connection';
import { payLink } from '../payments/guest-access';
import type { StripeGateway } from '../../stripe/gateway';
import type { AccountsService } from '../accounts/accounts-service';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { DemoCustomer, DemoData } from './demo-data';

const SEED_MARK = 'training_seeded_at';
const GUEST_DEMO = 'training_guest_invoices';
const DAY = 86_400;

/**
 * Puts the demo customers, saved methods, invoices and portal accounts into the training sandbox
 * through the real gateway, once per data folder. Every Stripe call carries a deterministic
 * idempotency key, so a seed interrupted half way finishes on the next start without duplicates.
 */
export class DemoSeeder {
  constructor(private readonly deps: { db: Db; gateway: StripeGateway; accounts: AccountsService; clock: Clock; log: Logger }) {}

  isSeeded(): boolean {
    return this.deps.db.prepare('SELECT 1 FROM kv WHERE key = ?').get(SEED_MARK) !== undefined;
  }

  /** Invoices a trainer can pay as a guest: the first open invoice of each demo customer. */
  guestInvoices(): AppInfo['demoGuestInvoices'] {
    const row = this.deps.db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get(GUEST_DEMO);
    return row ? (JSON.parse(row.value) as AppInfo['demoGuestInvoices']) : [];
  }

  async seed(data: DemoData): Promise<void> {
    if (this.isSeeded()) return;
    const started = this.deps.clock.now();
    const guests: AppInfo['demoGuestInvoices'] = [];
    for (const customer of data.customers) guests.push(...(await this.seedCustomer(customer, data.currency, started)));
    const put = this.deps.db.prepare('INSERT OR REPLACE INTO kv (key, value, updated_at) VALUES (?, ?, ?)');
    this.deps.db.transaction(() => {
      put.run(GUEST_DEMO, JSON.stringify(guests), started);
      put.run(SEED_MARK, new Date(started).toISOString(), this.deps.clock.now());
    })();
    this.deps.log.info('training data seeded', { customers: data.customers.length, ms: this.deps.clock.now() - started });
  }

  private async seedCustomer(c: DemoCustomer, currency: string, startedMs: number): Promise<AppInfo['demoGuestInvoices']> {
    const guests: AppInfo['demoGuestInvoices'] = [];
    const { gateway, accounts } = this.deps;
    const key = (suffix: string) => ({ idempotencyKey: `training-seed:${c.key}:${suffix}` });
    const customer = await gateway.createCustomer(
      { name: c.name, email: c.email, phone: c.phone, address: c.address, metadata: { training_key: c.key } },
      key('customer'),
    );
    let defaultMethod: string | null = null;
    for (const [i, m] of c.savedMethods.entries()) {
      const pmId = await gateway.attachPaymentMethod(m.paymentMethod, customer.id, m.default, key(`pm-${i}`));
      if (m.default) defaultMethod = pmId;
    }
    const today = Math.floor(startedMs / 1000);
    for (const inv of c.invoices) {
      const invoice = await gateway.createOpenInvoice(
        {
          customerId: customer.id,
          currency,
          items: inv.items,
          dueDate: today + inv.dueInDays * DAY,
          metadata: { training_key: `${c.key}-${inv.key}` },
        },
        key(`inv-${inv.key}`),
      );
      // The token printed in the invoice's QR code (training only: derived, so a re-run sends the same).
      const token = createHash('sha256').update(`training-pay-token:${invoice.id}`).digest('base64url').slice(0, 32);
      await gateway.setInvoiceMetadata(invoice.id, { pay_token: token }, key(`inv-${inv.key}-token`));
      if (inv.state === 'open' && guests.length === 0 && invoice.number) {
        guests.push({
          label: c.name,
          invoiceNumber: invoice.number,
          postalCode: c.address.postalCode ?? '',
          link: payLink(invoice.id, token),
        });
      }
      if (inv.state === 'paid') await gateway.payInvoiceOutOfBand(invoice.id, key(`inv-${inv.key}-paid`));
      if (inv.state === 'partially_paid' && inv.paidAmount && defaultMethod) {
        await gateway.payInvoicePart(invoice.id, customer.id, defaultMethod, inv.paidAmount, currency, key(`inv-${inv.key}-part`));
      }
    }
    if (c.portalPassword && !accounts.exists(c.email)) await accounts.create(c.email, c.portalPassword, customer.id);
    return guests;
  }
}
