import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../testing/services.ts';
import { FaultProxy } from './FaultProxy.ts';

// Real Redis behind the proxy: each test proves the fault is visible to a real client.
describe('FaultProxy', () => {
  const redisUrl = serviceUrl('redis');
  const target = new URL(redisUrl);
  const ns = testNamespace('fault-proxy');
  let proxy: FaultProxy;
  const clients: Redis[] = [];
  const client = (options: { commandTimeout?: number } = {}) => {
    const c = new Redis(proxy.proxiedUrl(redisUrl), {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...options,
    });
    c.on('error', () => {});
    clients.push(c);
    return c;
  };
  const pingMs = async (c: Redis) => {
    const start = performance.now();
    await c.ping();
    return performance.now() - start;
  };

  beforeAll(async () => {
    proxy = await FaultProxy.start({ target: { host: target.hostname, port: Number(target.port) } });
  });
  afterEach(() => {
    proxy.clear();
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    const direct = new Redis(redisUrl);
    await direct.del(`${ns}:big`);
    direct.disconnect();
    await proxy.close();
  });

  it('is transparent with no faults', async () => {
    const c = client();
    expect(await c.ping()).toBe('PONG');
  });

  it('adds latency in each direction to a live connection', async () => {
    const c = client();
    await c.ping();
    proxy.set({ latencyMs: 40 });
    // One round trip crosses the proxy twice: at least 2 × 40 ms, whatever the machine's load.
    expect(await pingMs(c)).toBeGreaterThanOrEqual(78);
  });

  it('keeps replies in order under jitter', async () => {
    const c = client();
    proxy.set({ latencyMs: 1, jitterMs: 30 });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => c.echo(String(i))));
    expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('delivers a delayed reply before passing on the server closing the connection', async () => {
    const c = client();
    await c.ping();
    proxy.set({ latencyMs: 40 });
    // Redis answers QUIT with OK and closes at once: the OK is still travelling through the proxy then.
    expect(await c.quit()).toBe('OK');
  });

  it('resets live connections and refuses new ones', async () => {
    const c = client();
    await c.ping();
    proxy.set({ mode: 'reset' });
    await expect(c.ping()).rejects.toThrow();
    const fresh = client();
    await expect(fresh.ping()).rejects.toThrow();
  });

  it('black-holes traffic so only a timeout notices', async () => {
    const c = client({ commandTimeout: 300 });
    await c.ping();
    proxy.set({ mode: 'blackhole' });
    await expect(c.ping()).rejects.toThrow(/timed out/i);
    expect(proxy.activeConnections).toBeGreaterThanOrEqual(1); // the connection is still "up"
  });

  it('caps bandwidth', async () => {
    const direct = new Redis(redisUrl);
    await direct.set(`${ns}:big`, 'x'.repeat(64 * 1024));
    direct.disconnect();
    const c = client();
    await c.ping();
    proxy.set({ bandwidthBytesPerSec: 128 * 1024 });
    const start = performance.now();
    const value = await c.get(`${ns}:big`);
    // 64 KiB at 128 KiB/s cannot arrive in less than half a second.
    expect(performance.now() - start).toBeGreaterThanOrEqual(480);
    expect(value?.length).toBe(64 * 1024);
  });
});
