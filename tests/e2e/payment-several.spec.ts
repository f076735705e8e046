/**
 * Several invoices in one visit at the kiosk: checkboxes and "Pay selected", "Pay total balance",
 * one result listing each invoice, "Pay another invoice" without signing in again, a decline then
 * Try again, ACH for several, and amounts refused at the field (over the total, under Stripe's minimum).
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectNoAxeViolations, signIn } from './kiosk-helpers';

const SHOTS = process.env['PAYMENT_SCREENSHOTS'];

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** "$1,234.56" → 123456 */
const cents = (text: string) => Math.round(Number(text.replace(/[^0-9.]/g, '')) * 100);

/** The payable rows (those with a checkbox) as the screen shows them: number and remaining amount. */
async function payableRows(page: Page): Promise<{ row: Locator; number: string; remaining: number }[]> {
  const rows = page.getByTestId('invoice-row').filter({ has: page.getByTestId('pay-now') });
  const out = [];
  for (const row of await rows.all()) {
    const number = ((await row.getByTestId('invoice-number').textContent()) ?? '').trim();
    const remaining = cents((await row.locator('.invoices__remaining').textContent()) ?? '');
    out.push({ row, number, remaining });
  }
  return out;
}

const money = (c: number) => `$${(c / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
const result = (page: Page) => page.getByTestId('payment-result');

test('two invoices chosen with checkboxes, paid with the saved card in one action; then Pay another invoice pays the rest', async ({
  page,
}) => {
  await signIn(page);
  const rows = await payableRows(page);
  expect(rows.length).toBeGreaterThanOrEqual(3);
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
  await expect(page.getByTestId('pay-selected')).toBeDisabled();
  await a.row.getByTestId('invoice-select').check();
  await b.row.getByTestId('invoice-select').check();
  await expect(page.getByTestId('selected-summary')).toHaveText(`Selected: 2 · ${money(a.remaining + b.remaining)}`);
  await expectNoAxeViolations(page);
  await shot(page, 'several-selected');
  await page.getByTestId('pay-selected').click();

  await expect(page.getByRole('heading', { level: 1, name: 'Pay 2 invoices' })).toBeVisible();
  await expect(page.getByTestId('pay-invoice-row')).toHaveCount(2);
  await expect(page.getByTestId('pay-remaining')).toHaveText(money(a.remaining + b.remaining));
  await expect(page.getByLabel('Amount')).toHaveValue(((a.remaining + b.remaining) / 100).toFixed(2));
  await expect(page.getByRole('radio', { name: 'Use a payment method on file' })).toBeChecked();
  await expectNoAxeViolations(page);
  await shot(page, 'several-pay');
  await page.getByTestId('continue').click();

  await expect(result(page)).toHaveAttribute('data-status', 'succeeded');
  await expect(result(page).getByTestId('result-amount')).toHaveText(money(a.remaining + b.remaining));
  const parts = result(page).getByTestId('result-part');
  await expect(parts).toHaveCount(2);
  for (const [i, inv] of [a, b].entries()) {
    await expect(parts.nth(i)).toContainText(inv.number);
    await expect(parts.nth(i)).toHaveAttribute('data-status', 'succeeded');
  }
  await expectNoAxeViolations(page);
  await shot(page, 'several-result');

  // The visit goes on: the rest is still open.
  await result(page).getByTestId('result-pay-another').click();
  await expect(page).toHaveURL(/#\/account\/invoices$/);
  for (const inv of [a, b]) {
    await expect(page.getByTestId('invoice-row').filter({ hasText: inv.number }).locator('[data-status="paid"]')).toBeVisible();
  }
  const rest = await payableRows(page);
  const restTotal = rest.reduce((s, r) => s + r.remaining, 0);
  if (rest.length > 1) await page.getByTestId('pay-total').click();
  else await rest[0]!.row.getByTestId('pay-now').click();
  await expect(page.getByTestId('pay-remaining')).toHaveText(money(restTotal));
  await page.getByTestId('continue').click();
  await expect(result(page)).toHaveAttribute('data-status', 'succeeded');
  // Nothing is left open: no Pay another invoice.
  await expect(result(page).getByTestId('result-done')).toBeVisible();
  await expect(result(page).getByTestId('result-pay-another')).toHaveCount(0);
});

test('Pay total balance with a new card: declined, then Try again with another card pays every invoice once', async ({ page }) => {
  await signIn(page);
  const rows = await payableRows(page);
  const total = rows.reduce((s, r) => s + r.remaining, 0);
  await expect(page.getByTestId('pay-total')).toHaveText(`Pay total balance ${money(total)}`);
  await page.getByTestId('pay-total').click();
  await expect(page.getByRole('heading', { level: 1, name: `Pay ${rows.length} invoices` })).toBeVisible();

  await page.getByRole('radio', { name: 'Enter a new card for a one-time payment' }).check();
  await page.getByTestId('continue').click();
  await page.getByLabel('Card number').fill('4000000000000002');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('CVC').fill('123');
  await page.getByTestId('make-payment').click();
  await expect(result(page)).toHaveAttribute('data-status', 'failed');
  await expect(result(page).getByTestId('result-reason')).toHaveText('Your card was declined.');
  await result(page).getByTestId('result-try-again').click();

  await page.getByLabel('Card number').fill('4242424242424242');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('CVC').fill('123');
  await page.getByTestId('make-payment').click();
  await expect(result(page)).toHaveAttribute('data-status', 'succeeded');
  await expect(result(page).getByTestId('result-amount')).toHaveText(money(total));
  await expect(result(page).getByTestId('result-part')).toHaveCount(rows.length);
  await result(page).getByTestId('result-done').click();
  await expect(page).toHaveURL(/#\/$/);
});

test('amounts for several invoices: over the total and under the $0.50 minimum are refused at the field; a smaller amount pays the oldest first', async ({
  page,
}) => {
  await signIn(page);
  const rows = await payableRows(page);
  const total = rows.reduce((s, r) => s + r.remaining, 0);
  await page.getByTestId('pay-total').click();
  const amount = page.getByLabel('Amount');
  await amount.fill(((total + 1) / 100).toFixed(2));
  await page.getByTestId('continue').click();
  await expect(page.locator('#pay-amount-error')).toHaveText(
    `The amount cannot be more than the ${money(total)} due on the invoices you chose.`,
  );
  await expect(amount).toBeFocused();
  await amount.fill('0.30');
  await page.getByTestId('continue').click();
  await expect(page.locator('#pay-amount-error')).toHaveText('The smallest payment we can take by card or bank is $0.50.');
  await expect(result(page)).toHaveCount(0);

  // The oldest due invoice is listed first on the page and is paid first.
  const oldest = page.getByTestId('pay-invoice-row').first();
  const oldestNumber = ((await oldest.locator('th').textContent()) ?? '').trim();
  const oldestRemaining = rows.find((r) => r.number === oldestNumber)!.remaining;
  await amount.fill((oldestRemaining / 100).toFixed(2));
  await page.getByTestId('continue').click();
  await expect(result(page)).toHaveAttribute('data-status', 'succeeded');
  const parts = result(page).getByTestId('result-part');
  await expect(parts).toHaveCount(0); // one invoice paid: the single-invoice summary
  await expect(result(page).getByTestId('result-invoice')).toHaveText(oldestNumber);
});

test('a new bank account for two invoices: one result for both, waiting for the micro-deposit code', async ({ page }) => {
  await signIn(page);
  const [a, b] = (await payableRows(page)) as [{ row: Locator; number: string; remaining: number }, { row: Locator }];
  await a.row.getByTestId('invoice-select').check();
  await b.row.getByTestId('invoice-select').check();
  await page.getByTestId('pay-selected').click();
  await page.getByRole('radio', { name: /^ACH/ }).check();
  await page.getByRole('radio', { name: 'Enter a new bank account for a one-time payment' }).check();
  await page.getByTestId('continue').click();
  await page.getByLabel('Routing number').fill('110000000');
  await page.getByLabel('Account number').fill('000123456789');
  await expect(page.getByTestId('mandate-text')).toContainText(`to pay invoices ${a.number}, `);
  await page.getByRole('checkbox', { name: 'I have read and agree to this authorization' }).check();
  await page.getByTestId('make-payment').click();
  await expect(result(page)).toHaveAttribute('data-status', 'requires_verification');
  await expect(result(page).getByTestId('result-part')).toHaveCount(2);
  await expect(result(page).getByTestId('result-next')).toBeVisible();
});
