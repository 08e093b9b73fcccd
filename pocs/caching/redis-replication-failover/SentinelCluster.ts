import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { EphemeralServer, SERVICES } from '../../../src/lab/index.ts';
import { waitUntil } from '../../../src/lab/waitUntil.ts';
import type { ServiceDefinition } from '../../../src/services/ServiceDefinition.ts';
import { connect } from './ReplicatedRedis.ts';
import { replicationInfo } from './replicationInfo.ts';

export const MASTER_NAME = 'poc123';

export interface SentinelSettings {
  /** How many Sentinels must agree the primary is unreachable before a failover may start. */
  quorum: number;
  /** How long the primary must fail to answer PING before one Sentinel considers it down. */
  downAfterMs: number;
  /** Bounds one failover attempt and the pause before the next one (Sentinel docs). */
  failoverTimeoutMs: number;
}

export const FAST_SENTINELS: SentinelSettings = { quorum: 2, downAfterMs: 1_000, failoverTimeoutMs: 5_000 };

// #region sentinel-conf
/**
 * `redis-server <conf> --sentinel`: the same binary in Sentinel mode. The config file sits in the
 * server's own temp dir because Sentinel rewrites it (discovered replicas and Sentinels, the current
 * epoch) and EphemeralServer removes that dir on dispose.
 */
