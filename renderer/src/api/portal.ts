/**
 * The only file in the renderer that touches `window.portal` (provided by the Electron preload, or by
 * the browser preview's bridge script). Every call is unwrapped here: a value comes back, or an
 * `ApiError` is thrown carrying the contract's error code, message and (optional) field.
 */
import type {
  EntryName,
  ErrorCode,
  EventName,
  EventPayload,
  PortalApi,
  PortalError,
  RequestOf,
  ResponseOf,
  Result,
} from '../../../electron/shared/contract';
import { subscriberName } from '../../../electron/shared/contract';
import type { Reason, ReasonParams } from '../../../electron/shared/reasons';

declare global {
  interface Window {
    /** Present in Electron (preload) and in the browser preview (bridge script). */
    readonly portal?: PortalApi;
  }
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  /** Why (main's code for it); the renderer words it (composables/use-error-text.ts). */
  readonly reason: Reason;
  readonly params: ReasonParams;
  readonly field: string | undefined;

  constructor(error: PortalError) {
    super(error.message);
    this.code = error.code;
    this.reason = error.reason;
    this.params = error.params ?? {};
    this.field = error.field;
  }

  static from(cause: unknown): ApiError {
    if (cause instanceof ApiError) return cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    return new ApiError({ code: 'internal', reason: 'internal_error', message });
  }
}

function bridge(): PortalApi {
  const portal = window.portal;
  if (!portal) {
    throw new ApiError({ code: 'internal', reason: 'internal_error', message: 'The portal bridge is not available.' });
  }
  return portal;
}

/** Calls one contract entry; resolves with its value or rejects with an ApiError (never anything else). */
async function call<K extends EntryName>(name: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
  let result: Result<ResponseOf<K>>;
  try {
    // The mapped PortalApi type cannot be indexed generically; this is the one cast, checked by the
    // contract types of `portal` below.
    const fn = bridge()[name] as unknown as (req: RequestOf<K>) => Promise<Result<ResponseOf<K>>>;
    result = await fn(request);
  } catch (cause) {
    // The bridge itself failed (IPC torn down, preview socket closed, ...).
    throw cause instanceof ApiError
      ? cause
      : new ApiError({ code: 'internal', reason: 'internal_error', message: cause instanceof Error ? cause.message : String(cause) });
  }
  if (result.ok) return result.value;
  throw new ApiError(result.error);
}

type Subscriber<K extends EventName> = (callback: (payload: EventPayload<K>) => void) => () => void;

function subscribe<K extends EventName>(name: K, callback: (payload: EventPayload<K>) => void): () => void {
  const portal = window.portal;
  if (!portal) return () => {};
  const fn = portal[subscriberName(name)] as unknown as Subscriber<K>;
  return fn(callback);
}

