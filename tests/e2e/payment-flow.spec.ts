/**
 * The customer payment flow at the kiosk (issue 3) against the browser preview in training mode:
 * ways in, card and ACH payments, declines, amounts, the result popup, Update Information, Spanish
 * and axe. Demo accounts, invoice numbers and zips are read from the screen, never hard-coded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectNoAxeViolations, signIn } from './kiosk-helpers';

// ---- Helpers (sign-in and axe come from kiosk-helpers.ts) -----------------------------------------

const SHOTS = process.env['PAYMENT_SCREENSHOTS'];

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

/** Pay Now on the first invoice row with this status; returns its number. */
async function payInvoice(page: Page, status: 'open' | 'overdue' | 'partially_paid' = 'open'): Promise<string> {
  const row = page
    .getByTestId('invoice-row')
    .filter({ has: page.locator(`[data-status="${status}"]`) })
    .first();
  const number = ((await row.getByTestId('invoice-number').textContent()) ?? '').trim();
  await row.getByTestId('pay-now').click();
  await expect(page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
  await expect(page.getByLabel('Amount')).not.toHaveValue('');
  return number;
}

async function choose(page: Page, type: 'ACH' | 'Credit Card', way: string | RegExp): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`^${type}`) }).check();
  await page.getByRole('radio', { name: way }).check();
}

const NEW_CARD = 'Enter a new card for a one-time payment';
const NEW_BANK = 'Enter a new bank account for a one-time payment';
const SAVE = /^Save this payment method for autopay/;
const ON_FILE = 'Use a payment method on file';

async function fillCard(page: Page, number: string): Promise<void> {
  await expect(page.getByLabel('Card number')).toBeFocused();
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('CVC').fill('123');
}

function result(page: Page): Locator {
  return page.getByTestId('payment-result');
}

async function payNewCard(page: Page, number: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
  await fillCard(page, number);
  await page.getByRole('button', { name: 'Make Payment' }).click();
}

async function expectWelcomeAndSignedOut(page: Page): Promise<void> {
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  await expect(page.getByTestId('guest-badge')).toHaveCount(0);
}

// ---- Ways in -------------------------------------------------------------------------------------

test('sign in → Payments tab → Pay total balance; a part of it pays the oldest open invoice with the card on file; Email my receipt; Done wipes', async ({
  page,
  preview,
}) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  const balance = page.getByTestId('open-balance');
  await expect(balance.getByTestId('balance-amount')).toHaveText('$294.63'); // 58.90 + 140.00 + 95.73
  await expect(page.getByTestId('payment-row')).toHaveCount(1);
  await expect(balance).toContainText('A payment is applied to your oldest unpaid invoice first');
  await balance.getByRole('link', { name: 'Pay total balance' }).click();

  // All three, the oldest (the overdue one) first; an amount of 58.90 pays just that one.
  await expect(page.getByRole('heading', { level: 1, name: 'Pay 3 invoices' })).toBeVisible();
  await expect(page.getByTestId('pay-remaining')).toHaveText('$294.63');
  await expect(page.getByTestId('pay-invoice-row').first()).toContainText('$58.90');
  await expect(page.getByLabel('Name on account')).toHaveValue('Maria Garcia');
  await expect(page.getByLabel('Zip code')).toHaveValue('78704');
  await expect(page.getByLabel('Amount')).toHaveValue('294.63');
  await page.getByLabel('Amount').fill('58.90');

  await choose(page, 'Credit Card', ON_FILE);
  const saved = page.getByTestId('saved-method');
  await expect(saved).toHaveCount(1);
  await expect(saved).toContainText('Visa ending in 4242');
  await expect(saved).toContainText('Expires 12/29');
  await expect(saved).toContainText('Default');
  await expect(saved.getByRole('radio')).toBeChecked();
  await shot(page, 'pay-page');

  await page.getByRole('button', { name: 'Continue' }).click();
  const popup = result(page);
  await expect(popup).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Thank you! Your payment was received' })).toBeVisible();
  await expect(popup.getByTestId('result-amount')).toHaveText('$58.90');
  await expect(popup.getByTestId('result-method')).toHaveText('Visa ending in 4242');
  await expect(popup.getByTestId('result-confirmation')).toHaveText(/^pi_\w+/);
  await expect(popup.getByTestId('result-status')).toHaveText('Paid');
  await expect(popup.getByTestId('result-print')).toBeEnabled();
  await expect(popup.getByTestId('result-announcer')).toContainText('Thank you! Your payment was received');
  await shot(page, 'popup-success');

  // Email my receipt: training mode saves the e-mail on the station instead of sending it.
  await popup.getByTestId('result-email').click();
  await expect(popup.getByTestId('result-email-answer')).toHaveAttribute('data-sent', 'true');
  await expect(popup.getByTestId('result-email-answer')).toContainText('Training mode: the email was not sent');
  await expect(popup.getByTestId('result-email')).toBeDisabled();
  const mailDir = join(preview.dataDir, 'training-mail');
  const mails = readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
  expect(mails).toHaveLength(1);
  const eml = readFileSync(join(mailDir, mails[0] ?? ''), 'utf8');
  expect(eml).toContain('To: maria.garcia@example.com');
  expect(eml).toContain('Amount: $58.90');

  await popup.getByRole('button', { name: 'Done' }).click();
  await expectWelcomeAndSignedOut(page);
  await page.goto('/#/account/payments');
  await expect(page).toHaveURL(/#\/sign-in/);
});

