import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router';
import { useAppStore } from './stores/app';
import { useSessionStore } from './stores/session';
import './styles.css';

async function start(): Promise<void> {
  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia);

  // Read the station info and the session before the first screen, so the training banner and the
  // route guard are right from the first paint. Failures are kept in the stores and shown by App.
  await Promise.all([useAppStore(pinia).load(), useSessionStore(pinia).ensureLoaded()]);

  const router = createAppRouter();
  app.use(router);
  await router.isReady();
  app.mount('#app');
}

void start();

// ---- E2E-only hook (tests/e2e/terminal-js.spec.ts) ------------------------------------------
// When a test sets `window.__KIOSK_E2E__` before the page loads, expose the @stripe/terminal-js
// adapter so the test can drive it without any UI. Nothing happens otherwise.
if ((window as { __KIOSK_E2E__?: unknown }).__KIOSK_E2E__) {
  void import('./terminal/terminal-js-adapter').then(({ createTerminalJsAdapter }) => {
    (window as { __terminalJsAdapter?: unknown }).__terminalJsAdapter = createTerminalJsAdapter();
  });
}
