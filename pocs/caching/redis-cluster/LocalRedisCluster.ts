import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { EphemeralServer, SERVICES } from '../../../src/lab/index.ts';
import { waitUntil } from '../../../src/lab/waitUntil.ts';
import { freePort } from '../../../src/services/freePort.ts';
import type { ServiceDefinition } from '../../../src/services/ServiceDefinition.ts';
import { type ClusterNode, parseClusterNodes } from './clusterNodes.ts';
import { SLOT_COUNT } from './keySlot.ts';

export interface ClusterSettings {
  primaries?: number;
  replicasPerPrimary?: number;
  /** How long a node may go unreachable before it is flagged failing (cluster-node-timeout). */
  nodeTimeoutMs?: number;
  signal?: AbortSignal;
}

// #region definition
/**
 * The lab's Redis definition with cluster mode on. Each node gets a config file in its own temp dir:
 * its cluster state file, the node timeout and an explicit bus port. By default the bus listens on
 * port + 10000, which does not exist for the high ports the OS hands out, so `cluster-port` takes a
 * free port of its own.
 */
export function clusterNodeDefinition(nodeTimeoutMs: number): ServiceDefinition {
  const redis = SERVICES.redis;
  const configFile = (dir: string) => path.join(dir, 'cluster.conf');
  return {
    ...redis,
    async prepare(ctx) {
      let busPort = await freePort();
      while (busPort === ctx.port) busPort = await freePort();
      const config = [
        'cluster-enabled yes',
        `cluster-config-file ${path.join(ctx.dir, 'nodes.conf')}`,
        `cluster-node-timeout ${nodeTimeoutMs}`,
        `cluster-port ${busPort}`,
        // A replica's first sync otherwise waits 5 s for more replicas to share the transfer.
        'repl-diskless-sync-delay 0',
      ];
      await writeFile(configFile(ctx.dir), `${config.join('\n')}\n`);
    },
    launch(ctx) {
      const plan = redis.launch(ctx);
      // redis-server takes its config file as the first argument, the command-line options after it.
      return { ...plan, args: [configFile(ctx.dir), ...plan.args] };
    },
  };
}
// #endregion definition

/** One node: its server process and a plain (non-cluster) client connected to it alone. */
export interface NodeHandle {
  readonly server: EphemeralServer;
  readonly client: Redis;
  readonly id: string;
}

/**
 * A Redis Cluster on real redis-server processes: N primaries splitting the 16384 slots evenly, each
 * with its replicas, built with the same commands `redis-cli --cluster create` sends.
 */
export class LocalRedisCluster {
  private readonly clusterClients: Cluster[] = [];

  readonly nodes: readonly NodeHandle[];
  readonly nodeTimeoutMs: number;

  private constructor(nodes: readonly NodeHandle[], nodeTimeoutMs: number) {
    this.nodes = nodes;
    this.nodeTimeoutMs = nodeTimeoutMs;
  }

  static async start(settings: ClusterSettings = {}): Promise<LocalRedisCluster> {
    const { primaries = 3, replicasPerPrimary = 1, nodeTimeoutMs = 2000, signal } = settings;
    const unavailable = EphemeralServer.unavailableReason(SERVICES.redis);
    if (unavailable)
      throw new Error(`this POC starts its own six Redis cluster nodes and cannot here: ${unavailable}`);
    const count = primaries * (1 + replicasPerPrimary);
    const servers = await EphemeralServer.startMany(clusterNodeDefinition(nodeTimeoutMs), count, { signal });
    const clients: Redis[] = [];
    try {
      const nodes: NodeHandle[] = [];
      for (const server of servers) {
        const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
        clients.push(client);
        await client.connect();
        nodes.push({ server, client, id: String(await client.call('CLUSTER', 'MYID')) });
      }
      const cluster = new LocalRedisCluster(nodes, nodeTimeoutMs);
      await cluster.form(primaries, replicasPerPrimary, signal);
      return cluster;
    } catch (error) {
      for (const client of clients) client.disconnect();
      await Promise.all(servers.map((s) => s.dispose()));
      throw error;
    }
  }