test('guest by invoice number and zip pays with a new card; no saved methods are offered', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: /Pay an invoice as a guest/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pay as a guest' })).toBeVisible();
  await expect(page.getByLabel('Scan the QR code on your invoice')).toBeFocused();

  const demo = page.getByTestId('demo-guest-entry').filter({ hasText: 'Aiko Tanaka' });
  const number = ((await demo.getByTestId('demo-invoice-number').textContent()) ?? '').trim();
  const zip = ((await demo.getByTestId('demo-zip').textContent()) ?? '').trim();
  await page.getByLabel('Invoice number', { exact: true }).fill(number);
  await page.getByLabel('Billing zip code').fill(zip);
  await page.getByRole('button', { name: 'Find invoice' }).click();

  await expect(page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
  await expect(page.getByTestId('guest-badge')).toBeVisible();
  await expect(page.getByLabel('Name on account')).toHaveValue('');
  await expect(page.getByRole('radio', { name: ON_FILE })).toHaveCount(0);
  await expect(page.getByRole('radio', { name: SAVE })).toHaveCount(0);

  await page.getByLabel('Name on account').fill('Aiko Tanaka');
  await page.getByLabel('Zip code').fill(zip);
  await choose(page, 'Credit Card', NEW_CARD);
  await payNewCard(page, '4242 4242 4242 4242');
  await expect(page.getByRole('dialog', { name: 'Thank you! Your payment was received' })).toBeVisible();
  await expect(result(page).getByTestId('result-invoice')).toHaveText(number);
  await result(page).getByRole('button', { name: 'Done' }).click();
  await expectWelcomeAndSignedOut(page);
});

test('guest by the QR code: the scanner types the link into the scan field and presses Enter', async ({ page }) => {
  await page.goto('/#/guest');
  const scan = page.getByLabel('Scan the QR code on your invoice');
  await expect(scan).toBeFocused();
  const demo = page.getByTestId('demo-guest-entry').filter({ hasText: 'James Wilson' });
  const number = ((await demo.getByTestId('demo-invoice-number').textContent()) ?? '').trim();

  // A nonsense scan first: refused, the field is cleared and focused for the next scan.
  await page.keyboard.type('hello world');
  await page.keyboard.press('Enter');
  await expect(scan).toHaveAccessibleDescription(/not an invoice payment link/);
  await expect(scan).toHaveAttribute('aria-invalid', 'true');
  await expect(scan).toHaveValue('');
  await expect(scan).toBeFocused();

  await demo.getByRole('button', { name: 'Use this link: James Wilson' }).click();
  await expect(scan).toHaveValue(/^https:\/\/pay\.example\.com\/i\/in_/);
  await expect(scan).toBeFocused();
  await shot(page, 'guest');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
  await expect(page.getByTestId('pay-remaining')).toHaveText('$70.75');

  // Leave ends the guest visit.
  await page.getByTestId('guest-leave').click();
  await expectWelcomeAndSignedOut(page);
});

