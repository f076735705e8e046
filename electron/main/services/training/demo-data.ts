import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { addressSchema, type AppInfo } from '../../../shared/contract';
import { positiveMinorAmountSchema } from '../../../shared/money';

const demoInvoiceSchema = z.object({
  key: z.string(),
  items: z.array(z.object({ description: z.string(), amount: positiveMinorAmountSchema })).min(1),
  dueInDays: z.number().int(),
  state: z.enum(['open', 'paid', 'partially_paid']),
  paidAmount: positiveMinorAmountSchema.optional(),
});

const demoCustomerSchema = z.object({
  key: z.string().regex(/^[a-z0-9]+$/),
  name: z.string(),
  email: z.email(),
  phone: z.string(),
  address: addressSchema,
  portalPassword: z.string().min(8).nullable(),
  savedMethods: z.array(z.object({ paymentMethod: z.string(), default: z.boolean() })),
  invoices: z.array(demoInvoiceSchema),
});

export const demoDataSchema = z.object({
  currency: z.string(),
  customers: z.array(demoCustomerSchema).min(1),
});
export type DemoData = z.infer<typeof demoDataSchema>;
export type DemoCustomer = z.infer<typeof demoCustomerSchema>;

export function loadDemoData(path: string): DemoData {
  return demoDataSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** The sign-ins shown on the training-mode sign-in screen. */
export function demoSignIns(data: DemoData): AppInfo['demoSignIns'] {
  return data.customers
    .filter((c): c is DemoCustomer & { portalPassword: string } => c.portalPassword !== null)
    .map((c) => ({ label: c.name, email: c.email, password: c.portalPassword }));
}
