/**
 * The app shell: training banner, language switch, accessibility (axe) and keyboard-only use.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

function trainingBanner(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: 'Training mode — no real payments' });
}

async function signInWithDemo(page: Page): Promise<void> {
  await page.goto('/#/sign-in');
  await page
    .getByRole('button', { name: /Use this account/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('invoice-row').first()).toBeVisible();
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary).toEqual([]);
}

/** Presses Tab until `target` has focus (fails if it never does): proves it is reachable by keyboard. */
async function tabTo(page: Page, target: Locator, maxTabs = 30): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`could not reach ${String(target)} with Tab`);
}

test('the training banner is on every screen (and no screen logs an error or a CSP violation)', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

  const screens: Array<[string, RegExp]> = [
    ['/', /Welcome/],
    ['/#/sign-in', /Sign in to your account/],
    ['/#/guest', /Pay as a guest/],
    ['/#/help', /Get help/],
  ];
  for (const [path, heading] of screens) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(trainingBanner(page)).toBeVisible();
  }

  await signInWithDemo(page);
  await expect(trainingBanner(page)).toBeVisible();
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  await expect(page).toHaveURL(/#\/account\/payments$/);
  await expect(trainingBanner(page)).toBeVisible();
  await page.getByRole('link', { name: 'Invoices', exact: true }).click();
  await page.getByTestId('pay-now').first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pay invoice' })).toBeVisible();
  await expect(trainingBanner(page)).toBeVisible();

  expect(problems).toEqual([]);
});

test('the Spanish switch changes the texts on every screen, and back', async ({ page }) => {
  await page.goto('/');
  const language = page.getByRole('group', { name: 'Language' });
  await language.getByRole('button', { name: 'Español' }).click();

  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('group', { name: 'Idioma' }).getByRole('button', { name: 'Español' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByRole('heading', { level: 1, name: 'Bienvenido' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Modo de práctica' })).toBeVisible();
  await page.getByRole('link', { name: /Iniciar sesión en su cuenta/ }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Iniciar sesión en su cuenta' })).toBeVisible();
  await expect(page.getByLabel('Correo electrónico')).toBeVisible();
  await expect(page.getByLabel('Contraseña', { exact: true })).toBeVisible();
  await expect(page).toHaveTitle(/Iniciar sesión/);

  // Errors follow the language too.
  await page.getByLabel('Correo electrónico').fill('no-es-un-correo');
  await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).click();
  await expect(page.getByTestId('email-error')).toHaveText(/correo electrónico válido/);

  await page
    .getByRole('button', { name: /Usar esta cuenta/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Facturas', exact: true })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Número de factura' })).toBeVisible();
  await expect(
    page
      .getByTestId('status-badge')
      .filter({ hasText: /Vencida/ })
      .first(),
  ).toBeVisible();
  await expect(page.getByTestId('pay-now').first()).toContainText('Pagar ahora');

  await page.getByRole('group', { name: 'Idioma' }).getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('columnheader', { name: 'Invoice number' })).toBeVisible();
});

test('signing out wipes the account and returns to the start in the default language', async ({ page }) => {
  await signInWithDemo(page);
  await page.getByRole('button', { name: 'Español' }).click();
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  await page.goto('/#/account/invoices');
  await expect(page).toHaveURL(/#\/sign-in/);
});

test('axe finds no accessibility violations on welcome, sign-in and invoices', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.goto('/#/sign-in');
  await expect(page.getByTestId('demo-entry').first()).toBeVisible();
  await expectNoAxeViolations(page);

  // With the field and form errors showing.
  await page.getByLabel('Email address').fill('bad');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('email-error')).toBeVisible();
  await expectNoAxeViolations(page);

  await signInWithDemo(page);
  await expectNoAxeViolations(page);

  await page.getByTestId('invoice-number').first().click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expect(page.getByTestId('invoice-lines')).toBeVisible();
  await expectNoAxeViolations(page);

  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Español' }).click();
  await expectNoAxeViolations(page);
});

test('keyboard only: sign in with the demo account and reach the invoices', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();

  const signInChoice = page.getByRole('link', { name: /Sign in to your account/ });
  await tabTo(page, signInChoice);
  // The focus ring is visible.
  expect(await signInChoice.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to your account' })).toBeFocused();

  const entry = page.getByTestId('demo-entry').first();
  const email = (await entry.getByTestId('demo-email').textContent())?.trim() ?? '';
  const password = (await entry.getByTestId('demo-password').textContent())?.trim() ?? '';

  await tabTo(page, page.getByLabel('Email address'));
  await page.keyboard.type(email);
  await tabTo(page, page.getByLabel('Password', { exact: true }));
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/#\/account\/invoices$/);
  await expect(page.getByTestId('invoice-row').first()).toBeVisible();

  // Open an invoice's detail and close it again, all by keyboard.
  const firstNumber = page.getByTestId('invoice-number').first();
  await tabTo(page, firstNumber, 40);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(firstNumber).toBeFocused();

  // The demo box's "Use this account" works by keyboard too (after signing out).
  await tabTo(page, page.getByRole('button', { name: 'Sign out' }), 60);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
});
