import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { type Notification, NotificationListener, publishNotification } from './Notifications.ts';

const url = serviceUrl('redis');
const namespace = testNamespace('pubsub_notifications');
let publisher: Redis;
beforeAll(() => {
  publisher = new Redis(url);
});
afterAll(async () => {
  await publisher.quit();
});

const until = async (check: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('live notifications over Redis pub/sub', () => {
  it('delivers to the user channel subscriber only, and PUBLISH counts the receivers', async () => {
    const alice: Notification[] = [];
    const listener = await new NotificationListener({
      url,
      namespace,
      onNotification: (n) => alice.push(n),
    }).connect();
    try {
      await listener.addUser('alice');
      expect(
        await publishNotification(publisher, namespace, {
          id: '1',
          userId: 'alice',
          kind: 'like',
          text: 'hi',
        }),
      ).toBe(1);
      // Nobody listens to bob: the message is dropped, and PUBLISH says so.
      expect(
        await publishNotification(publisher, namespace, { id: '2', userId: 'bob', kind: 'like', text: 'x' }),
      ).toBe(0);
      await until(() => alice.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      expect(alice.map((n) => n.id)).toEqual(['1']);
    } finally {
      await listener.close();
    }
  });

  it('PSUBSCRIBE receives every user; PUBLISH counts channel and pattern subscribers', async () => {
    const feed: string[] = [];
    const perUser: string[] = [];
    const all = await new NotificationListener({
      url,
      namespace,
      onNotification: (n) => feed.push(n.userId),
    }).connect();
    const one = await new NotificationListener({
      url,
      namespace,
      onNotification: (n) => perUser.push(n.userId),
    }).connect();
    try {
      await all.addAllUsers();
      await one.addUser('carol');
      expect(
        await publishNotification(publisher, namespace, { id: '3', userId: 'carol', kind: 'k', text: '' }),
      ).toBe(2);
      expect(
        await publishNotification(publisher, namespace, { id: '4', userId: 'dave', kind: 'k', text: '' }),
      ).toBe(1);
      await until(() => feed.length === 2 && perUser.length === 1);
      expect(feed).toEqual(['carol', 'dave']);
      expect(perUser).toEqual(['carol']);
    } finally {
      await Promise.all([all.close(), one.close()]);
    }
  });

  it('at most once: notifications published while the subscriber is offline are lost for good', async () => {
    const received: string[] = [];
    const onNotification = (n: Notification) => received.push(n.id);
    const first = await new NotificationListener({ url, namespace, onNotification }).connect();
    await first.addUser('erin');
    expect(
      await publishNotification(publisher, namespace, { id: 'before', userId: 'erin', kind: 'k', text: '' }),
    ).toBe(1);
    await until(() => received.length === 1);

    await first.close(); // the app server holding erin's connection restarts
    const whileOffline: number[] = [];
    for (let i = 0; i < 5; i++) {
      whileOffline.push(
        await publishNotification(publisher, namespace, {
          id: `offline-${i}`,
          userId: 'erin',
          kind: 'k',
          text: '',
        }),
      );
    }

    const second = await new NotificationListener({ url, namespace, onNotification }).connect();
    try {
      await second.addUser('erin'); // erin is back
      expect(
        await publishNotification(publisher, namespace, { id: 'after', userId: 'erin', kind: 'k', text: '' }),
      ).toBe(1);
      await until(() => received.length === 2);
      await new Promise((r) => setTimeout(r, 50));
      expect(whileOffline).toEqual([0, 0, 0, 0, 0]); // Redis told us nobody got them
      expect(received).toEqual(['before', 'after']); // and nothing replays them on reconnect
    } finally {
      await second.close();
    }
  });
});
