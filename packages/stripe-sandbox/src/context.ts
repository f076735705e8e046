/** What every resource module gets: the store, the clock, cross-resource hooks, the route table. */
import type { Store } from './store.js';
import type { ErrorBody, Obj, Params } from './wire.js';

/** A non-2xx answer that must still commit what the handler wrote (a decline moves the intent). */
export class Reply {
  constructor(
    readonly status: number,
    readonly error: ErrorBody,
  ) {}
}

export type HandlerResult = Obj | Reply;
export interface Request {
  params: Params;
  path: Record<string, string>;
  url: string;
}
export type Handler = (req: Request) => HandlerResult;
export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export interface Hooks {
  /** A PaymentIntent reached `succeeded` (now or after ACH settlement). */
  intentSucceeded: ((pi: Obj) => void)[];
  /** A PaymentIntent payment attempt failed. */
  intentFailed: ((pi: Obj) => void)[];
}

export class Ctx {
  readonly routes: Route[] = [];
  readonly hooks: Hooks = { intentSucceeded: [], intentFailed: [] };
  /** Called after a settlement is scheduled so the owner can (re)arm its timer. */
  onSchedule: () => void = () => {};

  constructor(
    readonly store: Store,
    readonly achSettlementMs: number,
  ) {}

  route(method: Route['method'], path: string, handler: Handler): void {
    const keys: string[] = [];
    const src = path.replace(/:([a-z_]+)/g, (_m, k: string) => {
      keys.push(k);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${src}$`), keys, handler });
  }
}
