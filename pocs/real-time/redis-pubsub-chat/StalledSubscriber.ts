import net from 'node:net';
import type { Redis } from 'ioredis';

/** A command in RESP, the protocol Redis speaks: an array of bulk strings. */
const resp = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

// #region stalled
/**
 * A subscriber that stops reading: a raw TCP connection that sends SUBSCRIBE, waits for Redis's
 * confirmation, then pauses the socket. It stands for a stuck app server (a blocked event loop, a GC
 * pause, a saturated network). Redis keeps writing; once the kernel's socket buffers are full, what it
 * cannot send piles up in the connection's output buffer on the Redis server (`omem` in CLIENT LIST).
 */
export class StalledSubscriber {
  readonly name: string;
  private readonly socket: net.Socket;
  private readonly chunks: Buffer[] = [];
  private ended = false;

  private constructor(socket: net.Socket, name: string) {
    this.socket = socket;
    this.name = name;
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    socket.on('close', () => {
      this.ended = true;
    });
    socket.on('error', () => {}); // a reset after Redis dropped us is expected; `ended` tells the story
  }

  static async connect(options: {
    url: string;
    channel: string;
    /** CLIENT SETNAME, to find this connection in CLIENT LIST. */
    name: string;
    timeoutMs?: number;
  }): Promise<StalledSubscriber> {
    const { hostname, port } = new URL(options.url);
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const subscriber = new StalledSubscriber(socket, options.name);
    socket.write(resp('CLIENT', 'SETNAME', options.name) + resp('SUBSCRIBE', options.channel));
    // The confirmation is `*3 subscribe <channel> 1`; after it, every byte is a published message.
    const confirmation = resp('subscribe', options.channel).replace('*2', '*3');
    const deadline = Date.now() + (options.timeoutMs ?? 3_000);
    while (!subscriber.raw().includes(confirmation)) {
      if (Date.now() > deadline || subscriber.ended) {
        socket.destroy();
        throw new Error(`no SUBSCRIBE confirmation from ${options.url} for ${options.channel}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.pause(); // from here on nothing is read: the kernel buffers fill, then Redis's
    return subscriber;
  }
  // #endregion stalled

  /**
   * Starts reading again and returns the payloads of every message that reached this socket before
   * Redis closed it (what was already in the kernel buffers), once the connection has ended or
   * `timeoutMs` has passed.
   */
  async resumeAndDrain(timeoutMs = 3_000): Promise<{ payloads: string[]; closedByServer: boolean }> {
    this.socket.resume();
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return { payloads: parseMessages(this.raw()), closedByServer: this.ended };
  }

  close(): void {
    this.socket.destroy();
  }

  private raw(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}

/** Payloads of the `message` pushes in a RESP2 byte stream (other replies are skipped). */
export function parseMessages(raw: string): string[] {
  const payloads: string[] = [];
  let at = 0;
  const line = () => {
    const end = raw.indexOf('\r\n', at);
    if (end < 0) return null;
    const text = raw.slice(at, end);
    at = end + 2;
    return text;
  };
  const bulk = () => {
    const header = line();
    if (header === null || header[0] !== '$') return null;
    const len = Number(header.slice(1));
    if (at + len + 2 > raw.length) return null; // cut off mid-message by the disconnect
    const text = raw.slice(at, at + len);
    at += len + 2;
    return text;
  };
  while (at < raw.length) {
    const header = line();
    if (header === null) break;
    if (header[0] !== '*') continue; // +OK of CLIENT SETNAME
    const parts: (string | null)[] = [];
    for (let i = 0; i < Number(header.slice(1)); i++) {
      if (raw[at] === ':') parts.push(line());
      else parts.push(bulk());
    }
    if (parts.includes(null)) break;
    if (parts[0] === 'message' && parts.length === 3)
      payloads.push(Buffer.from(parts[2]!, 'latin1').toString());
  }
  return payloads;
}

/** What CLIENT LIST says about the connection named `name`, or null once it is gone. */
export async function clientBuffers(
  redis: Redis,
  name: string,
): Promise<{ omem: number; totMem: number; oll: number } | null> {
  const list = (await redis.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) return null;
  const field = (key: string) => Number(new RegExp(`(?:^| )${key}=(\\d+)`).exec(line)?.[1] ?? Number.NaN);
  return { omem: field('omem'), totMem: field('tot-mem'), oll: field('oll') };
}

/**
 * Sets the pub/sub output buffer limit (`hard`: disconnect at once above it; `soft` for `softSeconds`:
 * disconnect if it stays above). Server-wide: only ever on a Redis of your own in a demo or a test.
 */
export async function setPubsubBufferLimit(
  admin: Redis,
  limit: { hardBytes: number; softBytes: number; softSeconds: number },
): Promise<void> {
  await admin.config(
    'SET',
    'client-output-buffer-limit',
    `pubsub ${limit.hardBytes} ${limit.softBytes} ${limit.softSeconds}`,
  );
}

export interface FloodSample {
  published: number;
  publishedBytes: number;
  /** The watched connection's output buffer, or null once Redis has closed it. */
  buffers: { omem: number; totMem: number; oll: number } | null;
}

/**
 * Publishes numbered messages (`<seq>:<padding>`, `messageBytes` each) `batch` at a time and, after each
 * batch, reads the watched connection's buffers from CLIENT LIST. Stops `afterDisconnect` batches after
 * the connection disappeared, or at `maxMessages`.
 */
export async function floodAndWatch(
  publisher: Redis,
  options: {
    channel: string;
    watch: string;
    maxMessages: number;
    messageBytes?: number;
    batch?: number;
    afterDisconnect?: number;
    onSample?: (sample: FloodSample) => void;
  },
): Promise<{ published: number; maxOmem: number; disconnectedAfter: number | null }> {
  const { messageBytes = 1000, batch = 100, afterDisconnect = 0 } = options;
  const padding = 'x'.repeat(messageBytes);
  let published = 0;
  let maxOmem = 0;
  let disconnectedAfter: number | null = null;
  let batchesAfter = 0;
  while (published < options.maxMessages) {
    const pipeline = publisher.pipeline();
    for (let i = 0; i < batch; i++) {
      published++;
      pipeline.publish(options.channel, `${published}:${padding}`.slice(0, Math.max(messageBytes, 12)));
    }
    await pipeline.exec();
    const buffers = await clientBuffers(publisher, options.watch);
    options.onSample?.({ published, publishedBytes: published * messageBytes, buffers });
    if (buffers) maxOmem = Math.max(maxOmem, buffers.omem);
    else {
      disconnectedAfter ??= published;
      if (batchesAfter++ >= afterDisconnect) break;
    }
  }
  return { published, maxOmem, disconnectedAfter };
}
