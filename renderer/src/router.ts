import { nextTick } from 'vue';
import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import type { MessageKey } from './i18n';
import { resetAllStores } from './stores';
import { useDeskStore } from './stores/desk';
import { useSessionStore } from './stores/session';
import DeskDrawerView from './views/desk/DeskDrawerView.vue';
import DeskHelpView from './views/desk/DeskHelpView.vue';
import DeskLayout from './views/desk/DeskLayout.vue';
import DeskLookupView from './views/desk/DeskLookupView.vue';
import DeskQueueView from './views/desk/DeskQueueView.vue';
import DeskReportView from './views/desk/DeskReportView.vue';
import DeskSignInView from './views/desk/DeskSignInView.vue';
import DeskStaffView from './views/desk/DeskStaffView.vue';
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
    /** The payment page: a customer, or a guest session opened for this very invoice (`:invoiceIds`). */
    requiresPayer?: boolean;
    /** Hidden from a signed-in customer (sign-in itself): they go to their account instead. */
    guestOnly?: boolean;
    /** The front desk: a customer or guest session is signed out before it opens. */
    desk?: boolean;
    /** Signed-in staff only (clerk or manager); others go to the staff sign-in. */
    requiresStaff?: boolean;
    /** Managers only; a clerk goes to Lookup. */
    requiresManager?: boolean;
  }
}

export const HOME_FOR_CUSTOMER = '/account/invoices';
export const HOME_FOR_STAFF = '/desk/lookup';

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
    // One invoice, or several joined by commas (Stripe ids never hold one): `/pay/in_a,in_b`.
    path: '/pay/:invoiceIds',
    name: 'pay',
    component: PayView,
    props: (route) => ({ invoiceIds: invoiceIdsOf(route.params['invoiceIds']) }),
    meta: { titleKey: 'pay.title', requiresPayer: true },
  },
  { path: '/guest', name: 'guest', component: GuestView, meta: { titleKey: 'guest.title' } },
  { path: '/help', name: 'help', component: HelpView, meta: { titleKey: 'help.title' } },
  {
    path: '/desk',
    component: DeskLayout,
    meta: { desk: true },
    children: [
      { path: '', name: 'desk-sign-in', component: DeskSignInView, meta: { titleKey: 'desk.signIn.title', desk: true } },
      {
        path: 'lookup',
        name: 'desk-lookup',
        component: DeskLookupView,
        meta: { titleKey: 'desk.tab.lookup', desk: true, requiresStaff: true },
      },
      {
        path: 'queue',
        name: 'desk-queue',
        component: DeskQueueView,
        meta: { titleKey: 'desk.tab.queue', desk: true, requiresStaff: true },
      },
      {
        path: 'drawer',
        name: 'desk-drawer',
        component: DeskDrawerView,
        meta: { titleKey: 'desk.tab.drawer', desk: true, requiresStaff: true },
      },
      { path: 'help', name: 'desk-help', component: DeskHelpView, meta: { titleKey: 'desk.tab.help', desk: true, requiresStaff: true } },
      {
        path: 'report',
        name: 'desk-report',
        component: DeskReportView,
        meta: { titleKey: 'desk.tab.report', desk: true, requiresStaff: true, requiresManager: true },
      },
      {
        path: 'staff',
        name: 'desk-staff',
        component: DeskStaffView,
        meta: { titleKey: 'desk.tab.staff', desk: true, requiresStaff: true, requiresManager: true },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

/** The payment page for one invoice or several. */
export function payRoute(invoiceIds: string | readonly string[]) {
  return { name: 'pay' as const, params: { invoiceIds: (typeof invoiceIds === 'string' ? [invoiceIds] : invoiceIds).join(',') } };
}

function invoiceIdsOf(param: unknown): string[] {
  return typeof param === 'string' ? param.split(',').filter((id) => id !== '') : [];
}

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
    if (to.meta.desk) {
      // Staff sessions are separate: a customer or guest is signed out before the desk opens.
      if (session.role === 'customer' || session.role === 'guest') {
        const desk = useDeskStore();
        desk.switching = true;
        try {
          await session.signOut().catch(() => {
            // Locally the session is public either way.
          });
          resetAllStores();
          // Let the App's session watcher see the flag before it is lowered.
          await nextTick();
        } finally {
          desk.switching = false;
        }
      }
      const staff = session.role === 'clerk' || session.role === 'manager';
      if (to.meta.requiresStaff && !staff) return { name: 'desk-sign-in' };
      if (to.meta.requiresManager && session.role !== 'manager') return HOME_FOR_STAFF;
      if (to.name === 'desk-sign-in' && staff) return HOME_FOR_STAFF;
      return true;
    }
    if (to.meta.requiresCustomer && !session.isCustomer) {
      return { name: 'sign-in', query: { redirect: to.fullPath } };
    }
    if (to.meta.requiresPayer) {
      if (!session.mayPay(invoiceIdsOf(to.params['invoiceIds']))) {
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
