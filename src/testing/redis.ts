import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { deleteRedisKeys } from '../lab/index.ts';
import { serviceUrl, testNamespace } from './services.ts';

export interface UseRedisOptions {
  /** How many clients to open, for tests that play several app servers at once (default 1). */
  connections?: number;
  /** Passed to every client, e.g. `enableAutoPipelining` or `maxRetriesPerRequest`. */
  redisOptions?: RedisOptions;
}

/** The test run's Redis as one test file sees it: its URL, its own namespace and its clients. */
export interface RedisForTests {
  readonly url: string;
  /** Prefix every key with it: afterAll deletes exactly the keys under it. */
  readonly ns: string;
  /** The first client: the one afterAll deletes the keys with. */
  readonly redis: Redis;
  /** All `connections` clients, the first one included. */
  readonly clients: readonly Redis[];
  /**
   * One more client with the same options, closed with the others, for a test that needs a connection
   * of its own mid-file (a blocking reader, a worker): no try/finally, no list of its own to quit.
   */
  connect(): Redis;
}

/** useRedis without the hooks: `open` and `close` are what its beforeAll and afterAll run. */
export interface RedisFixture extends RedisForTests {
  open(): void;
  close(): Promise<void>;
}

/**
 * The set-up nearly every Redis test file needs — a namespace, clients opened before the tests, and
 * afterwards the namespace's keys deleted and every client closed — registered as beforeAll/afterAll
 * where it is called (top level or inside a describe). Read `redis` and `clients` inside tests or
 * hooks, not while the file is collected: they exist only once beforeAll has run.
 *
 * Hooks a file registers after this call run after its beforeAll and before its afterAll (Vitest runs
 * after-hooks in reverse order), so they can use the clients to set up and to check what is left.
 */
export function useRedis(owner: string, options: UseRedisOptions = {}): RedisForTests {
  const fixture = redisFixture(owner, options);
  beforeAll(() => fixture.open());
  afterAll(() => fixture.close());
  return fixture;
}

/** The fixture behind useRedis, for driving its open and close by hand (its own test does). */
export function redisFixture(owner: string, options: UseRedisOptions = {}): RedisFixture {
  const { connections = 1, redisOptions = {} } = options;
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error(`useRedis: connections must be a positive integer, got ${connections}`);
  const url = serviceUrl('redis');
  const ns = testNamespace(owner);
  let clients: Redis[] | undefined;
  const extra: Redis[] = [];
  let closed = false;

  const opened = (what: string): Redis[] => {
    if (!clients)
      throw new Error(
        `useRedis(${owner}): ${what} used before beforeAll opened the clients; read it inside a test or ` +
          'hook, not while the file is collected',
      );
    return clients;
  };

  return {
    url,
    ns,
    get redis() {
      return opened('redis')[0]!;
    },
    get clients() {
      return opened('clients');
    },
    connect() {
      opened('connect()');
      if (closed) throw new Error(`useRedis(${owner}): connect() used after afterAll closed the clients`);
      const client = new Redis(url, redisOptions);
      extra.push(client);
      return client;
    },
    open() {
      if (clients) throw new Error(`useRedis(${owner}): open() called twice`);
      clients = Array.from({ length: connections }, () => new Redis(url, redisOptions));
    },
    async close() {
      if (!clients || closed) return;
      closed = true;
      try {
        await deleteRedisKeys(clients[0]!, ns);
      } finally {
        await Promise.all([...clients, ...extra].map(end));
      }
    },
  };
}

/**
 * Closes a client and waits until it is closed. QUIT resolves on its reply, a moment before the socket
 * closes and the client turns 'end'; a client that cannot QUIT is disconnected instead. One that lost
 * its connection and is waiting to retry has no socket to close and never turns 'end': disconnect()
 * only cancels the retry.
 */
async function end(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'reconnecting') return client.disconnect();
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  await client.quit().catch(() => client.disconnect());
  // Never hang a whole file's afterAll on one socket: after 2 s, cut it.
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<void>((resolve) => {
    timer = setTimeout(() => resolve(client.disconnect()), 2_000);
  });
  await Promise.race([ended, cut]);
  clearTimeout(timer);
}
