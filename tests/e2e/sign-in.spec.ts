/**
 * Sign-in against the browser preview in training mode. The demo account is read from the
 * "Demo sign-in" box on the screen, never hard-coded.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function openSignIn(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: /Sign in to your account/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to your account' })).toBeVisible();
}

/** The first demo account shown on the sign-in screen. */
async function demoAccount(page: Page): Promise<{ email: string; password: string }> {
  const entry = page.getByTestId('demo-entry').first();
  await expect(entry).toBeVisible();
  const email = (await entry.getByTestId('demo-email').textContent())?.trim() ?? '';
  const password = (await entry.getByTestId('demo-password').textContent())?.trim() ?? '';
  expect(email).toContain('@');
  expect(password).not.toBe('');
  return { email, password };
}

test('signing in with the demo account shows that customer’s invoices with numbers and statuses', async ({ page }) => {
  await openSignIn(page);
  const { email, password } = await demoAccount(page);

  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  await expect(page).toHaveURL(/#\/account\/invoices$/);
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Invoices', exact: true })).toHaveAttribute('aria-current', 'page');

  const table = page.getByRole('table', { name: 'Your invoices' });
  await expect(table).toBeVisible();
  const rows = table.getByTestId('invoice-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(4);

  // Every row has an invoice number and a status badge with text.
  for (const row of await rows.all()) {
    await expect(row.getByTestId('invoice-number')).toHaveText(/\S+/);
    await expect(row.getByTestId('status-badge')).toHaveText(/\S+/);
  }

  // The demo customer has open, overdue, partially paid and paid invoices.
  const badges = table.getByTestId('status-badge');
  for (const status of ['Open', 'Overdue', 'Partially paid', 'Paid']) {
    await expect(badges.filter({ hasText: new RegExp(`^\\s*${status}\\s*$`) }).first()).toBeVisible();
  }

  // Pay Now on open / overdue / partially paid rows only.
  for (const row of await rows.all()) {
    const status = await row.getByTestId('status-badge').getAttribute('data-status');
    const payNow = row.getByTestId('pay-now');
    if (status === 'open' || status === 'overdue' || status === 'partially_paid') {
      await expect(payNow).toBeVisible();
      await expect(payNow).toHaveAccessibleName(/^Pay Now, invoice \S+/);
    } else {
      await expect(payNow).toHaveCount(0);
    }
  }

  await expect(page.getByTestId('as-of')).toHaveText(/^As of \d{1,2}:\d{2}/);
});

test('an invoice number opens its detail with lines, and Pay Now goes to the payment page', async ({ page }) => {
  await openSignIn(page);
  await page
    .getByRole('button', { name: /Use this account/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  const row = page
    .getByTestId('invoice-row')
    .filter({ has: page.getByTestId('pay-now') })
    .first();
  const number = (await row.getByTestId('invoice-number').textContent())?.trim() ?? '';
  await row.getByTestId('invoice-number').click();

  const dialog = page.getByRole('dialog', { name: `Invoice ${number}` });
  await expect(dialog).toBeVisible();
  const lines = dialog.getByRole('table', { name: 'Charges on this invoice' });
  await expect(lines.getByRole('row')).not.toHaveCount(1); // header + at least one line
  await expect(dialog.getByText('Amount remaining')).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('invoice-number')).toBeFocused();

  const invoiceId = await row.getAttribute('data-invoice-id');
  await row.getByTestId('pay-now').click();
  await expect(page).toHaveURL(new RegExp(`#/pay/${invoiceId}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Pay invoice' })).toBeVisible();
});

test('a wrong password shows a clear error and stays on sign-in', async ({ page }) => {
  await openSignIn(page);
  const { email } = await demoAccount(page);

  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('definitely-not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  const error = page.getByRole('alert').filter({ hasText: 'We could not sign you in' });
  await expect(error).toBeVisible();
  await expect(error).not.toHaveText(/^\s*We could not sign you in\s*$/); // plus the reason
  await expect(page).toHaveURL(/#\/sign-in/);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to your account' })).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  // The password is cleared and focused for another try; the email is kept.
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Email address')).toHaveValue(email);
});

test('an invalid email shows a message at the field', async ({ page }) => {
  await openSignIn(page);

  await page.getByLabel('Email address').fill('not-an-email');
  await page.getByLabel('Password', { exact: true }).fill('anything');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  const field = page.getByLabel('Email address');
  await expect(page.getByTestId('email-error')).toHaveText(/valid email/i);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/valid email/i);
  await expect(field).toBeFocused();
  await expect(page.getByTestId('password-error')).toHaveCount(0);
  await expect(page).toHaveURL(/#\/sign-in/);
});

test('the invoices page needs a signed-in customer', async ({ page }) => {
  await page.goto('/#/account/invoices');
  await expect(page).toHaveURL(/#\/sign-in\?redirect=/);
  await page
    .getByRole('button', { name: /Use this account/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/#\/account\/invoices$/);
});
