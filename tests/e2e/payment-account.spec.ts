/**
 * The account side of the payment flow: autopay and saved methods, and the idle wipe (driven by
 * Playwright's page.clock instead of waiting 90 seconds).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectNoAxeViolations, signIn } from './kiosk-helpers';

// ---- Helpers (sign-in and axe come from kiosk-helpers.ts) -----------------------------------------

const SHOTS = process.env['PAYMENT_SCREENSHOTS'];

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

// ---- Autopay and saved methods -----------------------------------------------------------------

test('autopay on and off from the saved methods page, and removing a method after confirming', async ({ page }) => {
  await signIn(page);
  const panel = page.getByTestId('autopay-panel');
  await expect(panel.getByTestId('autopay-state')).toHaveText('Off');
  await expect(panel.getByTestId('autopay-detail')).toHaveText('Your bills are not paid automatically.');
  await panel.getByRole('link', { name: 'Manage saved payment methods' }).click();

  await expect(page).toHaveURL(/#\/account\/methods$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Saved payment methods' })).toBeVisible();
  const row = page.getByTestId('method-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Visa ending in 4242');
  await expect(row.getByTestId('method-default')).toHaveText('Default');
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Turn autopay on' }).click();
  await expect(page.getByTestId('methods-autopay-state')).toHaveText('Autopay is On');
  await expect(page.getByTestId('methods-done')).toHaveText('Autopay is on.');
  await page.getByRole('link', { name: 'Back to your invoices' }).click();
  await expect(panel.getByTestId('autopay-state')).toHaveText('On');
  await expect(panel.getByTestId('autopay-detail')).toHaveText('Your bills are paid automatically with Visa ending in 4242.');

  await panel.getByRole('link', { name: 'Manage saved payment methods' }).click();
  await page.getByRole('button', { name: 'Turn autopay off' }).click();
  await expect(page.getByTestId('methods-autopay-state')).toHaveText('Autopay is Off');

  // Remove asks first; "Keep it" has focus and keeps it.
  const remove = page.getByRole('button', { name: 'Remove Visa ending in 4242' });
  await remove.click();
  const confirm = page.getByRole('dialog', { name: 'Remove this payment method?' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText('Visa ending in 4242 will be removed');
  await expect(confirm.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await shot(page, 'confirm-remove');
  await expectNoAxeViolations(page);
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirm).toBeHidden();
  await expect(remove).toBeFocused();
  await expect(row).toHaveCount(1);

  await remove.click();
  await confirm.getByRole('button', { name: 'Yes, remove it' }).click();
  await expect(page.getByTestId('methods-done')).toHaveText('Visa ending in 4242 was removed.');
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('methods-empty')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Turn autopay on' })).toBeDisabled();

  // The payment page no longer offers a card on file.
  await page.getByRole('link', { name: 'Back to your invoices' }).click();
  await page.getByTestId('pay-now').first().click();
  await page.getByRole('radio', { name: /^Credit Card/ }).check();
  await expect(page.getByRole('radio', { name: 'Enter a new card for a one-time payment' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Use a payment method on file' })).toHaveCount(0);
});

// ---- Idle ----------------------------------------------------------------------------------------

test('idle: "Still there?" counts down from 30; "I\'m still here" keeps the visit, running out wipes it', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  // Never on the welcome screen itself.
  await page.clock.fastForward('05:00');
  await expect(page.getByTestId('idle-prompt')).toHaveCount(0);

  await signIn(page);
  await page.getByTestId('pay-now').first().click();
  await expect(page.getByLabel('Name on account')).toHaveValue('Maria Garcia');
  await page.getByLabel('Name on account').fill('Someone Else');
  await page.getByLabel('Amount').fill('1.23');

  await page.clock.fastForward('01:25');
  await expect(page.getByTestId('idle-prompt')).toHaveCount(0);
  await page.clock.fastForward('00:06');
  const prompt = page.getByRole('dialog', { name: 'Still there?' });
  await expect(prompt).toBeVisible();
  await expect(prompt.getByTestId('idle-seconds')).toHaveText(/^(30|29)$/);
  await expect(prompt.getByRole('button', { name: 'I’m still here' })).toBeFocused();
  await page.clock.fastForward('00:10');
  await expect(prompt.getByTestId('idle-seconds')).toHaveText(/^(20|19)$/);
  await shot(page, 'idle-prompt');
  await expectNoAxeViolations(page);

  await prompt.getByRole('button', { name: 'I’m still here' }).click();
  await expect(prompt).toBeHidden();
  await expect(page.getByLabel('Name on account')).toHaveValue('Someone Else');

  // This time nobody answers.
  await page.clock.fastForward('01:31');
  await expect(prompt).toBeVisible();
  await page.clock.fastForward('00:31');
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  await expect(prompt).toHaveCount(0);

  // Nothing of the last visitor is left: no session, no fields.
  await page.goto('/#/account/invoices');
  await expect(page).toHaveURL(/#\/sign-in/);
  await expect(page.getByLabel('Email address')).toHaveValue('');
  await page.goto('/#/guest');
  await expect(page.getByLabel('Scan the QR code on your invoice')).toHaveValue('');
});

test('idle on the guest screen clears what was typed and returns to welcome', async ({ page }) => {
  await page.clock.install();
  await page.goto('/#/guest');
  await page.getByLabel('Invoice number', { exact: true }).fill('ABC-123');
  await page.getByLabel('Billing zip code').fill('78704');
  await page.clock.fastForward('01:31');
  await expect(page.getByRole('dialog', { name: 'Still there?' })).toBeVisible();
  await page.clock.fastForward('00:31');
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
  await page.getByRole('link', { name: /Pay an invoice as a guest/ }).click();
  await expect(page.getByLabel('Invoice number', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Billing zip code')).toHaveValue('');
});