  // #region form
  /** Slots to the primaries, MEET to join the nodes, REPLICATE for the replicas, then wait for `ok`. */
  private async form(primaries: number, replicasPerPrimary: number, signal?: AbortSignal): Promise<void> {
    const owners = this.nodes.slice(0, primaries);
    for (const [i, node] of owners.entries()) {
      const first = Math.floor((i * SLOT_COUNT) / primaries);
      const last = Math.floor(((i + 1) * SLOT_COUNT) / primaries) - 1;
      await node.client.call('CLUSTER', 'ADDSLOTSRANGE', first, last);
    }
    // Meeting one node is enough: gossip introduces the others to each other. MEET needs the bus port
    // too when it is not port + 10000.
    const [first, ...rest] = this.nodes;
    for (const node of rest) {
      const [, busPort] = (await node.client.config('GET', 'cluster-port')) as [string, string];
      await first!.client.call('CLUSTER', 'MEET', '127.0.0.1', node.server.port, busPort);
    }
    await waitUntil(
      async () => {
        for (const node of this.nodes)
          if (parseClusterNodes(await this.nodesText(node)).length < this.nodes.length) return false;
        return true;
      },
      { what: 'every node to know every other node', signal },
    );
    for (const [i, replica] of this.nodes.slice(primaries).entries()) {
      const primary = owners[Math.floor(i / replicasPerPrimary)]!;
      await replica.client.call('CLUSTER', 'REPLICATE', primary.id);
    }
    await this.waitUntilHealthy(signal);
  }
  // #endregion form

  /**
   * Waits until every live node says `cluster_state:ok`, agrees on who serves every slot, and every
   * replica has finished its initial sync.
   */
  async waitUntilHealthy(signal?: AbortSignal): Promise<void> {
    await waitUntil(
      async () => {
        const live = this.nodes.filter((n) => n.server.running);
        for (const node of live) {
          const info = String(await node.client.call('CLUSTER', 'INFO'));
          if (!/^cluster_state:ok/m.test(info) || !/^cluster_slots_ok:16384/m.test(info)) return false;
        }
        const views = await Promise.all(live.map((n) => this.view(n)));
        const owners = (view: ClusterNode[]) =>
          view
            .filter((n) => n.role === 'primary' && n.slots.length > 0)
            .map((n) => `${n.id}:${JSON.stringify(n.slots)}`)
            .sort()
            .join('|');
        if (new Set(views.map(owners)).size !== 1) return false;
        for (const node of live) {
          const info = await node.client.info('replication');
          if (/^role:slave/m.test(info) && !/^master_link_status:up/m.test(info)) return false;
        }
        return true;
      },
      {
        what: 'the cluster to be healthy (cluster_state:ok on every node, one slot map, replicas in sync)',
        signal,
      },
    );
  }

  private async nodesText(node: NodeHandle): Promise<string> {
    return String(await node.client.call('CLUSTER', 'NODES'));
  }

  /** `CLUSTER NODES` as one node sees it. */
  async view(node: NodeHandle = this.nodes.find((n) => n.server.running)!): Promise<ClusterNode[]> {
    return parseClusterNodes(await this.nodesText(node));
  }

  /** The handle of the node that serves `slot`, as a live node sees the cluster now. */
  async ownerOf(slot: number): Promise<NodeHandle> {
    const view = await this.view();
    const owner = view.find((n) => n.role === 'primary' && n.slots.some(([a, b]) => slot >= a && slot <= b));
    const handle = this.nodes.find((n) => n.id === owner?.id);
    if (!handle) throw new Error(`no node serves slot ${slot}`);
    return handle;
  }

  /** A plain client of any node that does not serve `slot`. */
  async wrongNodeFor(slot: number): Promise<NodeHandle> {
    const owner = await this.ownerOf(slot);
    const view = await this.view();
    const other = view.find((n) => n.role === 'primary' && n.id !== owner.id)!;
    return this.nodes.find((n) => n.id === other.id)!;
  }

  // #region cluster-client
  /** An ioredis Cluster client seeded with one node's address; it learns the rest from CLUSTER SLOTS. */
  connect(options: ClusterOptions = {}): Cluster {
    const seed = this.nodes[0]!.server;
    const client = new Cluster([{ host: '127.0.0.1', port: seed.port }], options);
    this.clusterClients.push(client);
    return client;
  }
  // #endregion cluster-client

  async dispose(): Promise<void> {
    for (const client of this.clusterClients) client.disconnect();
    for (const node of this.nodes) node.client.disconnect();
    await Promise.all(this.nodes.map((n) => n.server.dispose()));
  }
}