/** Typed wrappers, one per contract entry used by the renderer. Stores call these; components never do. */
export const portal = {
  appInfo: () => call('appInfo', {}),
  currentSession: () => call('currentSession', {}),
  signIn: (email: string, password: string) => call('signIn', { email, password }),
  signOut: () => call('signOut', {}),
  listInvoices: () => call('listInvoices', {}),
  getInvoice: (invoiceId: string) => call('getInvoice', { invoiceId }),

  guestFindInvoice: (invoiceNumber: string, postalCode: string) => call('guestFindInvoice', { invoiceNumber, postalCode }),
  guestOpenLink: (link: string) => call('guestOpenLink', { link }),

  listPayments: () => call('listPayments', {}),
  pendingVerifications: () => call('pendingVerifications', {}),
  verifyMicrodeposits: (attemptId: string, code: string) => call('verifyMicrodeposits', { attemptId, code }),

  listMethods: () => call('listMethods', {}),
  setAutopay: (enabled: boolean) => call('setAutopay', { enabled }),
  setDefaultMethod: (paymentMethodId: string) => call('setDefaultMethod', { paymentMethodId }),
  removeMethod: (paymentMethodId: string) => call('removeMethod', { paymentMethodId }),

  startPayment: (invoiceIds: readonly string[]) =>
    call('startPayment', invoiceIds.length === 1 ? { invoiceId: invoiceIds[0]! } : { invoiceIds: [...invoiceIds] }),
  paySaved: (request: RequestOf<'paySaved'>) => call('paySaved', request),
  /** Training mode only. The card travels straight to main; nothing here keeps it. */
  payNewCard: (request: RequestOf<'payNewCard'>) => call('payNewCard', request),
  payNewBankAccount: (request: RequestOf<'payNewBankAccount'>) => call('payNewBankAccount', request),
  /** Live mode: the Payment Element confirms with this client secret, then `completePayment`. */
  createPaymentIntent: (request: RequestOf<'createPaymentIntent'>) => call('createPaymentIntent', request),
  completePayment: (attemptId: string) => call('completePayment', { attemptId }),

  updateBilling: (request: RequestOf<'updateBilling'>) => call('updateBilling', request),

  connectivity: () => call('connectivity', {}),
  /** Kiosk: print the receipt of this session's own payment attempt. */
  kioskPrintReceipt: (attemptId: string) => call('kioskPrintReceipt', { attemptId }),
  kioskEmailReceipt: (attemptId: string) => call('kioskEmailReceipt', { attemptId }),
  /** Kiosk: "Get help" (with the invoice on screen, when there is one). */
  helpRequest: (request: RequestOf<'helpRequest'>) => call('helpRequest', request),

  // ---- Front desk ----------------------------------------------------------------------------
  deskSetupStatus: () => call('deskSetupStatus', {}),
  deskCreateFirstManager: (name: string, pin: string) => call('deskCreateFirstManager', { name, pin }),
  deskSignIn: (name: string, pin: string) => call('deskSignIn', { name, pin }),
  deskSignOut: () => call('deskSignOut', {}),
  deskAddStaff: (request: RequestOf<'deskAddStaff'>) => call('deskAddStaff', request),
  deskListStaff: () => call('deskListStaff', {}),
  deskSetStaffActive: (staffId: string, active: boolean) => call('deskSetStaffActive', { staffId, active }),
  deskSearch: (query: string) => call('deskSearch', { query }),
  deskCustomer: (customerId: string) => call('deskCustomer', { customerId }),
  deskReaders: () => call('deskReaders', {}),
  deskChooseReader: (readerId: string) => call('deskChooseReader', { readerId }),
  deskTakeCardPayment: (request: RequestOf<'deskTakeCardPayment'>) => call('deskTakeCardPayment', request),
  deskCardPayment: (paymentId: string) => call('deskCardPayment', { paymentId }),
  /** A lost answer, or money taken but not yet applied (invoice or account credit): finishes it with the same keys. */
  deskRetryCardPayment: (paymentId: string) => call('deskRetryCardPayment', { paymentId }),
  deskCancelCardPayment: (readerId: string) => call('deskCancelCardPayment', { readerId }),
  /** For `@stripe/terminal-js` deployments: a Terminal connection token from main. */
  deskTerminalConnectionToken: () => call('deskTerminalConnectionToken', {}),
  deskTerminalJsReader: () => call('deskTerminalJsReader', {}),
  deskChooseTerminalJsReader: (readerId: string) => call('deskChooseTerminalJsReader', { readerId }),
  /** `terminalDriver: 'js'`: the intent for the SDK's reader (attempt id + client secret); capture and cancel stay with main. */
  deskCreateTerminalJsPayment: (request: RequestOf<'deskCreateTerminalJsPayment'>) => call('deskCreateTerminalJsPayment', request),
  deskCaptureTerminalJsPayment: (attemptId: string) => call('deskCaptureTerminalJsPayment', { attemptId }),
  deskCancelTerminalJsPayment: (attemptId: string) => call('deskCancelTerminalJsPayment', { attemptId }),
  deskPresentTestCard: (request: RequestOf<'deskPresentTestCard'>) => call('deskPresentTestCard', request),
  deskRecordCash: (request: RequestOf<'deskRecordCash'>) => call('deskRecordCash', request),
  deskRecordCheck: (request: RequestOf<'deskRecordCheck'>) => call('deskRecordCheck', request),
  deskRecordOnAccount: (request: RequestOf<'deskRecordOnAccount'>) => call('deskRecordOnAccount', request),
  deskRefundable: (paymentIntentId: string) => call('deskRefundable', { paymentIntentId }),
  deskRefund: (request: RequestOf<'deskRefund'>) => call('deskRefund', request),
  deskPrintReceipt: (paymentId: string) => call('deskPrintReceipt', { paymentId }),
  deskReprintReceipt: (paymentId: string) => call('deskReprintReceipt', { paymentId }),
  /** E-mails the receipt to the customer's address on file (main looks it up; the renderer never sends one). */
  deskEmailReceipt: (paymentId: string) => call('deskEmailReceipt', { paymentId }),
  deskReport: (request: RequestOf<'deskReport'>) => call('deskReport', request),
  deskReportCsv: (request: RequestOf<'deskReportCsv'>) => call('deskReportCsv', request),
  deskReportPdf: (request: RequestOf<'deskReportPdf'>) => call('deskReportPdf', request),
  deskPrintReport: (request: RequestOf<'deskPrintReport'>) => call('deskPrintReport', request),
  deskHelpList: () => call('deskHelpList', {}),
  deskResolveHelp: (id: string) => call('deskResolveHelp', { id }),
  deskQueue: () => call('deskQueue', {}),
  deskRetryQueued: (id: string) => call('deskRetryQueued', { id }),
  deskCancelQueued: (id: string, reason: string) => call('deskCancelQueued', { id, reason }),
  // ---- The cash drawer ----
  deskDrawer: () => call('deskDrawer', {}),
  deskOpenDrawer: (float: number) => call('deskOpenDrawer', { float }),
  /** Cash through the open drawer (refused with `drawer_not_open` when none is open): the change, and the kick pulse. */
  deskDrawerCash: (request: RequestOf<'deskDrawerCash'>) => call('deskDrawerCash', request),
  deskDrawerPaidIn: (amount: number, reason: string) => call('deskDrawerPaidIn', { amount, reason }),
  deskDrawerPaidOut: (amount: number, reason: string) => call('deskDrawerPaidOut', { amount, reason }),
  deskDrawerNoSale: (reason: string) => call('deskDrawerNoSale', { reason }),
  deskCloseDrawer: (request: RequestOf<'deskCloseDrawer'>) => call('deskCloseDrawer', request),
  deskDrawerReport: (drawerId: string) => call('deskDrawerReport', { drawerId }),
  deskPrintDrawerReport: (drawerId: string) => call('deskPrintDrawerReport', { drawerId }),
  deskDrawerReportPdf: (drawerId: string) => call('deskDrawerReportPdf', { drawerId }),

  onSessionEnded: (callback: (payload: EventPayload<'sessionEnded'>) => void) => subscribe('sessionEnded', callback),
  onConnectivityChanged: (callback: (payload: EventPayload<'connectivityChanged'>) => void) => subscribe('connectivityChanged', callback),
  onPaymentSettled: (callback: (payload: EventPayload<'paymentSettled'>) => void) => subscribe('paymentSettled', callback),
  onDeskPaymentUpdate: (callback: (payload: EventPayload<'deskPaymentUpdate'>) => void) => subscribe('deskPaymentUpdate', callback),
} as const;

export type Portal = typeof portal;
