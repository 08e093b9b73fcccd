import { Redis, type RedisOptions } from 'ioredis';
import { EphemeralServer, FaultProxy, type Faults, SERVICES } from '../../../src/lab/index.ts';
import { waitUntil } from '../../../src/lab/waitUntil.ts';
import { replicationInfo } from './replicationInfo.ts';

/** One replica: its server, the faulty link it replicates through, and a client for reads. */
export interface ReplicaNode {
  readonly name: string;
  readonly server: EphemeralServer;
  /** Sits between this replica and the primary: its faults are the replication link's faults. */
  readonly link: FaultProxy;
  readonly client: Redis;
}

/**
 * Clients that fail fast once their server is gone: no offline queue and no reconnect loop, so a
 * write sent to a crashed primary rejects at once instead of waiting for a server that will not return.
 */
export const FAIL_FAST: RedisOptions = {
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  retryStrategy: () => null,
  lazyConnect: true,
};

export interface StartOptions {
  replicas?: number;
  /** Faults on every replication link from the start (default: none). */
  linkFaults?: Partial<Faults>;
  signal?: AbortSignal;
}

/**
 * A primary and N replicas on real redis-server processes (no persistence), each replica replicating
 * through a FaultProxy so its lag can be dialled up, frozen or cut without touching the servers.
 */
export class ReplicatedRedis {
  private readonly extraClients: Redis[] = [];

  readonly primary: EphemeralServer;
  readonly primaryClient: Redis;
  readonly replicas: readonly ReplicaNode[];

  private constructor(primary: EphemeralServer, primaryClient: Redis, replicas: readonly ReplicaNode[]) {
    this.primary = primary;
    this.primaryClient = primaryClient;
    this.replicas = replicas;
  }

  // #region start
  static async start(options: StartOptions = {}): Promise<ReplicatedRedis> {
    const { replicas: count = 2, linkFaults, signal } = options;
    const unavailable = EphemeralServer.unavailableReason(SERVICES.redis);
    if (unavailable) throw new Error(`this POC starts its own Redis servers and cannot here: ${unavailable}`);
    const [primary, ...others] = await EphemeralServer.startMany(SERVICES.redis, count + 1, { signal });
    const links: FaultProxy[] = [];
    const clients: Redis[] = [];
    try {
      const primaryClient = await connect(clients, primary!.url);
      // Diskless full syncs wait 5 s by default for more replicas to share one transfer; ours are all here.
      await primaryClient.config('SET', 'repl-diskless-sync-delay', '0');
      const replicas: ReplicaNode[] = [];
      for (const [i, server] of others.entries()) {
        const link = await FaultProxy.start({ target: { host: '127.0.0.1', port: primary!.port } });
        links.push(link);
        const client = await connect(clients, server.url);
        // The replica dials the proxy, not the primary: whatever the proxy holds back, it never sees.
        await client.replicaof('127.0.0.1', link.port);
        replicas.push({ name: `replica-${i + 1}`, server, link, client });
      }
      const cluster = new ReplicatedRedis(primary!, primaryClient, replicas);
      await cluster.waitUntilInSync(signal);
      // Faults go on after the initial sync: a full resync through a slow link would only slow the set-up.
      if (linkFaults) for (const link of links) link.set(linkFaults);
      return cluster;
    } catch (error) {
      await Promise.all(clients.map((c) => c.disconnect()));
      await Promise.all(links.map((l) => l.close()));
      await Promise.all([primary!, ...others].map((s) => s.dispose()));
      throw error;
    }
  }
  // #endregion start

  /** Until every replica's link is up, its initial sync done and its offset equal to the primary's. */
  async waitUntilInSync(signal?: AbortSignal): Promise<void> {
    await waitUntil(
      async () => {
        const primary = await replicationInfo(this.primaryClient);
        for (const replica of this.replicas) {
          const info = await replicationInfo(replica.client);
          if (info.master_link_status !== 'up' || info.master_sync_in_progress !== '0') return false;
          if (Number(info.slave_repl_offset) < Number(primary.master_repl_offset)) return false;
        }
        return true;
      },
      { what: 'replicas to finish their initial sync with the primary', signal },
    );
  }

  /** A new fail-fast client to the primary (closed by dispose). */
  connectPrimary(): Promise<Redis> {
    return connect(this.extraClients, this.primary.url);
  }

  /** Bytes of the replication stream the primary has produced, and how far each replica has applied it. */
  async offsets(): Promise<{ primary: number; replicas: Record<string, number> }> {
    const primary = Number((await replicationInfo(this.primaryClient)).master_repl_offset);
    return { primary, replicas: await this.replicaOffsets() };
  }

  /** How far each replica has applied the stream (readable after the primary is gone). */
  async replicaOffsets(): Promise<Record<string, number>> {
    const replicas: Record<string, number> = {};
    for (const r of this.replicas)
      replicas[r.name] = Number((await replicationInfo(r.client)).slave_repl_offset);
    return replicas;
  }

  // #region crash-and-promote
  /**
   * The primary's host dies: its links go silent first (bytes still travelling through them are
   * dropped, as on a machine that loses power), then the process is SIGKILLed.
   */
  async crashPrimary(): Promise<void> {
    for (const replica of this.replicas) replica.link.set({ mode: 'blackhole' });
    await this.primary.kill();
  }

  /** The replica that has applied the most of the primary's stream: what Sentinel would pick. */
  async mostUpToDate(): Promise<ReplicaNode> {
    const replicas = await this.replicaOffsets();
    return [...this.replicas].sort((a, b) => replicas[b.name]! - replicas[a.name]!)[0]!;
  }

  /** Manual failover: the replica stops replicating and accepts writes, with whatever it had. */
  async promote(replica: ReplicaNode): Promise<void> {
    await replica.client.replicaof('NO', 'ONE');
  }
  // #endregion crash-and-promote

  async dispose(): Promise<void> {
    const clients = [this.primaryClient, ...this.replicas.map((r) => r.client), ...this.extraClients];
    for (const client of clients) client.disconnect();
    await Promise.all(this.replicas.map((r) => r.link.close()));
    await Promise.all([this.primary, ...this.replicas.map((r) => r.server)].map((s) => s.dispose()));
  }
}

/** A connected fail-fast client, added to `list` for clean-up. */
export async function connect(list: Redis[], url: string): Promise<Redis> {
  const client = new Redis(url, FAIL_FAST);
  // Errors surface through rejected commands; a dead server's socket error must not crash the process.
  client.on('error', () => {});
  list.push(client);
  await client.connect();
  return client;
}
