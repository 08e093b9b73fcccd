/** One line of `CLUSTER NODES`, the fields this POC reads. */
export interface ClusterNode {
  id: string;
  /** `127.0.0.1:port` (the `@busport` part removed). */
  address: string;
  port: number;
  flags: string[];
  role: 'primary' | 'replica';
  /** The primary's id for a replica, null for a primary. */
  primaryId: string | null;
  /** Connected to the node reporting the view. */
  connected: boolean;
  /** Slot ranges served, as [first, last]. */
  slots: [number, number][];
}

/**
 * Parses `CLUSTER NODES`: `<id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <epoch>
 * <link-state> <slot> <slot> ...` (cluster spec). Slot entries in brackets are migrations in
 * progress, not ownership, and are skipped.
 */
export function parseClusterNodes(text: string): ClusterNode[] {
  return text
    .trim()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [id, addr, flagText, master, , , , link, ...slotFields] = line.split(' ');
      const address = addr!.split('@')[0]!;
      const flags = flagText!.split(',');
      const slots = slotFields
        .filter((s) => !s.startsWith('['))
        .map((s) => {
          const [from, to] = s.split('-');
          return [Number(from), Number(to ?? from)] as [number, number];
        });
      return {
        id: id!,
        address,
        port: Number(address.split(':').at(-1)),
        flags,
        role: flags.includes('master') ? 'primary' : 'replica',
        primaryId: master === '-' ? null : master!,
        connected: link === 'connected',
        slots,
      };
    });
}

/** How many slots a node serves. */
export function slotCount(node: ClusterNode): number {
  return node.slots.reduce((n, [from, to]) => n + to - from + 1, 0);
}

/** The node that serves `slot` in this view, if any. */
export function ownerOf(nodes: ClusterNode[], slot: number): ClusterNode | undefined {
  return nodes.find((n) => n.role === 'primary' && n.slots.some(([from, to]) => slot >= from && slot <= to));
}
