import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BoundedQueue } from './BoundedQueue.ts';

export interface JobServerOptions {
  /** Jobs waiting at most; `null` = unbounded (the failure mode). */
  capacity: number | null;
  /** Time to process one job: the server's real capacity is 1000 / serviceMs jobs per second. */
  serviceMs: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

export interface JobServerStats {
  accepted: number;
  shed: number;
  processed: number;
  queued: number;
}

export interface JobServer {
  url: string;
  stats(): JobServerStats;
  close(): Promise<void>;
}

/**
 * Accepts jobs over HTTP (POST /jobs, JSON body) into an in-memory queue that a worker drains at a
 * fixed pace. Bounded: a full queue answers 429 with Retry-After instead of holding the job.
 */
export async function startJobServer(options: JobServerOptions): Promise<JobServer> {
  const { serviceMs, maxBodyBytes = 64 * 1024 } = options;
  // Unbounded = a capacity nobody reaches; same code path, so the only difference is the bound.
  const queue = new BoundedQueue<unknown>(options.capacity ?? Number.MAX_SAFE_INTEGER);
  const stats = { accepted: 0, shed: 0, processed: 0 };
  const controller = new AbortController();

  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/jobs') {
      res.writeHead(404).end();
      return;
    }
    let job: unknown;
    try {
      job = JSON.parse(await readBody(req, maxBodyBytes));
    } catch (error) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: String(error) }));
      return;
    }
    // #region shed
    if (!queue.tryPut(job)) {
      stats.shed++;
      // When will there be room? The backlog drains at one job per serviceMs.
      const retryAfterSeconds = Math.max(1, Math.ceil((queue.size * serviceMs) / 1000));
      res
        .writeHead(429, { 'retry-after': String(retryAfterSeconds), 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'queue full, retry later', retryAfterSeconds }));
      return;
    }
    // #endregion shed
    stats.accepted++;
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ queued: queue.size }));
  });
  server.keepAliveTimeout = 5_000;

  void (async () => {
    try {
      for (;;) {
        await queue.take(controller.signal);
        await new Promise((r) => setTimeout(r, serviceMs)); // the slow work
        stats.processed++;
      }
    } catch {
      // aborted by close()
    }
  })();

  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats, queued: queue.size }),
    close: async () => {
      controller.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`body larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
