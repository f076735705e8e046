/**
 * The station's card reader: which one this desk uses (kept per station in the kv table), the list
 * with status, registering a new one, and the simulated reader in training mode.
 */
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { ReaderView, TerminalService } from '../terminal/terminal-service';
import type { TerminalGateway } from '../../stripe/terminal-gateway';

export interface ReaderSummary {
  id: string;
  label: string;
  status: 'online' | 'offline' | 'unknown';
  model: string;
  simulated: boolean;
  busy: boolean;
}

export const toReaderSummary = (r: ReaderView): ReaderSummary => ({
  id: r.id,
  label: r.label,
  status: r.status,
  model: r.model,
  simulated: r.simulated,
  busy: r.action?.status === 'in_progress',
});

export class StationReaders {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      terminal: TerminalService;
      locations: Pick<TerminalGateway, 'listLocations' | 'createLocation' | 'retrieveReader'>;
      stationId: () => string;
      trainingMode: boolean;
    },
  ) {}

  private get key(): string {
    return `desk:reader:${this.deps.stationId()}`;
  }

  chosen(): string | null {
    return this.deps.db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get(this.key)?.value ?? null;
  }

  choose(readerId: string): void {
    this.deps.db
      .prepare(
        'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .run(this.key, readerId, this.deps.clock.now());
  }

  /**
   * The reader this station's Terminal JS SDK connects to (`terminalDriver: 'js'`), kept apart from
   * the server-driven choice: the SDK's reader ids (a simulated reader's, for one) need not be
   * readers Stripe lists.
   */
  chosenJs(): string | null {
    return (
      this.deps.db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?').get(`desk:js-reader:${this.deps.stationId()}`)
        ?.value ?? null
    );
  }

  chooseJs(readerId: string): void {
    this.deps.db
      .prepare(
        'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .run(`desk:js-reader:${this.deps.stationId()}`, readerId, this.deps.clock.now());
  }

  /** The chosen reader, or a clear message when there is none. */
  require(): string {
    const id = this.chosen();
    if (!id) throw AppError.because('reader_not_chosen', { field: 'readerId' });
    return id;
  }

  async list(): Promise<ReaderSummary[]> {
    return (await this.deps.terminal.listReaders()).map(toReaderSummary);
  }

  /** Chooses a reader that exists (checked at Stripe). */
  async chooseChecked(readerId: string): Promise<void> {
    const found = (await this.deps.terminal.listReaders()).some((r) => r.id === readerId);
    if (!found) throw AppError.because('reader_not_found');
    this.choose(readerId);
  }

  /** Registers a reader at this station's location (the location of the reader it uses now, else the first). */
  async register(registrationCode: string, label: string): Promise<ReaderSummary> {
    return toReaderSummary(await this.deps.terminal.registerReader(registrationCode, label, await this.locationId()));
  }

  private async locationId(): Promise<string> {
    const { locations } = this.deps;
    const current = this.chosen();
    const reader = current ? await locations.retrieveReader(current).catch(() => null) : null;
    if (reader?.locationId) return reader.locationId;
    const first = (await locations.listLocations())[0];
    if (first) return first.id;
    return (
      await locations.createLocation(
        { displayName: 'Front desk', country: 'US' },
        { idempotencyKey: `desk:location:${this.deps.stationId()}` },
      )
    ).id;
  }

  /** Training mode: the simulated reader exists and is this station's reader unless another was chosen. */
  async ensureTraining(): Promise<void> {
    if (!this.deps.trainingMode) return;
    const reader = await this.deps.terminal.ensureTrainingReader();
    if (!this.chosen()) this.choose(reader.id);
  }
}
