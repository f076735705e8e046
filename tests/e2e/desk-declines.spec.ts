/**
 * Card-present outcomes at the desk, one by one: every decline test card gives its plain-words
 * message and charges nothing; a reader busy with another desk's payment is refused with a clear
 * message, and that other payment carries on.
 */
import { expect, test } from './fixtures';
import { createManager, MANAGER, openCustomer, payAtDesk, signInStaff } from './desk-helpers';

const DECLINES: ReadonlyArray<{ button: string; says: RegExp }> = [
  { button: 'Declined', says: /declined/i },
  { button: 'Insufficient funds', says: /insufficient funds/i },
  { button: 'Lost card', says: /declined/i },
  { button: 'Stolen card', says: /declined/i },
  { button: 'Expired card', says: /expired/i },
  { button: 'Processing error', says: /could not be processed/i },
];

test('each decline test card: a failed result with its own plain message, and Try again starts over', async ({ page }) => {
  await createManager(page);
  await openCustomer(page, 'Maria', 'Maria Garcia');
  await payAtDesk(page);
  await page.getByLabel('Amount').fill('3.00');
  const result = page.getByTestId('desk-pay-result');
  for (const [i, d] of DECLINES.entries()) {
    if (i > 0) await page.getByTestId('desk-pay-again').click();
    await page.getByTestId('desk-pay-submit').click();
    await expect(page.getByTestId('desk-card-stage')).toHaveText('Waiting for the card');
    const card = page.getByRole('button', { name: `Present test card: ${d.button}` });
    await card.click();
    await expect(result).toHaveAttribute('data-status', 'failed');
    await expect(page.getByTestId('desk-pay-message')).toHaveText(d.says);
    // Lost and stolen cards are declined without saying why (the person at the counter is not told).
    if (/Lost|Stolen/.test(d.button)) await expect(page.getByTestId('desk-pay-message')).not.toHaveText(/lost|stolen/i);
  }
  // Nothing was charged: the customer's file has no $3.00 payment.
  await page.getByTestId('desk-pay-done').click();
  await expect(page.getByTestId('desk-payment-row').filter({ hasText: '$3.00' })).toHaveCount(0);
});

test('a reader busy with another desk session: the second payment is refused with a clear message; the first one finishes', async ({
  page,
  browser,
  baseURL,
}) => {
  await createManager(page);
  await openCustomer(page, 'Maria', 'Maria Garcia');
  await payAtDesk(page);
  await page.getByLabel('Amount').fill('4.00');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-card-stage')).toHaveText('Waiting for the card');

  // A second session on the same station (another window, same reader).
  const other = await browser.newContext({ baseURL: baseURL! });
  try {
    const second = await other.newPage();
    await signInStaff(second, MANAGER.name, MANAGER.pin);
    await expect(second.getByRole('heading', { level: 1, name: 'Front desk' })).toBeVisible();
    await openCustomer(second, 'James', 'James Wilson');
    await payAtDesk(second);
    await second.getByLabel('Amount').fill('6.00');
    await second.getByTestId('desk-pay-submit').click();
    await expect(second.getByTestId('desk-pay-error')).toHaveText(/busy/i);
    await expect(second.getByTestId('desk-pay-form')).toBeVisible();
  } finally {
    await other.close();
  }

  await page.getByRole('button', { name: 'Present test card: Visa' }).click();
  await expect(page.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('desk-result-amount')).toHaveText('$4.00');
});
