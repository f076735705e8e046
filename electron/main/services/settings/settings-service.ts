import { z } from 'zod';
import { AppError } from '../errors';

export const settingsSchema = z.object({
  /** Stripe secret key (sk_test_… or sk_live_…). Main process only; never sent to the renderer or logged. */
  stripeSecretKey: z
    .string()
    .trim()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'not a Stripe secret key')
    .optional(),
  /** Live mode: Stripe.js (Payment Element) needs the publishable key. Safe to show to the renderer. */
  stripePublishableKey: z
    .string()
    .trim()
    .regex(/^pk_(test|live)_[A-Za-z0-9]+$/, 'not a Stripe publishable key')
    .optional(),
  /** Fullscreen kiosk, devtools off. */
  kiosk: z.boolean().default(false),
  stationId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('station-1'),
  idleTimeoutSeconds: z.number().int().min(15).max(3600).default(90),
  /**
   * The customer screens' on-screen keyboard: 'touch' opens it when a field is tapped on the touch
   * screen, 'always' also on a mouse click (touch screens that report themselves as a mouse), 'off'
   * for stations with a real keyboard.
   */
  onScreenKeyboard: z.enum(['touch', 'always', 'off']).default('touch'),
  businessName: z.string().min(1).max(120).default('City Utilities Billing'),
  /** Offline limits for payments that may wait in the queue (cents). */
  offlineMaxPayment: z.number().int().min(0).max(10_000_000).default(50_000),
  offlineMaxTotal: z.number().int().min(0).max(100_000_000).default(200_000),
  /**
   * Who drives the front desk's card reader: 'server' (main, the server-driven integration) or 'js'
   * (`@stripe/terminal-js` in the window; main still creates, captures and cancels the payment).
   */
  terminalDriver: z.enum(['server', 'js']).default('server'),
  /** Front desk (all optional, defaults applied by the desk): the receipt printer (a network thermal printer on port 9100, the OS printer, or none). */
  receiptPrinter: z
    .object({
      kind: z.enum(['network', 'os', 'none']),
      host: z.string().max(255).default(''),
      port: z.number().int().min(1).max(65_535).default(9100),
      deviceName: z.string().max(200).optional(),
    })
    .optional(),
  /** Printed under the business name on receipts and reports. */
  businessAddressLines: z.array(z.string().min(1).max(120)).max(4).optional(),
  businessPhone: z.string().max(40).optional(),
  /** The station's BCP 47 locale and IANA time zone (receipts; the end-of-day report's day). Desk defaults: en-US, America/Chicago. */
  locale: z.string().min(2).max(35).optional(),
  timeZone: z.string().min(1).max(64).optional(),
  /**
   * Outgoing mail for e-mailed receipts (optional; training mode without it saves them as .eml files).
   * `password` is a secret like stripeSecretKey: main process only, never sent to the renderer or
   * logged; the environment variable SMTP_PASSWORD wins over the file.
   */
  /** Cash drawer: a variance (counted − expected, per tender) above this many cents needs a manager's PIN to close. Desk default: 500. */
  drawerVarianceLimit: z.number().int().min(0).max(1_000_000).optional(),
  smtp: z
    .object({
      host: z.string().trim().min(1).max(255),
      port: z.number().int().min(1).max(65_535).default(587),
      /** true: TLS from the first byte (usually port 465); false: STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      user: z.string().min(1).max(254).optional(),
      password: z.string().min(1).max(1024).optional(),
      /** The sender address, e.g. receipts@example.com (the business name is the display name). */
      from: z.email('not an email address').max(254),
    })
    .optional(),
  /** Backups of kiosk.db with SQLite's online backup API: how often, and how many are kept. */
  backupIntervalMinutes: z.number().int().min(5).max(10_080).default(60),
  backupKeep: z.number().int().min(1).max(1_000).default(48),
  /** Where the backups go (default: backups/ in the data folder). */
  backupDir: z.string().min(1).max(1024).optional(),
  /** Where this station writes its health file; one shared folder for all stations lets a desk list them (default: health/ in the data folder). */
  healthDir: z.string().min(1).max(1024).optional(),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SmtpSettings = NonNullable<Settings['smtp']>;
type RedactedSmtp = Omit<SmtpSettings, 'password'> & { password: 'set' | 'not set' };

/**
 * The port every settings backend implements: electron-store inside Electron, `conf` under Node
 * (electron-store wraps conf and cannot load outside Electron). Both have this shape.
 */
export interface KeyValueStore {
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
}

export class SettingsService {
  constructor(
    private readonly backend: KeyValueStore,
    private readonly env: Readonly<Record<string, string | undefined>> = {},
  ) {}

  /** Current settings, schema-checked; a bad value on disk falls back to the default for that key. */
  get(): Settings {
    const raw = this.backend.store;
    const parsed = settingsSchema.safeParse(raw);
    if (parsed.success) return this.withEnv(parsed.data);
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const field = settingsSchema.shape[key as keyof Settings];
      if (field && field.safeParse(value).success) clean[key] = value;
    }
    return this.withEnv(settingsSchema.parse(clean));
  }

  update(patch: Partial<Settings>): Settings {
    const next = settingsSchema.parse({ ...this.backend.store, ...patch });
    for (const [key, value] of Object.entries(patch)) {
      this.backend.set(key, next[key as keyof Settings] ?? value);
    }
    return this.get();
  }

  /**
   * The key Stripe calls use: the environment wins over the stored setting. Whitespace around it
   * (a pasted newline) is trimmed; a key that is there but is not a key (quotes, a publishable key,
   * a typo) throws `stripe_key_invalid`: a station given a key never falls back to training mode.
   */
  stripeSecretKey(): string | undefined {
    const raw = this.backend.store['stripeSecretKey'];
    if (raw !== undefined && raw !== null && !this.env['STRIPE_SECRET_KEY']?.trim()) {
      if (!settingsSchema.shape.stripeSecretKey.safeParse(raw).success) throw invalidKey('the stored setting stripeSecretKey');
    }
    return this.get().stripeSecretKey;
  }

  private withEnv(settings: Settings): Settings {
    let out = settings;
    const envKey = this.env['STRIPE_SECRET_KEY']?.trim();
    if (envKey) {
      const checked = settingsSchema.shape.stripeSecretKey.safeParse(envKey);
      if (!checked.success) throw invalidKey('STRIPE_SECRET_KEY');
      out = { ...out, stripeSecretKey: checked.data };
    }
    // The mail password from the environment, for a station whose mail server is set up in the file.
    const envPassword = this.env['SMTP_PASSWORD'];
    if (envPassword && out.smtp) out = { ...out, smtp: { ...out.smtp, password: envPassword } };
    return out;
  }

  /** Settings without the secrets (Stripe key, mail password), for logs and diagnostics. */
  redacted(): Omit<Settings, 'stripeSecretKey' | 'smtp'> & { stripeSecretKey: 'set' | 'not set'; smtp?: RedactedSmtp } {
    const { stripeSecretKey, smtp, ...rest } = this.get();
    const mail = smtp ? { smtp: { ...smtp, password: smtp.password ? ('set' as const) : ('not set' as const) } } : {};
    return { ...rest, stripeSecretKey: stripeSecretKey ? 'set' : 'not set', ...mail };
  }
}

const invalidKey = (where: string) =>
  AppError.because('stripe_key_invalid', {
    params: { where },
    message: `${where} is set but is not a Stripe secret key (sk_live_… or sk_test_…, nothing around it). The kiosk does not start in training mode while a key is given: correct the key, or remove it for training mode.`,
  });
