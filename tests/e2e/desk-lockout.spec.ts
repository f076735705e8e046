/** Staff PIN lockout through the browser: ten wrong PINs lock that staff member for 30 minutes; the right PIN is refused meanwhile. */
import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { createManager, expectNoAxeViolations, MANAGER, signInStaff } from './desk-helpers';

/** One sign-in, waiting for main's answer (so each check sees this attempt, not the last one's message). */
async function attempt(page: Page, pin: string): Promise<{ ok: boolean; error?: { code: string } }> {
  const answer = page.waitForResponse((r) => r.url().includes('/api/desk%3AsignIn'));
  await signInStaff(page, MANAGER.name, pin);
  return (await (await answer).json()) as { ok: boolean; error?: { code: string } };
}

test('ten wrong PINs lock the staff member; the right PIN is refused while locked', async ({ page }) => {
  await createManager(page);
  await page.getByTestId('desk-sign-out').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Staff sign-in' })).toBeVisible();
  const error = page.getByTestId('desk-sign-in-error');
  for (let i = 1; i <= 10; i++) {
    const answer = await attempt(page, String(100000 + i));
    expect(answer).toMatchObject({ ok: false, error: { code: i < 10 ? 'unauthenticated' : 'locked' } });
    if (i < 10) await expect(error).toHaveText('That name and PIN do not match. Check them and try again.');
    else await expect(error).toHaveText(/locked for 30 more minutes/);
  }
  expect(await attempt(page, MANAGER.pin)).toMatchObject({ ok: false, error: { code: 'locked' } });
  await expect(error).toHaveText(/locked for (30|29) more minutes/);
  await expect(page.getByRole('heading', { level: 1, name: 'Staff sign-in' })).toBeVisible();
  await expectNoAxeViolations(page);
});
