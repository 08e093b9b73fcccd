import net from 'node:net';

/** The faults a proxy injects; change them at any time with `set()`, they apply to live connections too. */
export interface Faults {
  /** Added one-way delay per chunk, each direction. */
  latencyMs: number;
  /** Uniform random extra delay in [0, jitterMs). Order is preserved: TCP never reorders. */
  jitterMs: number;
  /** Cap on bytes per second, per direction per connection; 0 = unlimited. */
  bandwidthBytesPerSec: number;
  /**
   * pass: forward; reset: refuse new connections and reset live ones with RST (a crashed peer or a
   * firewall); blackhole: keep connections open but drop every byte (a dead host, a partition) —
   * the case only timeouts catch.
   */
  mode: 'pass' | 'reset' | 'blackhole';
}

export interface FaultProxyOptions {
  /** Where the real server is. */
  target: { host: string; port: number };
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  faults?: Partial<Faults>;
}

const NO_FAULTS: Faults = { latencyMs: 0, jitterMs: 0, bandwidthBytesPerSec: 0, mode: 'pass' };
/** Stop reading from a peer while this much is queued, so a slow link applies backpressure, not memory. */
const HIGH_WATER_BYTES = 1 << 20;

/**
 * A TCP proxy that sits between any client and any server (Redis, PostgreSQL, a broker) and injects
 * latency, jitter, bandwidth caps, resets and black holes: the failures timeout and resilience POCs
 * need to reproduce, in the spirit of Shopify's Toxiproxy, without a separate daemon.
 */
export class FaultProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private faults: Faults;
  readonly target: { host: string; port: number };
  port = 0;

  private constructor(options: FaultProxyOptions) {
    this.target = options.target;
    this.faults = { ...NO_FAULTS, ...options.faults };
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    proxy.port = (proxy.server.address() as net.AddressInfo).port;
    return proxy;
  }

  /** `url` with host and port swapped for the proxy's, e.g. redis://127.0.0.1:6379 → redis://127.0.0.1:40123. */
  proxiedUrl(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  get activeConnections(): number {
    return this.sockets.size / 2;
  }

  set(faults: Partial<Faults>): void {
    this.faults = { ...this.faults, ...faults };
    if (this.faults.mode === 'reset') this.resetAll();
  }

  /** Back to a transparent proxy. */
  clear(): void {
    this.faults = { ...NO_FAULTS };
  }

  /** Sends RST on every live connection, both sides. */
  resetAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.faults.mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    // The proxy adds exactly the latency it is told to: without this, Nagle's algorithm holds a small
    // write back until the previous one is acknowledged, which adds delay nobody asked for.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    // An error tears both sides down at once; a clean close is forwarded by pipe() as an end() once the
    // data still travelling in that direction has been delivered (a reply delayed by latency must not be lost
    // because the server closed right after sending it, e.g. after QUIT).
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', destroyBoth).on('close', () => this.sockets.delete(client));
    upstream.on('error', destroyBoth).on('close', () => this.sockets.delete(upstream));
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  /** Forwards `from` → `to`, delaying and pacing chunks by the current faults. */
  private pipe(from: net.Socket, to: net.Socket): void {
    let queuedBytes = 0;
    let inFlight = 0;
    let fromFinished = false;
    const endWhenDelivered = () => {
      if (fromFinished && inFlight === 0 && !to.destroyed) to.end();
    };
    // The link sends one chunk at a time (bandwidth), then each chunk travels `latency + jitter`.
    let linkFreeAt = 0;
    // Never deliver before the previous chunk: TCP does not reorder, so jitter must not either.
    let lastDeliverAt = 0;
    from.on('data', (chunk: Buffer) => {
      const f = this.faults;
      if (f.mode === 'blackhole') return; // swallowed: the peer hears nothing, ever
      const now = performance.now();
      const transmitMs = f.bandwidthBytesPerSec > 0 ? (chunk.length / f.bandwidthBytesPerSec) * 1000 : 0;
      const delay = f.latencyMs + (f.jitterMs > 0 ? Math.random() * f.jitterMs : 0);
      linkFreeAt = Math.max(linkFreeAt, now) + transmitMs;
      const deliverAt = Math.max(lastDeliverAt, linkFreeAt + delay);
      lastDeliverAt = deliverAt;
      queuedBytes += chunk.length;
      inFlight++;
      if (queuedBytes > HIGH_WATER_BYTES) from.pause();
      const send = () => {
        queuedBytes -= chunk.length;
        inFlight--;
        if (queuedBytes <= HIGH_WATER_BYTES && from.isPaused()) from.resume();
        if (!to.destroyed && this.faults.mode !== 'blackhole') to.write(chunk);
        endWhenDelivered();
      };
      const wait = deliverAt - now;
      if (wait <= 0.5) send();
      else setTimeout(send, wait);
    });
    const finished = () => {
      fromFinished = true;
      endWhenDelivered();
    };
    from.on('end', finished).on('close', finished);
  }
}
