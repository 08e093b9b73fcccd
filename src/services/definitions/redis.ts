import { Redis } from 'ioredis';
import type { ServiceDefinition } from '../ServiceDefinition.ts';

export const redis: ServiceDefinition = {
  name: 'redis',
  title: 'Redis',
  envVar: 'REDIS_URL',
  exampleUrl: 'redis://127.0.0.1:6379',
  binaries: ['redis-server'],
  install: {
    docker: 'docker compose up -d redis',
    apt: 'sudo apt install redis-server',
    brew: 'brew install redis',
  },
  launch: ({ port, dir, bin }) => ({
    command: bin['redis-server']!,
    // No persistence: an ephemeral server keeps nothing once it stops.
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
  }),
  urlFor: (port) => `redis://127.0.0.1:${port}`,
  async probe(url, timeoutMs) {
    const client = new Redis(url, {
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
      // ioredis's own ready check sleeps out Redis's loading estimate (a second or more) even when the
      // data loads in 150 ms; INFO answers while loading, so poll `loading` here instead.
      enableReadyCheck: false,
    });
    client.on('error', () => {}); // reported through the rejected promise below
    try {
      await client.connect();
      const info = await client.info();
      if (/^loading:1/m.test(info)) throw new Error('Redis is still loading its data files');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } finally {
      client.disconnect();
    }
  },
};
