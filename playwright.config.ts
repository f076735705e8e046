import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/helpers/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    // The stations' default time zone (settings.timeZone). The end-of-day report's default day comes from
    // the browser's local date (DeskReportView.vue today()), so on a UTC machine between 00:00 and 06:00
    // UTC it picked tomorrow in Chicago and the desk report tests failed by the clock.
    timezoneId: 'America/Chicago',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions(),
  },
});