test('guest: a wrong zip is refused, and five wrong zips lock the invoice', async ({ page }) => {
  await page.goto('/#/guest');
  const number = ((await page.getByTestId('demo-invoice-number').first().textContent()) ?? '').trim();
  await page.getByLabel('Invoice number', { exact: true }).fill(number);
  await page.getByLabel('Billing zip code').fill('1234');
  await page.getByRole('button', { name: 'Find invoice' }).click();
  await expect(page.getByLabel('Billing zip code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Billing zip code')).toHaveAccessibleDescription(/5-digit zip code/);

  for (let i = 1; i <= 5; i++) {
    await page.getByLabel('Billing zip code').fill('99999');
    await page.getByRole('button', { name: 'Find invoice' }).click();
    const error = page.getByTestId('guest-error');
    if (i < 5) await expect(error).toContainText('could not find an invoice with that number and zip code');
    else await expect(error).toContainText(/Too many wrong attempts.*15 minutes/);
  }
  await expect(page).toHaveURL(/#\/guest$/);
  await expectNoAxeViolations(page);

  // Even the right zip is refused while locked.
  await page.getByLabel('Billing zip code').fill('78704');
  await page.getByRole('button', { name: 'Find invoice' }).click();
  await expect(page.getByTestId('guest-error')).toContainText(/Too many wrong attempts/);
  await expect(page).toHaveURL(/#\/guest$/);
});

// ---- Credit card -------------------------------------------------------------------------------

test('new card, one-time, part of the balance: the invoice then shows Partially paid with the new remaining', async ({ page }) => {
  await signIn(page);
  const number = await payInvoice(page, 'open');
  await expect(page.getByTestId('pay-remaining')).toHaveText('$95.73');
  await choose(page, 'Credit Card', NEW_CARD);
  await page.getByLabel('Amount').fill('20.00');
  await page.getByRole('button', { name: 'Continue' }).click();

  const entry = page.getByTestId('entry-box');
  await expect(entry).toBeInViewport();
  await expect(page.getByLabel('Card number')).toBeFocused();
  await expect(entry.getByTestId('test-cards-note')).toContainText('4242 4242 4242 4242');
  await expect(entry.getByTestId('test-cards-note')).toContainText('4000 0000 0000 0002');
  await fillCard(page, '4242424242424242');
  await expect(page.getByLabel('Card number')).toHaveValue('4242 4242 4242 4242');
  await shot(page, 'entry-card');
  await page.getByRole('button', { name: 'Make Payment' }).click();

  const popup = result(page);
  await expect(popup.getByTestId('result-amount')).toHaveText('$20.00');
  await expect(popup.getByTestId('result-invoice')).toHaveText(number);
  // The card numbers were wiped behind the popup.
  await expect(page.getByLabel('Card number')).toHaveValue('');
  await popup.getByRole('button', { name: 'Done' }).click();
  await expectWelcomeAndSignedOut(page);

  await signIn(page);
  const row = page.getByTestId('invoice-row').filter({ hasText: number });
  await expect(row.getByTestId('status-badge')).toHaveText(/Partially paid/);
  await expect(row).toContainText('$75.73');
});

test('new card saved for autopay: autopay turns on with that card', async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId('autopay-state')).toHaveText('Off');
  await payInvoice(page, 'partially_paid');
  await choose(page, 'Credit Card', SAVE);
  await payNewCard(page, '5555555555554444');
  const popup = result(page);
  await expect(popup.getByTestId('result-method')).toHaveText('Mastercard ending in 4444');
  await expect(popup).toContainText('This payment method is saved, and autopay is on.');
  await popup.getByRole('button', { name: 'Done' }).click();

  await signIn(page);
  await expect(page.getByTestId('autopay-state')).toHaveText('On');
  await expect(page.getByTestId('autopay-detail')).toHaveText('Your bills are paid automatically with Mastercard ending in 4444.');
});

