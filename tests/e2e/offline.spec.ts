/**
 * Offline end to end (issue 5): the line to Stripe is cut; the header says Offline; the desk looks a
 * customer up from the local copy and records cash (queued); a customer pays with a saved card at
 * the kiosk (queued); the line returns; everything is sent exactly once.
 */
import { expect, test } from './fixtures';
import { createManager, openCustomer, openDrawerIfAsked, refreshUntil, shot } from './desk-helpers';

test('offline: desk cash and a kiosk saved-card payment are queued, then sent exactly once when the line returns', async ({
  browser,
  preview,
}) => {
  test.setTimeout(120_000);
  const deskContext = await browser.newContext({ baseURL: preview.url });
  const desk = await deskContext.newPage();
  await createManager(desk);
  await expect(desk.getByTestId('connectivity-label')).toHaveText('Online');

  // Note the remaining amounts while online.
  await openCustomer(desk, 'James', 'James Wilson');
  const jamesRow = desk
    .getByTestId('desk-invoice-row')
    .filter({ has: desk.getByTestId('pay-at-desk') })
    .first();
  const jamesNumber = (await jamesRow.getAttribute('data-number')) ?? '';
  const remaining = async (number: string) =>
    Math.round(
      Number(
        (
          (await desk
            .locator(`[data-testid="desk-invoice-row"][data-number="${number}"]`)
            .getByTestId('desk-invoice-remaining')
            .textContent()) ?? ''
        ).replace(/[$,]/g, ''),
      ) * 100,
    );
  const jamesBefore = await remaining(jamesNumber);

  await preview.outage('refuse');
  // Cash at the desk → queued (the failed call is how main notices the line is down at once;
  // otherwise its periodic check would).
  await desk.locator(`[data-testid="desk-invoice-row"][data-number="${jamesNumber}"]`).getByTestId('pay-at-desk').click();
  await desk.getByRole('radio', { name: 'Cash' }).check();
  await openDrawerIfAsked(desk);
  await desk.getByLabel('Amount').fill('7.00');
  await desk.getByTestId('desk-pay-submit').click();
  await expect(desk.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'queued');
  await shot(desk, 'offline-desk-queued');
  await desk.getByTestId('desk-pay-done').click();

  await expect(desk.getByTestId('connectivity-label')).toHaveText('Offline');
  await expect(desk.getByTestId('connectivity')).toContainText('Payments that can wait will be sent later');

  // Lookup works from the local copy.
  await openCustomer(desk, 'Maria', 'Maria Garcia');
  const mariaRow = desk
    .getByTestId('desk-invoice-row')
    .filter({ has: desk.getByTestId('pay-at-desk') })
    .first();
  const mariaNumber = (await mariaRow.getAttribute('data-number')) ?? '';
  const mariaBefore = await remaining(mariaNumber);

  // A customer at the kiosk pays with the saved card → queued.
  const kioskContext = await browser.newContext({ baseURL: preview.url });
  const kiosk = await kioskContext.newPage();
  await kiosk.goto('/#/sign-in');
  await kiosk
    .getByRole('button', { name: /Use this account/ })
    .first()
    .click();
  await kiosk.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(kiosk.getByTestId('connectivity-label')).toHaveText('Offline');
  const kioskRow = kiosk.getByTestId('invoice-row').filter({ hasText: mariaNumber });
  await kioskRow.getByTestId('pay-now').click();
  await expect(kiosk.getByRole('heading', { level: 1, name: `Pay invoice ${mariaNumber}` })).toBeVisible();
  await kiosk.getByRole('radio', { name: /^Credit Card/ }).check();
  await kiosk.getByRole('radio', { name: 'Use a payment method on file' }).check();
  await kiosk.getByLabel('Amount').fill('3.00');
  await kiosk.getByRole('button', { name: 'Continue' }).click();
  const popup = kiosk.getByTestId('payment-result');
  await expect(popup).toHaveAttribute('data-status', 'queued');
  await expect(popup.getByTestId('result-status')).toHaveText('Queued — will be sent when the connection returns');
  await shot(kiosk, 'offline-kiosk-queued');

  await desk.getByTestId('desk-tab-queue').click();
  await expect(desk.getByTestId('queue-row').filter({ hasText: '$7.00' })).toBeVisible();
  await expect(desk.getByTestId('queue-row').filter({ hasText: '$3.00' })).toBeVisible();
  await shot(desk, 'offline-queue');

  // The line returns.
  await preview.outage('off');
  await expect(async () => {
    await desk.getByTestId('queue-refresh').click();
    await expect(desk.getByTestId('connectivity-label')).toHaveText(/Online|Syncing…/, { timeout: 1000 });
    await expect(desk.getByTestId('queue-row').filter({ hasText: '$7.00' })).toHaveAttribute('data-state', 'succeeded', { timeout: 1000 });
    await expect(desk.getByTestId('queue-row').filter({ hasText: '$3.00' })).toHaveAttribute('data-state', 'succeeded', { timeout: 1000 });
  }).toPass({ timeout: 60_000, intervals: [1000, 2000] });
  await expect(desk.getByTestId('connectivity-label')).toHaveText('Online');
  // Exactly once each.
  await expect(desk.getByTestId('queue-row').filter({ hasText: '$7.00' })).toHaveCount(1);
  await expect(desk.getByTestId('queue-row').filter({ hasText: '$3.00' })).toHaveCount(1);
  // (An item may have been tried more than once while the line was down; the amounts below show it was paid once.)
  await shot(desk, 'offline-queue-sent');

  // The invoices show the new remaining amounts (the local copy syncs when the line returns).
  await openCustomer(desk, 'James', 'James Wilson');
  await refreshUntil(desk, async () => expect(jamesBefore - (await remaining(jamesNumber))).toBe(700));
  await openCustomer(desk, 'Maria', 'Maria Garcia');
  await refreshUntil(desk, async () => expect(mariaBefore - (await remaining(mariaNumber))).toBe(300));

  await deskContext.close();
  await kioskContext.close();
});
