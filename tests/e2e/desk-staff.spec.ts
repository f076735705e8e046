/**
 * The front desk (issue 5): first start, staff sign-in, lookup, the Staff tab, customers kept out,
 * the kiosk's Get help reaching the desk, and axe on the desk screens.
 */
import { expect, test } from './fixtures';
import { createManager, expectNoAxeViolations, MANAGER, openCustomer, shot, signInStaff } from './desk-helpers';

test('first manager, sign out, wrong PIN, sign in; lookup by name and invoice number; staff tab; axe', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('staff-link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create the manager' })).toBeVisible();
  await expectNoAxeViolations(page);
  await shot(page, 'desk-setup');

  // PINs must match and be digits.
  await page.getByLabel('Name').fill(MANAGER.name);
  await page.getByLabel('PIN', { exact: true }).fill('12ab34');
  await expect(page.getByLabel('PIN', { exact: true })).toHaveValue('1234');
  await page.getByLabel('Type the PIN again').fill('4321');
  await page.getByRole('button', { name: 'Create the manager' }).click();
  await expect(page.getByText('The two PINs are not the same.')).toBeVisible();

  await page.getByLabel('PIN', { exact: true }).fill(MANAGER.pin);
  await page.getByLabel('Type the PIN again').fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Create the manager' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Front desk' })).toBeVisible();
  await expect(page.getByTestId('desk-who')).toContainText(MANAGER.name);
  for (const tab of ['lookup', 'queue', 'help', 'report', 'staff']) await expect(page.getByTestId(`desk-tab-${tab}`)).toBeVisible();

  await page.getByTestId('desk-sign-out').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Staff sign-in' })).toBeVisible();
  await signInStaff(page, MANAGER.name, '999999');
  await expect(page.getByTestId('desk-sign-in-error')).toHaveText('That name and PIN do not match. Check them and try again.');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-sign-in-wrong');

  await page.getByLabel('PIN', { exact: true }).fill(MANAGER.pin);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Front desk' })).toBeVisible();
  await expect(page.getByTestId('desk-search')).toBeFocused();

  // Lookup by name.
  await page.getByTestId('desk-search').pressSequentially('garc');
  await expect(page.getByTestId('customer-hit').filter({ hasText: 'Maria Garcia' })).toBeVisible();
  await expect(page.getByTestId('lookup-as-of')).toContainText('As of');
  const invoiceHit = page.getByTestId('invoice-hit').first();
  await expectNoAxeViolations(page);
  await shot(page, 'desk-lookup');

  // Lookup by invoice number (read from the customer's file).
  await openCustomer(page, 'Maria', 'Maria Garcia');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-customer');
  const number = (await page.getByTestId('desk-invoice-row').first().getAttribute('data-number')) ?? '';
  expect(number).not.toBe('');
  await page.getByTestId('back-to-search').click();
  await page.getByTestId('desk-search').fill(number);
  await expect(invoiceHit.getByTestId('open-invoice-customer')).toHaveText(number);
  await expect(invoiceHit).toContainText('Maria Garcia');

  // Staff tab: add a clerk, who sees no Report or Staff tab.
  await page.getByTestId('desk-tab-staff').click();
  await page.locator('#staff-name').fill('Casey Clerk');
  await page.locator('#staff-pin').fill('1357');
  await page.getByTestId('staff-add-submit').click();
  await expect(page.getByTestId('staff-row').filter({ hasText: 'Casey Clerk' })).toContainText('Clerk');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-staff');

  await page.getByTestId('desk-sign-out').click();
  await signInStaff(page, 'Casey Clerk', '1357');
  await expect(page.getByTestId('desk-who')).toContainText('Casey Clerk');
  await expect(page.getByTestId('desk-tab-report')).toHaveCount(0);
  await expect(page.getByTestId('desk-tab-staff')).toHaveCount(0);
  await page.goto('/#/desk/report');
  await expect(page).toHaveURL(/#\/desk\/lookup$/);
});

test('a customer session never sees the desk; Get help on the kiosk reaches the desk Help list', async ({ browser, preview }) => {
  const deskContext = await browser.newContext({ baseURL: preview.url });
  const desk = await deskContext.newPage();
  await createManager(desk);

  const kioskContext = await browser.newContext({ baseURL: preview.url });
  const kiosk = await kioskContext.newPage();
  await kiosk.goto('/#/sign-in');
  await kiosk
    .getByRole('button', { name: /Use this account/ })
    .first()
    .click();
  await kiosk.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(kiosk.getByTestId('invoice-row').first()).toBeVisible();
  await expect(kiosk.getByTestId('connectivity-label')).toHaveText('Online');

  // Get help from the payment page, with the invoice.
  await kiosk.getByTestId('pay-now').first().click();
  await expect(kiosk.getByRole('heading', { level: 1, name: /Pay invoice/ })).toBeVisible();
  await kiosk.getByTestId('get-help').click();
  await expect(kiosk.getByTestId('help-sent')).toHaveText('Someone from the front desk is on the way.');
  await expectNoAxeViolations(kiosk);

  // The customer opens the desk: signed out first, then asked for a staff PIN.
  await kiosk.goto('/#/desk/lookup');
  await expect(kiosk.getByRole('heading', { level: 1, name: 'Staff sign-in' })).toBeVisible();
  await expect(kiosk.getByTestId('signed-in-as')).toHaveCount(0);
  await expect(kiosk.getByTestId('desk-search')).toHaveCount(0);
  await kiosk.goto('/#/account/invoices');
  await expect(kiosk.getByRole('heading', { level: 1, name: 'Sign in to your account' })).toBeVisible();

  await desk.getByTestId('desk-tab-help').click();
  const request = desk.getByTestId('help-request').filter({ hasText: 'Maria Garcia' });
  await expect(request).toBeVisible();
  await expect(request).toContainText('Invoice');
  await expectNoAxeViolations(desk);
  await shot(desk, 'desk-help');
  await request.getByTestId('help-resolve').click();
  await expect(desk.getByTestId('help-empty')).toBeVisible();

  await deskContext.close();
  await kioskContext.close();
});
