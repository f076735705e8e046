import { events, type EventName, type EventPayload } from '../../shared/contract';

export type EventSink = (channel: string, payload: unknown) => void;

/** Main → renderer pushes, addressed to one caller (a window or a preview tab). Payloads are schema-checked. */
export class EventHub {
  private readonly sinks = new Map<string, EventSink>();

  connect(callerId: string, sink: EventSink): () => void {
    this.sinks.set(callerId, sink);
    return () => {
      if (this.sinks.get(callerId) === sink) this.sinks.delete(callerId);
    };
  }

  emit<K extends EventName>(callerId: string, name: K, payload: EventPayload<K>): void {
    const def = events[name];
    this.sinks.get(callerId)?.(def.channel, def.payload.parse(payload));
  }

  /** To every connected window / tab. */
  broadcast<K extends EventName>(name: K, payload: EventPayload<K>): void {
    const def = events[name];
    const parsed = def.payload.parse(payload);
    for (const sink of this.sinks.values()) sink(def.channel, parsed);
  }
}
