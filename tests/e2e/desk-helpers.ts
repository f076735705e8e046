/** Helpers shared by the desk and offline specs (fixtures.ts is the lead's). */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const SHOTS = process.env['DESK_SCREENSHOTS'];

export const MANAGER = { name: 'Dana Manager', pin: '246810' };

export async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary).toEqual([]);
}

/** First start: creates the manager (signs in as them) and waits for the desk. */
export async function createManager(page: Page): Promise<void> {
  await page.goto('/#/desk');
  await expect(page.getByRole('heading', { level: 1, name: 'Create the manager' })).toBeVisible();
  await page.getByLabel('Name').fill(MANAGER.name);
  await page.getByLabel('PIN', { exact: true }).fill(MANAGER.pin);
  await page.getByLabel('Type the PIN again').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Create the manager' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Front desk' })).toBeVisible();
}

export async function signInStaff(page: Page, name = MANAGER.name, pin = MANAGER.pin): Promise<void> {
  await page.goto('/#/desk');
  await expect(page.getByRole('heading', { level: 1, name: 'Staff sign-in' })).toBeVisible();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('PIN', { exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Lookup → search → open the customer. */
export async function openCustomer(page: Page, query: string, name: string): Promise<void> {
  await page.getByTestId('desk-tab-lookup').click();
  if (await page.getByTestId('back-to-search').isVisible()) await page.getByTestId('back-to-search').click();
  await page.getByTestId('desk-search').fill(query);
  await page.getByTestId('customer-hit').filter({ hasText: name }).getByTestId('open-customer').click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

/** Opens "Pay at desk" on the first payable invoice; returns its number and the remaining text. */
export async function payAtDesk(page: Page, row = 0): Promise<{ number: string }> {
  const invoice = page
    .getByTestId('desk-invoice-row')
    .filter({ has: page.getByTestId('pay-at-desk') })
    .nth(row);
  const number = (await invoice.getAttribute('data-number')) ?? '';
  await invoice.getByTestId('pay-at-desk').click();
  await expect(page.getByTestId('desk-pay')).toBeVisible();
  return { number };
}

/** The customer's file comes from the station's local copy, which catches up after a sync: refresh until it shows. */
export async function refreshUntil(page: Page, check: () => Promise<void>): Promise<void> {
  await expect(async () => {
    await page.getByTestId('customer-refresh').click();
    await check();
  }).toPass({ timeout: 30_000, intervals: [500, 1000, 2000] });
}

/**
 * In the desk payment dialog with Cash chosen: cash goes through the station's cash drawer, so when
 * none is open the dialog asks to open one; this opens it with `float` (dollars) and waits for the form.
 */
export async function openDrawerIfAsked(page: Page, float = '100.00'): Promise<void> {
  const ask = page.getByTestId('desk-pay-no-drawer');
  const tendered = page.getByLabel('Cash handed over');
  await expect(ask.or(tendered)).toBeVisible();
  if (await ask.isVisible()) {
    await page.getByLabel('Counted float').fill(float);
    await page.getByTestId('desk-pay-open-drawer').click();
    await expect(tendered).toBeVisible();
  }
}
