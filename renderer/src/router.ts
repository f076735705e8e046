import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import type { MessageKey } from './i18n';
import { useSessionStore } from './stores/session';
import AccountView from './views/AccountView.vue';
import BillingView from './views/BillingView.vue';
import GuestView from './views/GuestView.vue';
import HelpView from './views/HelpView.vue';
import InvoicesView from './views/InvoicesView.vue';
import MethodsView from './views/MethodsView.vue';
import PayView from './views/PayView.vue';
import PaymentsView from './views/PaymentsView.vue';
import SignInView from './views/SignInView.vue';
import WelcomeView from './views/WelcomeView.vue';

// Views are imported eagerly: a kiosk has few screens, and a missing chunk must never show a blank page.

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key for the document title. */
    titleKey?: MessageKey;
    /** Only a signed-in customer may see this route; others are sent to sign-in. */
    requiresCustomer?: boolean;
    /** The payment page: a customer, or a guest session opened for this very invoice (`:invoiceId`). */
    requiresPayer?: boolean;
    /** Hidden from a signed-in customer (sign-in itself): they go to their account instead. */
    guestOnly?: boolean;
  }
}

export const HOME_FOR_CUSTOMER = '/account/invoices';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'welcome', component: WelcomeView, meta: { titleKey: 'welcome.title' } },
  {
    path: '/sign-in',
    name: 'sign-in',
    component: SignInView,
    meta: { titleKey: 'signIn.title', guestOnly: true },
  },
  {
    path: '/account',
    component: AccountView,
    meta: { requiresCustomer: true },
    children: [
      { path: '', redirect: HOME_FOR_CUSTOMER },
      {
        path: 'invoices',
        name: 'invoices',
        component: InvoicesView,
        meta: { titleKey: 'invoices.title', requiresCustomer: true },
      },
      {
        path: 'payments',
        name: 'payments',
        component: PaymentsView,
        meta: { titleKey: 'payments.title', requiresCustomer: true },
      },
      {
        path: 'methods',
        name: 'methods',
        component: MethodsView,
        meta: { titleKey: 'methods.title', requiresCustomer: true },
      },
    ],
  },
  {
    // Update Information: `?return=/pay/<invoice>` brings the customer back to retry.
    path: '/account/billing',
    name: 'billing',
    component: BillingView,
    meta: { titleKey: 'billing.title', requiresCustomer: true },
  },
  {
    path: '/pay/:invoiceId',
    name: 'pay',
    component: PayView,
    props: true,
    meta: { titleKey: 'pay.title', requiresPayer: true },
  },
  { path: '/guest', name: 'guest', component: GuestView, meta: { titleKey: 'guest.title' } },
  { path: '/help', name: 'help', component: HelpView, meta: { titleKey: 'help.title' } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

/** Only same-app paths are accepted as a post-sign-in destination. */
export function safeRedirect(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return HOME_FOR_CUSTOMER;
  return value;
}

export function createAppRouter() {
  const router = createRouter({
    // Electron loads the renderer from a file/custom protocol: hash history needs no server rewrites.
    history: createWebHashHistory(),
    routes,
    scrollBehavior: () => ({ top: 0 }),
  });

  router.beforeEach(async (to: RouteLocationNormalized) => {
    const session = useSessionStore();
    await session.ensureLoaded();
    if (to.meta.requiresCustomer && !session.isCustomer) {
      return { name: 'sign-in', query: { redirect: to.fullPath } };
    }
    if (to.meta.requiresPayer) {
      const invoiceId = typeof to.params['invoiceId'] === 'string' ? to.params['invoiceId'] : '';
      if (!session.mayPay(invoiceId)) {
        return session.role === 'guest' ? { name: 'guest' } : { name: 'sign-in', query: { redirect: to.fullPath } };
      }
    }
    if (to.meta.guestOnly && session.isCustomer) {
      return HOME_FOR_CUSTOMER;
    }
    return true;
  });

  return router;
}
