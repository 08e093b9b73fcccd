import type { Redis } from 'ioredis';

/** What the writer was told about one write. */
export interface WriteOutcome {
  key: string;
  value: string;
  /** The primary answered OK. */
  acked: boolean;
  /** WAIT's answer: how many replicas had the write when WAIT returned; null = WAIT not used or failed. */
  replicasConfirmed: number | null;
  /** Time from sending SET to the last reply this write waited for (SET, or WAIT when used). */
  latencyMs: number;
}

export interface WaitPolicy {
  /** WAIT's numreplicas: how many replicas must acknowledge before the write counts as confirmed. */
  replicas: number;
  /** WAIT's timeout: after it, WAIT returns however many replicas have acknowledged so far. */
  timeoutMs: number;
}

// #region write-with-wait
/**
 * SET, optionally followed by WAIT on the same connection. WAIT blocks until `replicas` replicas have
 * acknowledged every write this connection made, or the timeout passes, and returns how many did.
 * A write is confirmed only when that number reaches the policy's; anything less is reported as
 * "acknowledged by the primary, not confirmed" so the caller can retry, alert or refuse.
 */
export async function writeKey(
  client: Redis,
  key: string,
  value: string,
  wait?: WaitPolicy,
): Promise<WriteOutcome> {
  const start = performance.now();
  // Pipelined on one connection: WAIT covers this SET because it follows it on the same socket.
  const [set, waited] = await Promise.allSettled([
    client.set(key, value),
    wait ? client.wait(wait.replicas, wait.timeoutMs) : Promise.resolve(null),
  ]);
  return {
    key,
    value,
    acked: set.status === 'fulfilled' && set.value === 'OK',
    replicasConfirmed: waited.status === 'fulfilled' ? waited.value : null,
    latencyMs: performance.now() - start,
  };
}

export function isConfirmed(write: WriteOutcome, wait: WaitPolicy): boolean {
  return write.acked && (write.replicasConfirmed ?? 0) >= wait.replicas;
}
// #endregion write-with-wait

/** Writes `count` keys one after another on one connection. */
export async function writeSequence(
  client: Redis,
  keyPrefix: string,
  count: number,
  wait?: WaitPolicy,
): Promise<WriteOutcome[]> {
  const writes: WriteOutcome[] = [];
  for (let i = 0; i < count; i++) writes.push(await writeKey(client, `${keyPrefix}${i}`, `v${i}`, wait));
  return writes;
}

// #region missing
/** The writes whose value is not on `server` (absent or different): what a failover to it lost. */
export async function missingOn(server: Redis, writes: readonly WriteOutcome[]): Promise<WriteOutcome[]> {
  const missing: WriteOutcome[] = [];
  const batch = 500;
  for (let i = 0; i < writes.length; i += batch) {
    const chunk = writes.slice(i, i + batch);
    if (chunk.length === 0) break;
    const values = await server.mget(...chunk.map((w) => w.key));
    chunk.forEach((w, j) => {
      if (values[j] !== w.value) missing.push(w);
    });
  }
  return missing;
}
// #endregion missing
