import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { ChatServer, roomChannel } from './ChatServer.ts';
import { RecordingClient } from './RecordingClient.ts';

const url = serviceUrl('redis');
const namespace = testNamespace('pubsub_chat');
let admin: Redis;
let servers: ChatServer[] = [];

beforeAll(() => {
  admin = new Redis(url);
});
afterAll(async () => {
  await admin.quit();
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const startServers = async (count: number) => {
  servers = await Promise.all(
    Array.from({ length: count }, (_, i) => new ChatServer({ url, namespace, name: `s${i}` }).connect()),
  );
  return servers;
};

const until = async (check: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const numsub = async (room: string) => {
  const [, n] = (await admin.pubsub('NUMSUB', roomChannel(namespace, room))) as [string, number];
  return Number(n);
};

describe('chat fan-out over one Redis channel per room', () => {
  it('every client of the room on every server gets each message exactly once, in per-sender order; other rooms get nothing', async () => {
    const [s0, s1, s2] = await startServers(3);
    const lobby: RecordingClient[] = [];
    const other: RecordingClient[] = [];
    for (const [i, server] of [s0!, s1!, s2!].entries()) {
      for (let c = 0; c < 4; c++) {
        const client = new RecordingClient(`lobby-${i}-${c}`);
        lobby.push(client);
        await server.join(client, 'lobby');
      }
      const bystander = new RecordingClient(`other-${i}`);
      other.push(bystander);
      await server.join(bystander, 'other');
    }
    // Three senders on three different servers talk at the same time.
    const senders = [
      { server: s0!, client: lobby[0]! },
      { server: s1!, client: lobby[4]! },
      { server: s2!, client: lobby[8]! },
    ];
    const perSender = 25;
    await Promise.all(
      senders.map(async ({ server, client }) => {
        for (let i = 0; i < perSender; i++) await server.publish(client, 'lobby', `${client.id} #${i + 1}`);
      }),
    );
    const total = senders.length * perSender;
    await until(() => lobby.every((c) => c.received === total));
    await new Promise((r) => setTimeout(r, 100)); // would-be duplicates have time to arrive

    for (const client of lobby) {
      expect(client.received).toBe(total); // senders hear their own messages too, like in a chat UI
      expect(client.outOfOrder).toBe(0);
      const ids = client.messages.map((m) => `${m.from}:${m.seq}`);
      expect(new Set(ids).size).toBe(total); // exactly once
      for (const { client: sender } of senders) {
        const seqs = client.messages.filter((m) => m.from === sender.id).map((m) => m.seq);
        expect(seqs).toEqual(Array.from({ length: perSender }, (_, i) => i + 1)); // publish order
      }
    }
    for (const bystander of other) expect(bystander.received).toBe(0);
  });

  it('holds one subscription per server per room, not per client, and PUBLISH counts servers', async () => {
    const [s0, s1] = await startServers(2);
    const onS0 = Array.from({ length: 50 }, (_, i) => new RecordingClient(`a${i}`));
    await Promise.all(onS0.map((c) => s0!.join(c, 'big'))); // 50 concurrent joins, one SUBSCRIBE
    const onS1 = new RecordingClient('b0');
    await s1!.join(onS1, 'big');
    expect(await numsub('big')).toBe(2);

    const { servers: receivers } = await s1!.publish(onS1, 'big', 'hello');
    expect(receivers).toBe(2); // Redis sent it twice (once per server), servers fanned out to 51 clients
    await until(() => onS0.every((c) => c.received === 1) && onS1.received === 1);

    // The last local member leaving unsubscribes that server; the room's traffic no longer reaches it.
    await s1!.leave(onS1, 'big');
    expect(await numsub('big')).toBe(1);
    for (const c of onS0.slice(1)) await s0!.leave(c, 'big');
    expect(await numsub('big')).toBe(1); // one member left on s0: still subscribed
    await s0!.leave(onS0[0]!, 'big');
    expect(await numsub('big')).toBe(0);
  });

  it('a client that throws does not stop the fan-out to the rest of the room', async () => {
    const errors: string[] = [];
    const server = await new ChatServer({
      url,
      namespace,
      name: 'faulty',
      onClientError: (client) => errors.push(client.id),
    }).connect();
    servers = [server];
    const broken = {
      id: 'broken',
      deliver: () => {
        throw new Error('socket closed');
      },
    };
    const fine = new RecordingClient('fine');
    await server.join(broken, 'r');
    await server.join(fine, 'r');
    await server.publish(fine, 'r', 'still arrives');
    await until(() => fine.received === 1);
    expect(errors).toEqual(['broken']);
  });
});
