/** Helpers the kiosk (customer) specs share. */
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export { expectNoAxeViolations } from './desk-helpers';

/** Signs in with the n-th demo account (0: Maria, card on file; 1: James, bank account on file). */
export async function signIn(page: Page, which = 0): Promise<void> {
  await page.goto('/#/sign-in');
  await page
    .getByRole('button', { name: /Use this account/ })
    .nth(which)
    .click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('invoice-row').first()).toBeVisible();
}
