import { Redis } from 'ioredis';

/** One notification as it travels over the channel. `sentAt` lets a receiver measure delivery latency. */
export interface Notification {
  id: string;
  userId: string;
  kind: string;
  text: string;
  sentAt: number;
}

/** The channel of one user, and the pattern matching every user's channel, under a namespace. */
export const userChannel = (namespace: string, userId: string) => `${namespace}:notify:user:${userId}`;
export const allUsersPattern = (namespace: string) => `${namespace}:notify:user:*`;

// #region publish
/**
 * Sends a notification to whoever is listening on the user's channel right now. Redis returns how
 * many subscribers received it (channel plus matching pattern subscribers): 0 means it is gone. Pub/sub
 * stores nothing, so a user who is offline at this moment will never see it.
 */
export async function publishNotification(
  redis: Redis,
  namespace: string,
  notification: Omit<Notification, 'sentAt'>,
): Promise<number> {
  const message: Notification = { ...notification, sentAt: performance.timeOrigin + performance.now() };
  return redis.publish(userChannel(namespace, notification.userId), JSON.stringify(message));
}
// #endregion publish

export interface ListenerOptions {
  url: string;
  namespace: string;
  onNotification: (notification: Notification, channel: string) => void;
  /** Called for a message that is not a valid notification (logged, never thrown into ioredis). */
  onInvalid?: (raw: string, error: Error) => void;
}

/**
 * The server side of live notifications: one Redis connection in subscriber mode per app server,
 * subscribed to the channels of the users connected to that server (or, for a fan-in service such as
 * an audit trail, to the pattern of all users). A subscribed connection can issue no other commands,
 * hence a connection of its own.
 */
export class NotificationListener {
  private readonly redis: Redis;
  private readonly options: ListenerOptions;

  constructor(options: ListenerOptions) {
    this.options = options;
    // No offline queue: a SUBSCRIBE sent while disconnected must fail, not silently wait.
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const deliver = (channel: string, raw: string) => {
      try {
        this.options.onNotification(JSON.parse(raw) as Notification, channel);
      } catch (error) {
        this.options.onInvalid?.(raw, error as Error);
      }
    };
    this.redis.on('message', deliver);
    this.redis.on('pmessage', (_pattern: string, channel: string, raw: string) => deliver(channel, raw));
  }

  async connect(): Promise<this> {
    await this.redis.connect();
    return this;
  }

  // #region subscribe
  /** A user came online on this server: start receiving their channel. */
  async addUser(userId: string): Promise<void> {
    await this.redis.subscribe(userChannel(this.options.namespace, userId));
  }

  async removeUser(userId: string): Promise<void> {
    await this.redis.unsubscribe(userChannel(this.options.namespace, userId));
  }

  /** Every user's notifications, e.g. for an activity feed or an audit consumer. */
  async addAllUsers(): Promise<void> {
    await this.redis.psubscribe(allUsersPattern(this.options.namespace));
  }
  // #endregion subscribe

  /** Drops the connection, like an app server that restarts or a network blip. */
  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
