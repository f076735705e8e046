import type { Migration } from '../connection';
import { coreMigrations } from './core';
import { deskMigrations } from './desk';
import { drawerMigrations } from './drawer';
import { localStoreMigrations } from './local-store';
import { outboxMigrations } from './outbox';
import { paymentMigrations } from './payments';

/**
 * The app database's migrations. Each domain owns a range of version numbers so work on one
 * domain never renumbers another's: core 1-99, local cache 100-199, payments 200-299,
 * outbox 300-399, the desk (staff, audit, refunds, the cash drawer) 400-499.
 */
export const appMigrations: readonly Migration[] = [
  ...coreMigrations,
  ...localStoreMigrations,
  ...paymentMigrations,
  ...outboxMigrations,
  ...deskMigrations,
  ...drawerMigrations,
];
