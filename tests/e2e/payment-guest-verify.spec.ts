import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';

/** Opens the demo invoice of a customer without an account as a guest, by number and zip. */
async function openAsGuest(page: Page): Promise<{ number: string; zip: string }> {
  await page.goto('/#/guest');
  const demo = page.getByTestId('demo-guest-entry').filter({ hasText: 'Aiko Tanaka' });
  const number = ((await demo.getByTestId('demo-invoice-number').textContent()) ?? '').trim();
  const zip = ((await demo.getByTestId('demo-zip').textContent()) ?? '').trim();
  await page.getByLabel('Invoice number', { exact: true }).fill(number);
  await page.getByLabel('Billing zip code').fill(zip);
  await page.getByRole('button', { name: 'Find invoice' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
  return { number, zip };
}

test('a guest pays from a hand-entered bank account, comes back as a guest, and finishes with the code', async ({ page }) => {
  const { zip } = await openAsGuest(page);
  await expect(page.getByTestId('pending-verifications')).toHaveCount(0);
  await page.getByLabel('Name on account').fill('Aiko Tanaka');
  await page.getByLabel('Zip code').fill(zip);
  await page.getByRole('radio', { name: /^ACH/ }).check();
  await page.getByRole('radio', { name: 'Enter a new bank account for a one-time payment' }).check();
  await page.getByLabel('Amount').fill('12.00');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Routing number').fill('110000000');
  await page.getByLabel('Account number').fill('000123456789');
  await page.getByRole('checkbox', { name: 'I have read and agree to this authorization' }).check();
  await page.getByRole('button', { name: 'Make Payment' }).click();

  const popup = page.getByRole('dialog', { name: 'One more step: verify your bank account' });
  await expect(popup).toBeVisible();
  await expect(popup).toContainText('choose Pay an invoice as a guest');
  await popup.getByRole('button', { name: 'Done' }).click();
  await expect(page).toHaveURL(/#\/$/);

  // Days later: the same invoice, as a guest again. The waiting payment is on the payment page.
  await openAsGuest(page);
  const pending = page.getByTestId('pending-verifications');
  await expect(pending).toBeVisible();
  await expect(pending.getByTestId('pending-item')).toHaveCount(1);
  await pending.getByTestId('enter-code').click();
  await page.getByLabel('Verification code').fill('SM99ZZ');
  await pending.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(pending.getByTestId('code-error')).toBeVisible();
  await page.getByLabel('Verification code').fill('SM11AA');
  await pending.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByTestId('verify-done')).toBeVisible();
  await expect(page.getByTestId('pending-item')).toHaveCount(0);
});
