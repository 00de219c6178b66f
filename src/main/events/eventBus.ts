import type { EventChannel, EventPayload } from '../../shared/contract'

export type EventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void

/** Fan-out of main-side events to every face (IPC windows, HTTP streams, CLI). */
export class EventBus {
  private readonly listeners = new Set<EventListener>()

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload)
      } catch {
        // One broken subscriber (a closed socket, a destroyed window) must not starve the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Listens to one event only, with its payload typed. */
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const each: EventListener = (name, payload) => {
      // The names match, so the payload is this event's (the listener type cannot say so).
      if ((name as EventChannel) === event) listener(payload as unknown as EventPayload<E>)
    }
    return this.subscribe(each)
  }

  get size(): number {
    return this.listeners.size
  }
}