test('every card decline is explained in plain words; Try again keeps amount and name, then 4242 goes through', async ({ page }) => {
  await signIn(page);
  await payInvoice(page, 'overdue');
  await choose(page, 'Credit Card', NEW_CARD);
  await page.getByLabel('Amount').fill('10.00');
  await page.getByLabel('Name on account').fill('Maria G Garcia');
  await page.getByRole('button', { name: 'Continue' }).click();

  const declines: Array<[string, string]> = [
    ['4000000000000002', 'Your card was declined.'],
    ['4000000000009995', 'There are not enough funds for this payment.'],
    ['4000000000000069', 'Your card has expired.'],
    ['4000000000000127', 'The card’s security code (CVC) is incorrect.'],
    ['4000000000000119', 'There was a problem processing your card. Please try again in a moment.'],
    ['4000000000009987', 'Your card was declined.'], // lost card: shown as a plain decline
  ];
  for (const [card, reason] of declines) {
    await fillCard(page, card);
    await page.getByRole('button', { name: 'Make Payment' }).click();
    const popup = page.getByRole('dialog', { name: 'Your payment did not go through' });
    await expect(popup).toBeVisible();
    await expect(popup.getByTestId('result-reason')).toHaveText(reason);
    await expect(popup).toContainText('Please double-check your billing details and card information.');
    await expect(popup.getByRole('button', { name: 'Update Information' })).toBeVisible();
    await expect(popup.getByRole('button', { name: 'Try again' })).toBeFocused();
    if (card === '4000000000000002') await shot(page, 'popup-failure');
    await popup.getByRole('button', { name: 'Try again' }).click();
    await expect(popup).toBeHidden();
    await expect(page.getByLabel('Card number')).toHaveValue('');
    await expect(page.getByLabel('CVC')).toHaveValue('');
    await expect(page.getByLabel('Amount')).toHaveValue('10.00');
    await expect(page.getByLabel('Name on account')).toHaveValue('Maria G Garcia');
  }
  await fillCard(page, '4242424242424242');
  await page.getByRole('button', { name: 'Make Payment' }).click();
  await expect(result(page).getByTestId('result-amount')).toHaveText('$10.00');
  await expect(result(page).getByTestId('result-status')).toHaveText('Paid');
});

test('bad amounts are refused at the field and nothing is charged', async ({ page }) => {
  await signIn(page);
  await payInvoice(page, 'open');
  await choose(page, 'Credit Card', ON_FILE);
  const amount = page.getByLabel('Amount');
  const cases: Array<[string, RegExp]> = [
    ['0', /more than zero/],
    ['-5', /cannot be negative/],
    ['1.234', /no more than 2 digits/],
    ['95.74', /cannot be more than the \$95\.73 still due/],
    ['ten dollars', /dollars and cents/],
    ['', /Enter an amount/],
  ];
  let payCalls = 0;
  page.on('request', (req) => {
    if (decodeURIComponent(req.url()).includes('/api/payments:pay')) payCalls++;
  });
  for (const [text, message] of cases) {
    await amount.fill(text);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByTestId('amount-error')).toHaveText(message);
    await expect(amount).toHaveAttribute('aria-invalid', 'true');
    await expect(amount).toBeFocused();
    await expect(result(page)).toHaveCount(0);
  }
  await shot(page, 'amount-error');
  expect(payCalls).toBe(0);
  await page.goto('/#/account/payments');
  await expect(page.getByTestId('payment-row')).toHaveCount(1);
});