function sentinelDefinition(primaryPort: number, settings: SentinelSettings): ServiceDefinition {
  const redis = SERVICES.redis;
  const conf = (port: number, dir: string) =>
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} ${settings.quorum}`,
      `sentinel down-after-milliseconds ${MASTER_NAME} ${settings.downAfterMs}`,
      `sentinel failover-timeout ${MASTER_NAME} ${settings.failoverTimeoutMs}`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
    ].join('\n');
  return {
    ...redis,
    title: 'Redis Sentinel',
    prepare: ({ port, dir }) => writeFile(path.join(dir, 'sentinel.conf'), `${conf(port, dir)}\n`),
    launch: ({ dir, bin }) => ({
      command: bin['redis-server']!,
      args: [path.join(dir, 'sentinel.conf'), '--sentinel'],
    }),
    // Ready when it answers as a Sentinel that monitors our primary (a plain server rejects SENTINEL).
    async probe(url, timeoutMs) {
      const client = new Redis(url, {
        connectTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        lazyConnect: true,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        const masters = (await client.call('SENTINEL', 'MASTERS')) as unknown[];
        if (masters.length !== 1) throw new Error('Sentinel does not monitor the primary yet');
        return /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
      } finally {
        client.disconnect();
      }
    },
  };
}
// #endregion sentinel-conf

/**
 * A primary, two replicas replicating from it directly, and three Sentinels watching them, all real
 * processes on free loopback ports. Sentinel, not this class, decides who is primary after a crash.
 */
export class SentinelCluster {
  private readonly clients: Redis[];
  readonly servers: readonly EphemeralServer[];
  readonly sentinels: readonly EphemeralServer[];
  /** One client per Sentinel, for SENTINEL queries. */
  readonly sentinelClients: readonly Redis[];

  private constructor(
    servers: EphemeralServer[],
    sentinels: EphemeralServer[],
    sentinelClients: Redis[],
    clients: Redis[],
  ) {
    this.servers = servers;
    this.sentinels = sentinels;
    this.sentinelClients = sentinelClients;
    this.clients = clients;
  }

  /** The server that was primary when the cluster started. */
  get initialPrimary(): EphemeralServer {
    return this.servers[0]!;
  }

  static async start(
    options: { settings?: SentinelSettings; signal?: AbortSignal } = {},
  ): Promise<SentinelCluster> {
    const { settings = FAST_SENTINELS, signal } = options;
    const unavailable = EphemeralServer.unavailableReason(SERVICES.redis);
    if (unavailable) throw new Error(`this POC starts its own Redis servers and cannot here: ${unavailable}`);
    const servers: EphemeralServer[] = [];
    const sentinels: EphemeralServer[] = [];
    const clients: Redis[] = [];
    try {
      servers.push(...(await EphemeralServer.startMany(SERVICES.redis, 3, { signal })));
      const primary = servers[0]!;
      const serverClients = await Promise.all(servers.map((s) => connect(clients, s.url)));
      // Diskless full syncs wait 5 s by default for more replicas to share one transfer. Set on every
      // server, since any may become primary: the rejoin time then measures Sentinel, not that delay.
      for (const client of serverClients) await client.config('SET', 'repl-diskless-sync-delay', '0');
      for (const client of serverClients.slice(1)) await client.replicaof('127.0.0.1', primary.port);
      const definition = sentinelDefinition(primary.port, settings);
      for (let i = 0; i < 3; i++) sentinels.push(await EphemeralServer.start(definition, { signal }));
      const sentinelClients = await Promise.all(sentinels.map((s) => connect(clients, s.url)));
      const cluster = new SentinelCluster(servers, sentinels, sentinelClients, clients);
      await cluster.waitUntilWatching(signal);
      return cluster;
    } catch (error) {
      for (const client of clients) client.disconnect();
      await Promise.all([...sentinels, ...servers].map((s) => s.dispose()));
      throw error;
    }
  }

  /**
   * Until every Sentinel knows both replicas (from the primary's INFO) and the two other Sentinels
   * (from their hello messages, every 2 s): a Sentinel that knows no peers cannot reach the quorum.
   */
  private async waitUntilWatching(signal?: AbortSignal): Promise<void> {
    await waitUntil(
      async () => {
        for (const client of this.sentinelClients) {
          const replicas = (await client.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][];
          const peers = (await client.call('SENTINEL', 'SENTINELS', MASTER_NAME)) as unknown[];
          const linked = replicas.filter((r) => field(r, 'master-link-status') === 'ok');
          if (linked.length !== this.servers.length - 1 || peers.length !== this.sentinels.length - 1)
            return false;
        }
        return true;
      },
      { what: 'the Sentinels to discover both replicas and each other', signal },
    );
  }

  /** Sentinel addresses in the form ioredis's `sentinels` option takes. */
  get sentinelAddresses(): { host: string; port: number }[] {
    return this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  serverOnPort(port: number): EphemeralServer {
    const server = this.servers.find((s) => s.port === port);
    if (!server) throw new Error(`no server of this cluster listens on port ${port}`);
    return server;
  }

  // #region wait-for-promotion
  /**
   * Polls every Sentinel until one names a primary other than `oldPort`; returns the new primary.
   * The elected leader knows first, the others learn it from its hello messages: ask them all.
   */
  async waitForPromotion(oldPort: number, signal?: AbortSignal): Promise<EphemeralServer> {
    let newPort = oldPort;
    await waitUntil(
      async () => {
        const answers = await Promise.allSettled(
          this.sentinelClients.map((c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)),
        );
        for (const a of answers)
          if (a.status === 'fulfilled' && Number((a.value as string[])[1]) !== oldPort)
            newPort = Number((a.value as string[])[1]);
        return newPort !== oldPort;
      },
      { what: 'Sentinel to promote a replica', timeoutMs: 60_000, intervalMs: 10, signal },
    );
    return this.serverOnPort(newPort);
  }
  // #endregion wait-for-promotion

  /** A new client straight to one server (closed by dispose). */
  connectTo(server: EphemeralServer): Promise<Redis> {
    return connect(this.clients, server.url);
  }

  // #region rejoin
  /** Until `server` reports, in its own INFO, that it replicates from `primary` with its link up. */
  async waitUntilReplicaOf(server: EphemeralServer, primary: EphemeralServer, signal?: AbortSignal) {
    await waitUntil(
      async () => {
        const info = await this.query(server, replicationInfo, signal);
        return (
          info.role === 'slave' &&
          Number(info.master_port) === primary.port &&
          info.master_link_status === 'up'
        );
      },
      // Sentinel leaves a server that wrongly claims to be primary alone for a few seconds before it
      // converts it, and refreshes replicas' INFO only periodically: generous, never an outcome.
      {
        what: `${server.url} to become a replica of ${primary.url}`,
        timeoutMs: 60_000,
        intervalMs: 100,
        signal,
      },
    );
  }
  // #endregion rejoin

  /**
   * Runs `fn` on a fresh connection to `server`, again on a new one if the connection is closed under
   * it: each Sentinel that reconfigures a server also kills its clients, and more than one may do so.
   */
  async query<T>(
    server: EphemeralServer,
    fn: (client: Redis) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    let result: T | undefined;
    await waitUntil(
      async () => {
        const client = await connect([], server.url);
        try {
          result = await fn(client);
          return true;
        } finally {
          client.disconnect();
        }
      },
      { what: `an answer from ${server.url}`, intervalMs: 50, signal },
    );
    return result as T;
  }

  async dispose(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    // Sentinels first: a Sentinel outliving the servers would only log connection errors meanwhile.
    await Promise.all(this.sentinels.map((s) => s.dispose()));
    await Promise.all(this.servers.map((s) => s.dispose()));
  }
}

/** A field of a SENTINEL REPLICAS / MASTERS entry (a flat [name, value, name, value…] array). */
export function field(entry: string[], name: string): string | undefined {
  const at = entry.indexOf(name);
  return at >= 0 && at % 2 === 0 ? entry[at + 1] : undefined;
}
