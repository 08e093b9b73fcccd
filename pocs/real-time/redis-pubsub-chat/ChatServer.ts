import { Redis } from 'ioredis';

/** One chat message as it travels over a room's channel. */
export interface ChatMessage {
  room: string;
  /** The sending client's id. */
  from: string;
  /** The app server the sender is connected to. */
  server: string;
  /** 1, 2, 3… per sender: lets every receiver check it saw that sender's messages once and in order. */
  seq: number;
  text: string;
  /** Wall-clock ms at publish (performance.timeOrigin based), for fan-out latency. */
  sentAt: number;
}

/**
 * What an app server holds for each connected user: in production a WebSocket, here anything with a
 * `deliver` method (the POC uses in-process objects so thousands of "sockets" cost no file descriptors).
 */
export interface LocalClient {
  readonly id: string;
  deliver(message: ChatMessage): void;
}

export interface ChatServerOptions {
  url: string;
  /** Prefix of every channel, so runs and tests never hear each other. */
  namespace: string;
  /** This app server's name (shows up in messages and in CLIENT LIST). */
  name: string;
  /** A payload that is not a chat message: reported, never thrown inside the Redis client. */
  onInvalid?: (raw: string, error: Error) => void;
  /** A client whose `deliver` threw (a broken socket): the others in the room still get the message. */
  onClientError?: (client: LocalClient, error: Error) => void;
  /** Fail a PUBLISH that Redis has not answered in this time instead of letting senders hang. */
  publishTimeoutMs?: number;
}

export const roomChannel = (namespace: string, room: string) => `${namespace}:room:${room}`;

interface Room {
  channel: string;
  members: Set<LocalClient>;
  /** Resolves once Redis confirmed the SUBSCRIBE: a client that joined hears everything after that. */
  subscribed: Promise<unknown>;
}

/**
 * One app server of a chat service. It keeps the connected clients of each room locally and holds ONE
 * Redis subscription per room that has at least one local member, whatever the number of members:
 * Redis fans a message out to the servers, each server fans it out to its own clients. Publishing goes
 * through a second connection, because a connection in subscriber mode can run no other commands.
 */
export class ChatServer {
  readonly name: string;
  private readonly options: ChatServerOptions;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly rooms = new Map<string, Room>();
  private readonly roomOfChannel = new Map<string, string>();
  private readonly nextSeq = new Map<string, number>();

  constructor(options: ChatServerOptions) {
    this.options = options;
    this.name = options.name;
    const common = { lazyConnect: true, connectionName: `chat-${options.name}`, maxRetriesPerRequest: 1 };
    // No offline queue on the subscriber: a SUBSCRIBE while disconnected fails loudly instead of
    // waiting; ioredis re-subscribes to every channel by itself after a reconnect (messages published
    // during the gap are lost: pub/sub keeps nothing).
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: false });
    this.publisher = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      commandTimeout: options.publishTimeoutMs ?? 5_000,
    });
    this.subscriber.on('message', (channel: string, raw: string) => this.fanOut(channel, raw));
  }

  async connect(): Promise<this> {
    await Promise.all([this.subscriber.connect(), this.publisher.connect()]);
    return this;
  }

  // #region join
  /** A client joined a room on this server. Only the room's first local member costs a SUBSCRIBE. */
  async join(client: LocalClient, room: string): Promise<void> {
    let entry = this.rooms.get(room);
    if (!entry) {
      const channel = roomChannel(this.options.namespace, room);
      const subscribed = this.subscriber.subscribe(channel).catch((error: Error) => {
        // Forget the room so the next join retries, and tell this caller why it did not join.
        this.rooms.delete(room);
        this.roomOfChannel.delete(channel);
        throw new Error(`could not subscribe to ${channel} (is Redis reachable?): ${error.message}`);
      });
      entry = { channel, members: new Set(), subscribed };
      this.rooms.set(room, entry);
      this.roomOfChannel.set(channel, room);
    }
    entry.members.add(client);
    // Concurrent joins of the same room all wait for the one SUBSCRIBE, so none returns early and
    // misses a message published right after its join "succeeded".
    await entry.subscribed;
  }

  /** The room's last local member left: stop receiving its traffic on this server. */
  async leave(client: LocalClient, room: string): Promise<void> {
    const entry = this.rooms.get(room);
    if (!entry?.members.delete(client) || entry.members.size > 0) return;
    this.rooms.delete(room);
    this.roomOfChannel.delete(entry.channel);
    await this.subscriber.unsubscribe(entry.channel);
  }
  // #endregion join

  // #region publish
  /**
   * Sends a client's message to its room on every server. Messages of one sender go through this
   * server's single publisher connection, which Redis executes in order, so every receiver sees them
   * in `seq` order. Returns how many servers (subscriber connections) Redis handed the message to.
   */
  async publish(from: LocalClient, room: string, text: string): Promise<{ seq: number; servers: number }> {
    const seq = (this.nextSeq.get(from.id) ?? 0) + 1;
    this.nextSeq.set(from.id, seq);
    const message: ChatMessage = {
      room,
      from: from.id,
      server: this.name,
      seq,
      text,
      sentAt: performance.timeOrigin + performance.now(),
    };
    const servers = await this.publisher.publish(
      roomChannel(this.options.namespace, room),
      JSON.stringify(message),
    );
    return { seq, servers };
  }
  // #endregion publish

  // #region fan-out
  /** One message from Redis, parsed once and handed to every local member of the room. */
  private fanOut(channel: string, raw: string): void {
    const room = this.roomOfChannel.get(channel);
    const members = room === undefined ? undefined : this.rooms.get(room)?.members;
    if (!members) return; // a message in flight while the room's last member left
    let message: ChatMessage;
    try {
      message = JSON.parse(raw) as ChatMessage;
    } catch (error) {
      this.options.onInvalid?.(raw, error as Error);
      return;
    }
    for (const client of members) {
      try {
        client.deliver(message);
      } catch (error) {
        this.options.onClientError?.(client, error as Error);
      }
    }
  }
  // #endregion fan-out

  /** Number of clients connected to this server in `room`. */
  membersOf(room: string): number {
    return this.rooms.get(room)?.members.size ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.subscriber, this.publisher].map((c) =>
        c.status === 'end' ? undefined : c.quit().catch(() => c.disconnect()),
      ),
    );
  }
}