test('Continue is disabled with a spinner while sending; a conflict says the payment is already being sent', async ({ page }) => {
  await signIn(page);
  await payInvoice(page, 'open');
  await choose(page, 'Credit Card', ON_FILE);

  let calls = 0;
  await page.route(
    (url) => decodeURIComponent(url.pathname) === '/api/payments:paySaved',
    async (route) => {
      calls++;
      if (calls === 1) {
        await new Promise((done) => setTimeout(done, 800));
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ ok: false, error: { code: 'conflict', reason: 'payment_in_flight', message: 'payment_in_flight' } }),
        });
        return;
      }
      await route.continue();
    },
  );
  const continueButton = page.getByTestId('continue');
  await continueButton.click();
  await expect(continueButton).toBeDisabled();
  await expect(continueButton.locator('.spinner')).toBeVisible();
  await expect(continueButton).toContainText('Sending payment…');
  await continueButton.click({ force: true }).catch(() => undefined);
  await expect(page.getByTestId('pay-error')).toContainText('This payment is already being sent');
  expect(calls).toBe(1);
  await expect(continueButton).toBeEnabled();

  await continueButton.click();
  await expect(result(page).getByTestId('result-status')).toHaveText('Paid');
  expect(calls).toBe(2);
});

// ---- ACH ---------------------------------------------------------------------------------------

test('ACH with a new bank account needs micro-deposit verification; the code is entered later from the Payments tab', async ({ page }) => {
  await signIn(page);
  const number = await payInvoice(page, 'open');
  await choose(page, 'ACH', NEW_BANK);
  await page.getByLabel('Amount').fill('30.00');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByLabel('Routing number')).toBeFocused();
  await page.getByLabel('Routing number').fill('110000000');
  await page.getByLabel('Account number').fill('000123456789');
  await expect(page.getByRole('radio', { name: 'Individual' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Checking', exact: true })).toBeChecked();
  const mandate = page.getByTestId('mandate-text');
  await expect(mandate).toContainText('City Utilities Billing');
  await expect(mandate).toContainText('$30.00');
  await expect(mandate).toContainText(number);
  await expect(mandate).toContainText('revoke');

  // The authorization must be accepted.
  await page.getByRole('button', { name: 'Make Payment' }).click();
  const box = page.getByRole('checkbox', { name: 'I have read and agree to this authorization' });
  await expect(box).toBeFocused();
  await expect(page.getByText('Please read and accept the authorization.')).toBeVisible();
  await box.check();
  await shot(page, 'entry-ach');
  await page.getByRole('button', { name: 'Make Payment' }).click();

  const popup = page.getByRole('dialog', { name: 'One more step: verify your bank account' });
  await expect(popup).toBeVisible();
  await expect(popup.getByTestId('result-method')).toHaveText('Stripe Test Bank ending in 6789');
  const next = popup.getByTestId('result-next');
  await expect(next).toContainText('two small deposits');
  await expect(next).toContainText('6-character code starting with SM');
  await expect(next).toContainText('1–2 business days');
  await expect(next).toContainText('sign in');
  await expect(next).toContainText('Payments tab');
  await expect(next).toContainText('Enter code');
  await shot(page, 'popup-verification');
  await popup.getByRole('button', { name: 'Done' }).click();
  await expectWelcomeAndSignedOut(page);

  // Later: back at the kiosk.
  await signIn(page);
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  const pending = page.getByTestId('pending-item');
  await expect(pending).toHaveCount(1);
  await expect(pending).toContainText(`$30.00 for invoice ${number}`);
  const historyRow = page.getByTestId('payment-row').filter({ hasText: '$30.00' });
  await expect(historyRow.getByTestId('status-badge')).toHaveText(/Needs verification/);
  await pending.getByRole('button', { name: /Enter code/ }).click();
  const code = page.getByLabel('Verification code');
  await expect(code).toBeFocused();
  await code.fill('SM1');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('code-error')).toHaveText('The code has 6 characters and starts with SM.');
  await code.fill('SM11AB');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('code-error')).toContainText('That code does not match');
  await expectNoAxeViolations(page);
  await code.fill('sm11aa');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('verify-done')).toContainText('payment of $30.00 is processing');
  await expect(page.getByTestId('pending-item')).toHaveCount(0);
  await expect(historyRow.getByTestId('status-badge')).toHaveText(/Processing/);
});

