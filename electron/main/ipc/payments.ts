import type { StripeGateway } from '../stripe/gateway';
import type { HistoryService } from '../services/payments/history-service';
import type { MethodsService } from '../services/payments/methods-service';
import type { PaymentsService } from '../services/payments/payments-service';
import type { SessionRegistry } from '../services/session/session-registry';
import type { Handlers } from './dispatcher';
import { customerIdOf, payerOf } from './invoices';

export interface PaymentDeps {
  payments: PaymentsService;
  methods: MethodsService;
  history: HistoryService;
  gateway: StripeGateway;
  sessions: SessionRegistry;
}

type PaymentEntries =
  | 'listPayments'
  | 'listMethods'
  | 'setAutopay'
  | 'setDefaultMethod'
  | 'removeMethod'
  | 'startPayment'
  | 'paySaved'
  | 'payNewCard'
  | 'payNewBankAccount'
  | 'createPaymentIntent'
  | 'completePayment'
  | 'pendingVerifications'
  | 'verifyMicrodeposits'
  | 'updateBilling';

export function paymentHandlers(d: PaymentDeps): Pick<Handlers, PaymentEntries> {
  return {
    listPayments: async (_req, ctx) => d.history.list(customerIdOf(ctx)),
    listMethods: async (_req, ctx) => d.methods.list(payerOf(ctx)),
    setAutopay: async (req, ctx) => d.methods.setAutopay(customerIdOf(ctx), req.enabled),
    setDefaultMethod: async (req, ctx) => d.methods.setDefault(customerIdOf(ctx), req.paymentMethodId),
    removeMethod: async (req, ctx) => d.methods.remove(customerIdOf(ctx), req.paymentMethodId),
    startPayment: async (req, ctx) => {
      const start = await d.payments.start(payerOf(ctx), req.invoiceIds ?? [req.invoiceId!]);
      d.sessions.noteAttempt(ctx.callerId, start.attemptId);
      return start;
    },
    paySaved: async (req, ctx) => d.payments.paySaved(payerOf(ctx), req),
    payNewCard: async (req, ctx) => d.payments.payNewCard(payerOf(ctx), req),
    payNewBankAccount: async (req, ctx) => d.payments.payNewBankAccount(payerOf(ctx), req),
    createPaymentIntent: async (req, ctx) => d.payments.createLiveIntent(payerOf(ctx), req),
    completePayment: async (req, ctx) => d.payments.completeLive(payerOf(ctx), req.attemptId),
    pendingVerifications: async (_req, ctx) => ({ pending: await d.payments.pendingVerifications(payerOf(ctx)) }),
    verifyMicrodeposits: async (req, ctx) => d.payments.verifyMicrodeposits(payerOf(ctx), req.attemptId, req.code),
    updateBilling: async (req, ctx) =>
      d.gateway.updateBilling(customerIdOf(ctx), {
        email: req.email,
        phone: req.phone,
        address: { ...req.address, line2: req.address.line2 || null },
      }),
  };
}
