/**
 * The on-screen keyboard on the portrait 1080×1920 touch screen: sign-in and guest lookup typed
 * only by tapping its keys (no page.fill, no keyboard.type), the layout each field gets, the keys'
 * size, the field kept above the keyboard, maxlength refused at the key, and a physical keyboard
 * still typing beside it. OSK_SCREENSHOTS=<dir> saves what the screen showed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

test.use({ viewport: { width: 1080, height: 1920 }, hasTouch: true, isMobile: false });

const SHOTS = process.env['OSK_SCREENSHOTS'];

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function keyboard(page: Page): Locator {
  return page.getByTestId('osk');
}

function key(page: Page, button: string): Locator {
  return keyboard(page).locator(`[data-skbtn="${button.replace(/["\\]/g, '\\$&')}"]`);
}

/** Taps each character's key, with Shift when the character is on the other layer. */
async function tapText(page: Page, text: string): Promise<void> {
  for (const ch of text) {
    const button = ch === ' ' ? '{space}' : ch;
    if ((await key(page, button).count()) === 0) {
      await key(page, '{shift}').first().tap();
    }
    await expect(key(page, button)).toHaveCount(1);
    await key(page, button).tap();
  }
}

/** The field sits fully above the keyboard, which is on screen. */
async function expectFieldAboveKeyboard(page: Page, field: Locator): Promise<void> {
  const box = await field.boundingBox();
  const kb = await keyboard(page).boundingBox();
  expect(box).not.toBeNull();
  expect(kb).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(kb!.y);
}

test('signing in by tapping keys only: email layout with @ and .com, letters for the password, keys ≥ 60 px', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: /Sign in to your account/ }).tap();
  const email = page.getByLabel('Email address');
  await expect(keyboard(page)).toBeHidden();

  await email.tap();
  await expect(keyboard(page)).toBeVisible();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'email');
  await expect(key(page, '@')).toBeVisible();
  await expect(key(page, '.com')).toBeVisible();
  await expectFieldAboveKeyboard(page, email);

  // Every key is at least 60 × 60 CSS px on the 1080-wide screen.
  for (const button of await keyboard(page).locator('[data-skbtn]').all()) {
    const box = (await button.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(60);
    expect(box.height).toBeGreaterThanOrEqual(60);
  }

  await tapText(page, 'maria.garcia@example');
  await key(page, '.com').tap();
  await expect(email).toHaveValue('maria.garcia@example.com');
  await expect(email).toBeFocused();
  await shot(page, 'osk-email');

  const password = page.getByLabel('Password', { exact: true });
  await password.tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'alpha');
  await tapText(page, 'kiosk-demo-1');
  await expect(password).toHaveValue('kiosk-demo-1');
  await expectFieldAboveKeyboard(page, password);

  // Backspace and Shift go through the same editing as a key on a real keyboard.
  await key(page, '{bksp}').first().tap();
  await expect(password).toHaveValue('kiosk-demo-');
  await tapText(page, '1');
  await expect(password).toHaveValue('kiosk-demo-1');

  await key(page, '{done}').tap();
  await expect(keyboard(page)).toBeHidden();
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await expect(page).toHaveURL(/#\/account\/invoices$/);
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
});

test('a guest finds an invoice by tapping: capitals locked for the invoice number, a number pad for the zip', async ({ page }) => {
  await page.goto('/#/guest');
  const demo = page.getByTestId('demo-guest-entry').filter({ hasText: 'Aiko Tanaka' });
  const number = ((await demo.getByTestId('demo-invoice-number').textContent()) ?? '').trim();
  const zip = ((await demo.getByTestId('demo-zip').textContent()) ?? '').trim();
  expect(number).toMatch(/\S/);

  // The scan field has focus from the start (for the scanner), but the keyboard waits for a tap.
  await expect(page.getByTestId('scan-input')).toBeFocused();
  await expect(keyboard(page)).toBeHidden();

  const numberField = page.getByLabel('Invoice number', { exact: true });
  await numberField.tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'alpha');
  // autocapitalize="characters": Shift is locked, the letter keys show capitals.
  await expect(key(page, 'Q')).toBeVisible();
  await tapText(page, number);
  await expect(numberField).toHaveValue(number);

  const zipField = page.getByLabel('Billing zip code');
  await zipField.tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'numeric');
  await expect(key(page, 'q')).toHaveCount(0);
  await expectFieldAboveKeyboard(page, zipField);
  await tapText(page, zip);
  await expect(zipField).toHaveValue(zip);
  await shot(page, 'osk-zip');

  await key(page, '{done}').tap();
  await page.getByRole('button', { name: 'Find invoice' }).tap();
  await expect(page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
});

test('maxlength is refused at the key; a physical keyboard and a scanner still type; Spanish labels', async ({ page }) => {
  await page.goto('/#/guest');
  await page.getByRole('button', { name: 'Español' }).tap();
  const zipField = page.getByLabel(/Código postal/);
  await zipField.tap();
  await expect(key(page, '{done}')).toHaveText('Listo');
  await expect(key(page, '{bksp}')).toContainText('Borrar');
  // The zip field takes 10 characters: the 11th and 12th taps change nothing.
  await tapText(page, '123456789012');
  await expect(zipField).toHaveValue('1234567890');

  // A physical key while the keyboard is open.
  await page.keyboard.press('Backspace');
  await expect(zipField).toHaveValue('123456789');
  // A scanner types into the scan field and presses Enter; the on-screen keyboard stays out of its way.
  const scan = page.getByTestId('scan-input');
  await scan.focus();
  await page.keyboard.type('not-a-link');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('guest-error').or(page.locator('#guest-link-error'))).toBeVisible();
});

test('the station setting onScreenKeyboard: off keeps it closed', async ({ page, preview }) => {
  writeFileSync(join(preview.dataDir, 'settings.json'), JSON.stringify({ onScreenKeyboard: 'off' }));
  await page.goto('/#/guest');
  await page.getByLabel('Billing zip code').tap();
  await expect(page.getByLabel('Billing zip code')).toBeFocused();
  await expect(keyboard(page)).toBeHidden();
});