test('ACH with the bank account on file is processing, usually 4 business days', async ({ page }) => {
  await signIn(page, 1); // James: a bank account on file
  await payInvoice(page, 'open');
  await choose(page, 'ACH', ON_FILE);
  await expect(page.getByTestId('saved-method')).toContainText('Stripe Test Bank ending in 6789');
  // No card on file for James: the card type offers only new cards.
  await page.getByRole('radio', { name: /^Credit Card/ }).check();
  await expect(page.getByRole('radio', { name: ON_FILE })).toHaveCount(0);
  await choose(page, 'ACH', ON_FILE);
  await page.getByRole('button', { name: 'Continue' }).click();
  const popup = page.getByRole('dialog', { name: 'Thank you! Your payment is on its way' });
  await expect(popup.getByTestId('result-status')).toHaveText('Processing — usually 4 business days');
  await expect(popup.getByTestId('result-amount')).toHaveText('$70.75');
  await popup.getByRole('button', { name: 'Done' }).click();

  await signIn(page, 1);
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  await expect(page.getByTestId('payment-row').filter({ hasText: '$70.75' }).getByTestId('status-badge')).toHaveText(/Processing/);
});

// ---- Update Information ------------------------------------------------------------------------

test('Update Information from a decline: billing details checked at the fields, saved, then back to retry', async ({ page }) => {
  await signIn(page);
  const number = await payInvoice(page, 'open');
  await choose(page, 'Credit Card', NEW_CARD);
  await page.getByLabel('Amount').fill('12.34');
  await payNewCard(page, '4000000000000002');
  await page.getByRole('dialog', { name: 'Your payment did not go through' }).getByRole('button', { name: 'Update Information' }).click();

  await expect(page).toHaveURL(/#\/account\/billing\?return=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Update Information' })).toBeVisible();
  await expect(page.getByLabel('Street address')).toHaveValue('1200 Barton Springs Rd');
  await expect(page.getByLabel('City')).toHaveValue('Austin');
  await expect(page.getByLabel('State')).toHaveValue('TX');
  await expect(page.getByLabel('Zip code')).toHaveValue('78704');
  await expect(page.getByLabel('Country')).toHaveValue('US');
  await expect(page.getByLabel('Email address')).toHaveValue('maria.garcia@example.com');

  await page.getByLabel('Zip code').fill('787');
  await page.getByLabel('Phone number').fill('call me');
  await page.getByLabel('State').fill('T1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('State')).toBeFocused();
  await expect(page.getByLabel('State')).toHaveAccessibleDescription(/2-letter state code/);
  await expect(page.getByLabel('Zip code')).toHaveAccessibleDescription(/5-digit zip code/);
  await expect(page.getByLabel('Phone number')).toHaveAccessibleDescription(/phone number/);
  await expectNoAxeViolations(page);
  await shot(page, 'billing');

  await page.getByLabel('State').fill('tx');
  await page.getByLabel('Zip code').fill('78705');
  await page.getByLabel('Phone number').fill('+1 512 555 0199');
  await page.getByRole('button', { name: 'Save' }).click();

  await expect(page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
  await expect(page.getByLabel('Amount')).toHaveValue('12.34');
  await expect(page.getByRole('radio', { name: NEW_CARD })).toBeChecked();
  await page.getByLabel('Zip code').fill('78705');
  await payNewCard(page, '4242424242424242');
  await expect(result(page).getByTestId('result-amount')).toHaveText('$12.34');
  await result(page).getByRole('button', { name: 'Done' }).click();

  // The new details were saved to the account.
  await signIn(page);
  await page.goto('/#/account/billing');
  await expect(page.getByLabel('Zip code')).toHaveValue('78705');
  await expect(page.getByLabel('Phone number')).toHaveValue('+1 512 555 0199');
});

// ---- Spanish and accessibility -----------------------------------------------------------------

test('the payment page, entry box and popup in Spanish', async ({ page }) => {
  await signIn(page);
  await payInvoice(page, 'open');
  await page.getByRole('button', { name: 'Español' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Pagar la factura / })).toBeVisible();
  await expect(page.getByText('Saldo pendiente')).toBeVisible();
  await page.getByRole('radio', { name: /^Tarjeta de crédito/ }).check();
  await page.getByRole('radio', { name: 'Usar una tarjeta nueva para un solo pago' }).check();
  await expect(page.getByLabel('Nombre del titular')).toBeVisible();
  await page.getByLabel('Importe').fill('0');
  await page.getByRole('button', { name: 'Continuar' }).click();
  await expect(page.getByTestId('amount-error')).toHaveText('El importe debe ser mayor que cero.');
  await page.getByLabel('Importe').fill('5');
  await page.getByRole('button', { name: 'Continuar' }).click();
  await page.getByLabel('Número de tarjeta').fill('4000000000000002');
  await page.getByLabel('Vencimiento (MM/AA)').fill('1234');
  await page.getByLabel('CVC').fill('123');
  await shot(page, 'entry-es');
  await page.getByRole('button', { name: 'Realizar el pago' }).click();
  const popup = page.getByRole('dialog', { name: 'Su pago no se completó' });
  await expect(popup.getByTestId('result-reason')).toHaveText('Su tarjeta fue rechazada.');
  await expect(popup.getByRole('button', { name: 'Intentar de nuevo' })).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Actualizar datos' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('axe: payment page, entry boxes, both popups and the guest screen have no violations', async ({ page }) => {
  await page.goto('/#/guest');
  await expect(page.getByTestId('demo-guest-entry').first()).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('Invoice number', { exact: true }).fill('X');
  await page.getByRole('button', { name: 'Find invoice' }).click();
  await expect(page.getByLabel('Billing zip code')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page);

  await signIn(page);
  await payInvoice(page, 'open');
  await choose(page, 'Credit Card', ON_FILE);
  await expectNoAxeViolations(page);

  await choose(page, 'ACH', NEW_BANK);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByLabel('Routing number')).toBeFocused();
  await page.getByRole('button', { name: 'Make Payment' }).click();
  await expect(page.getByLabel('Routing number')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page);

  await choose(page, 'Credit Card', NEW_CARD);
  await payNewCard(page, '4000000000000002');
  await expect(page.getByRole('dialog', { name: 'Your payment did not go through' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Try again' }).click();
  await fillCard(page, '4242424242424242');
  await page.getByRole('button', { name: 'Make Payment' }).click();
  await expect(page.getByRole('dialog', { name: 'Thank you! Your payment was received' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('keyboard only: choose the type and way with the keyboard, pay with a new card, focus stays in the popup', async ({ page }) => {
  await signIn(page);
  await payInvoice(page, 'overdue');
  // Radios: one Tab stop per group, arrows move the choice.
  await page.getByRole('radio', { name: /^ACH/ }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: /^Credit Card/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^Credit Card/ })).toBeFocused();
  expect(await page.locator('[data-testid="type-card"]').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.keyboard.press('Tab');
  // Maria has a card on file, so "on file" is chosen; the new card is two up.
  await expect(page.getByRole('radio', { name: ON_FILE })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('radio', { name: NEW_CARD })).toBeChecked();
  await page.getByLabel('Amount').focus();
  await page.keyboard.press('Enter'); // Continue
  await expect(page.getByLabel('Card number')).toBeFocused();
  await page.keyboard.type('4242424242424242');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1234');
  await page.keyboard.press('Tab');
  await page.keyboard.type('123');
  await page.keyboard.press('Enter'); // Make Payment
  const popup = page.getByRole('dialog', { name: 'Thank you! Your payment was received' });
  await expect(popup).toBeVisible();
  // Focus cannot leave the modal popup.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect(await popup.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  // Touch targets are at least 44 px.
  for (const button of await popup.getByRole('button').all()) {
    const box = await button.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  }
});
