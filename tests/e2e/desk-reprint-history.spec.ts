/**
 * Reprint from payment history, in training mode through the browser preview: a payment Maria
 * Garcia made online (demo data; this station has no record of it) is reprinted from her payments at
 * the front desk. The receipt is built from Stripe's data (the training sandbox) and printed on a
 * network receipt printer (a TCP listener on loopback standing in for the physical printer).
 */
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { printedLines, printedRows, startTestPrinter } from '../helpers/receipt-printer';
import { createManager, openCustomer } from './desk-helpers';
import { expect, test } from './fixtures';

test('a payment made online reprints from the customer’s payments: printed, marked REPRINT and TRAINING', async ({ page, preview }) => {
  const printer = await startTestPrinter();
  try {
    new SettingsService(createConfStore(preview.dataDir)).update({
      receiptPrinter: { kind: 'network', host: '127.0.0.1', port: printer.port },
    });
    await createManager(page);
    await openCustomer(page, 'Maria', 'Maria Garcia');

    // The meter invoice's $100.00 was paid online when the demo data was made.
    const row = page.getByTestId('desk-payment-row').filter({ hasText: '$100.00' });
    await expect(row).toHaveCount(1);
    await row.getByTestId('reprint').click();

    await expect(page.getByTestId('desk-action-result')).toHaveText('Your receipt is printing. Please take it from the printer.');
    await expect(page.getByTestId('desk-action-error')).toHaveCount(0);
    await expect.poll(() => printer.jobs.length).toBe(1);
    const job = printer.jobs[0]!;
    const rows = printedRows(job);
    expect(rows.get('Amount')).toBe('$100.00');
    expect(rows.get('Customer')).toBe('Maria Garcia');
    expect(rows.get('Paid with')).toBe('Visa **** 4242');
    expect(rows.get('Station')).toBe('Online');
    expect(rows.get('Served by')).toBe('Kiosk');
    expect(rows.get('Invoice')).toMatch(/^[A-Z0-9]+-\d{4}$/);
    const lines = printedLines(job);
    expect(lines.some((l) => l[0]?.startsWith('REPRINT — '))).toBe(true);
    expect(lines.filter((l) => l[0] === 'TRAINING — NOT A REAL PAYMENT')).toHaveLength(2);
    expect(lines.some((l) => /^pi_\w+$/.test(l[0] ?? ''))).toBe(true);
  } finally {
    await printer.off();
  }
});
