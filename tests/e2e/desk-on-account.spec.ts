/**
 * A payment on account at the front desk (training mode, through the browser preview): open a
 * customer, "Payment on account", bad amounts get field messages, cash $20.00 is recorded and sent,
 * and the customer's file shows the account credit; a card on the training reader adds to it.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createManager, expectNoAxeViolations, openCustomer, openDrawerIfAsked, refreshUntil, shot } from './desk-helpers';

async function submitAmount(page: Page, text: string): Promise<void> {
  await page.getByLabel('Amount').fill(text);
  await page.getByTestId('desk-pay-submit').click();
}

test('payment on account: cash $20.00 is credited to the customer and shows on their file; a card adds to it', async ({ page }) => {
  await createManager(page);
  await openCustomer(page, 'Aiko', 'Aiko Tanaka');
  await expect(page.getByTestId('customer-balance')).toHaveCount(0);

  await page.getByRole('button', { name: 'Payment on account' }).click();
  const dialog = page.getByTestId('desk-pay');
  await expect(dialog.getByRole('heading', { level: 2, name: 'Payment on account' })).toBeVisible();
  await expect(page.getByTestId('desk-pay-on-account')).toContainText('applied to their next invoice');
  await expect(page.getByLabel('Amount')).toHaveValue('');
  await page.getByRole('radio', { name: 'Cash' }).check();
  await openDrawerIfAsked(page);

  // Bad amounts: a message on the field, nothing sent.
  const error = page.locator('#desk-amount-error');
  await submitAmount(page, '0');
  await expect(error).toHaveText('The amount must be more than zero.');
  await expect(page.getByLabel('Amount')).toBeFocused();
  await submitAmount(page, '-5');
  await expect(error).toHaveText('The amount cannot be negative.');
  await submitAmount(page, '12.345');
  await expect(error).toHaveText('Use no more than 2 digits after the decimal point.');
  await submitAmount(page, '1000000');
  await expect(error).toHaveText('That amount is too large.');
  await expect(dialog).toHaveAttribute('data-stage', 'form');
  await expectNoAxeViolations(page);

  await submitAmount(page, '20.00');
  const result = page.getByTestId('desk-pay-result');
  await expect(result).toHaveAttribute('data-status', 'sent');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('Payment recorded and sent');
  await expect(page.getByTestId('desk-result-amount')).toHaveText('$20.00');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-on-account-result');
  await page.getByTestId('desk-pay-done').click();
  await expect(dialog).toHaveCount(0);

  // The file: the account credit, and the payment marked "On account".
  const balance = page.getByTestId('customer-balance');
  await refreshUntil(page, () => expect(balance).toBeVisible({ timeout: 500 }));
  await expect(balance).toHaveAttribute('data-kind', 'credit');
  await expect(balance).toContainText('Account credit');
  await expect(page.getByTestId('customer-balance-amount')).toHaveText('$20.00');
  const cash = page.getByTestId('desk-payment-row').filter({ hasText: '$20.00' });
  await expect(cash).toHaveCount(1);
  await expect(cash.getByTestId('desk-payment-invoice')).toHaveText('On account');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-on-account-file');

  // A card on the training reader, on account: the credit grows.
  await page.getByRole('button', { name: 'Payment on account' }).click();
  await page.getByLabel('Amount').fill('15.00');
  await expect(page.getByTestId('desk-reader')).not.toHaveValue('');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-card-stage')).toHaveText('Waiting for the card');
  await page.getByRole('button', { name: 'Present test card: Visa' }).click();
  await expect(result).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('Payment approved');
  await expect(page.getByTestId('desk-pay-not-applied')).toHaveCount(0);
  await page.getByTestId('desk-pay-done').click();
  await refreshUntil(page, () => expect(page.getByTestId('customer-balance-amount')).toHaveText('$35.00', { timeout: 500 }));
});
