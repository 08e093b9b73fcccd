import type { ChatMessage, LocalClient } from './ChatServer.ts';

/**
 * A stand-in for one user's WebSocket: it records what it was sent and checks, per sender, that
 * messages arrive once and in order (each sender numbers its messages 1, 2, 3…).
 */
export class RecordingClient implements LocalClient {
  readonly id: string;
  /** Every message delivered, in arrival order (only kept when `keep` is true: the demo has thousands). */
  readonly messages: ChatMessage[] = [];
  received = 0;
  /** Deliveries whose seq was not exactly the sender's previous seq + 1: a duplicate, a gap or a reorder. */
  outOfOrder = 0;
  private readonly lastSeq = new Map<string, number>();
  private readonly keep: boolean;
  private readonly onDeliver?: (message: ChatMessage) => void;

  constructor(id: string, options: { keep?: boolean; onDeliver?: (message: ChatMessage) => void } = {}) {
    this.id = id;
    this.keep = options.keep ?? true;
    this.onDeliver = options.onDeliver;
  }

  deliver(message: ChatMessage): void {
    this.received++;
    const last = this.lastSeq.get(message.from) ?? 0;
    if (message.seq !== last + 1) this.outOfOrder++;
    this.lastSeq.set(message.from, Math.max(last, message.seq));
    if (this.keep) this.messages.push(message);
    this.onDeliver?.(message);
  }

  /** The highest seq seen from `sender` (0 if none). */
  lastSeqFrom(sender: string): number {
    return this.lastSeq.get(sender) ?? 0;
  }
}
