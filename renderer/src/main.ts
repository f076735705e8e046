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
