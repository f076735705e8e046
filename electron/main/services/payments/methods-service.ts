import type { SavedMethods } from '../../../shared/contract';
import type { StripeGateway } from '../../stripe/gateway';
import { AppError } from '../errors';
import type { LocalStore } from '../local-store/local-store';
import { onlineOr } from '../offline';
import type { Payer } from './payer';

/** Saved payment methods and autopay. A guest sees none: charging a saved method needs a signed-in owner. */
export class MethodsService {
  constructor(
    private readonly gateway: StripeGateway,
    private readonly store: LocalStore,
  ) {}

  /** From Stripe (and kept in the local copy); offline, the summaries the local copy has. */
  async list(payer: Payer): Promise<SavedMethods> {
    if (payer.kind !== 'customer') return { methods: [], autopay: { enabled: false, defaultMethodId: null } };
    const { value } = await onlineOr(
      async () => {
        const fresh = await this.gateway.listSavedMethods(payer.customerId);
        this.store.upsertPaymentMethods(payer.customerId, fresh.methods);
        return fresh;
      },
      () => {
        const methods = this.store.paymentMethodsForCustomer(payer.customerId);
        // Autopay's switch is not kept offline; it reads as off until the line is back.
        return { methods, defaultMethodId: methods.find((m) => m.isDefault)?.id ?? null, autopay: false };
      },
    );
    const { methods, defaultMethodId, autopay } = value;
    return { methods, autopay: { enabled: autopay && defaultMethodId !== null, defaultMethodId } };
  }

  async setAutopay(customerId: string, enabled: boolean): Promise<SavedMethods> {
    const current = await this.list({ kind: 'customer', customerId });
    if (enabled && !current.autopay.defaultMethodId) {
      throw AppError.because('autopay_needs_method', { field: 'enabled' });
    }
    await this.gateway.setAutopay(customerId, enabled);
    return this.list({ kind: 'customer', customerId });
  }

  async setDefault(customerId: string, paymentMethodId: string): Promise<SavedMethods> {
    await this.owned(customerId, paymentMethodId);
    await this.gateway.setDefaultMethod(customerId, paymentMethodId);
    return this.list({ kind: 'customer', customerId });
  }

  /** Removing the default method also turns autopay off, so nothing is charged to a method that is gone. */
  async remove(customerId: string, paymentMethodId: string): Promise<SavedMethods> {
    await this.owned(customerId, paymentMethodId);
    const before = await this.list({ kind: 'customer', customerId });
    if (before.autopay.defaultMethodId === paymentMethodId) {
      await this.gateway.setAutopay(customerId, false);
      await this.gateway.setDefaultMethod(customerId, null);
    }
    await this.gateway.detachMethod(paymentMethodId);
    return this.list({ kind: 'customer', customerId });
  }

  private async owned(customerId: string, paymentMethodId: string): Promise<void> {
    const pm = await this.gateway.retrieveMethod(paymentMethodId);
    if (!pm || pm.customerId !== customerId) throw AppError.because('method_not_found', { field: 'paymentMethodId' });
  }
}
