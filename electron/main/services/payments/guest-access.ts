import { timingSafeEqual } from 'node:crypto';
import type { StripeGateway } from '../../stripe/gateway';
import { AppError } from '../errors';
import type { Lockouts, LockPolicy } from '../lockouts';
import { lockedError } from '../accounts/accounts-service';

/** Five wrong tries in a row lock that invoice for 15 minutes. */
export const GUEST_LOCK: LockPolicy = { maxFailures: 5, lockMs: 15 * 60 * 1000 };

/** Where the printed QR code / payment link points; the kiosk's scanner types it like a keyboard. */
export const PAY_LINK_BASE = 'https://pay.example.com/i/';

export function payLink(invoiceId: string, token: string): string {
  return `${PAY_LINK_BASE}${invoiceId}?t=${token}`;
}

/** Reads an invoice id and token out of whatever the scanner typed (a full URL, or just the path). */
export function parsePayLink(text: string): { invoiceId: string; token: string } | null {
  const id = /\b(in_[A-Za-z0-9]{6,64})\b/.exec(text)?.[1];
  const token = /[?&]t=([A-Za-z0-9_-]{16,64})\b/.exec(text)?.[1];
  return id && token ? { invoiceId: id, token } : null;
}

const zip5 = (zip: string | null | undefined) => (zip ?? '').trim().slice(0, 5);

/**
 * Guest pay without an account: the invoice number and the billing zip code must match, or the
 * invoice's printed link must carry the token stored on the invoice (metadata `pay_token`).
 */
export class GuestAccess {
  constructor(
    private readonly gateway: StripeGateway,
    private readonly lockouts: Lockouts,
  ) {}

  async byNumberAndZip(invoiceNumber: string, postalCode: string): Promise<{ invoiceId: string; customerId: string }> {
    const number = invoiceNumber.trim().toUpperCase();
    const subject = `invoice:${number}`;
    this.assertNotLocked(subject);
    const found = await this.gateway.findInvoiceByNumber(number);
    const zip = found ? await this.gateway.customerPostalCode(found.invoice.customerId) : null;
    if (!found || !zip || zip5(zip) !== zip5(postalCode)) {
      this.failed(subject, 'We could not find an invoice with that number and zip code. Check both and try again.');
    }
    this.lockouts.succeed(subject);
    return { invoiceId: found.invoice.id, customerId: found.invoice.customerId };
  }

  async byLink(link: string): Promise<{ invoiceId: string; customerId: string }> {
    const parsed = parsePayLink(link);
    if (!parsed)
      throw new AppError(
        'invalid_request',
        'That code is not an invoice payment link. Try scanning again, or enter the invoice number.',
        'link',
      );
    const subject = `invoice-link:${parsed.invoiceId}`;
    this.assertNotLocked(subject);
    const invoice = await this.gateway.retrieveInvoice(parsed.invoiceId);
    const expected = invoice ? ((await this.gateway.invoiceMetadata(invoice.id))?.['pay_token'] ?? '') : '';
    const a = Buffer.from(expected);
    const b = Buffer.from(parsed.token);
    if (!invoice || a.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) {
      this.failed(subject, 'That payment link is not valid. Please enter the invoice number and zip code instead.');
    }
    this.lockouts.succeed(subject);
    return { invoiceId: invoice.id, customerId: invoice.customerId };
  }

  private assertNotLocked(subject: string): void {
    const lock = this.lockouts.state(subject);
    if (lock.locked) throw lockedError(lock.minutesLeft);
  }

  private failed(subject: string, message: string): never {
    const after = this.lockouts.fail(subject, GUEST_LOCK);
    if (after.locked) throw lockedError(after.minutesLeft);
    throw new AppError('not_found', message);
  }
}
