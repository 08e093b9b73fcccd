type Listener<T> = (event: T) => void;

/**
 * A minimal typed event emitter: `on()` returns an unsubscribe function (cockatiel's style), and an
 * event nobody listens to costs one map lookup, which matters on a breaker's hot path.
 */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Listener<never>[]>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(event, list);
    return () => {
      const current = this.listeners.get(event);
      if (!current) return;
      const next = current.filter((l) => l !== listener);
      if (next.length === 0) this.listeners.delete(event);
      else this.listeners.set(event, next);
    };
  }

  /** Lets a hot path skip building a payload nobody will read. */
  has(event: keyof Events): boolean {
    return this.listeners.has(event);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners.get(event) as Listener<Events[K]>[] | undefined;
    if (list === undefined) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        // A buggy listener must not corrupt the breaker mid-transition or turn a successful call into a
        // failed one. Re-throw outside the breaker's stack so the bug still surfaces as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
