/**
 * The ten "Pareto" categories every POC, article, problem and roadmap item belongs to.
 * The order here is the order the CLI and the site show them in.
 */
export const CATEGORIES = [
  {
    id: 'caching',
    title: 'Caching',
    blurb: 'Keep hot data close: cache-aside, write-through, invalidation, stampedes.',
  },
  { id: 'databases', title: 'Databases', blurb: 'Pools, indexes, replication, partitioning, transactions.' },
  {
    id: 'message-queues',
    title: 'Message queues',
    blurb: 'Async work: delivery guarantees, consumer groups, retries, dead letters.',
  },
  {
    id: 'load-balancing',
    title: 'Load balancing',
    blurb: 'Spread load and survive bad nodes: algorithms, health checks, hashing.',
  },
  {
    id: 'api-design',
    title: 'API design',
    blurb: 'Contracts that hold under load: rate limits, idempotency, pagination, versioning.',
  },
  { id: 'real-time', title: 'Real-time', blurb: 'Push to clients: WebSockets, SSE, pub/sub, presence.' },
  {
    id: 'observability',
    title: 'Observability',
    blurb: 'Know what production is doing: metrics, logs, traces, SLOs.',
  },
  { id: 'security', title: 'Security', blurb: 'Authentication, authorization, secrets and abuse at scale.' },
  {
    id: 'microservices',
    title: 'Microservices',
    blurb: 'Resilience between services: timeouts, retries, circuit breakers, sagas.',
  },
  {
    id: 'cdn',
    title: 'CDN & edge',
    blurb: 'Serve from the edge: HTTP caching, invalidation, origin shielding.',
  },
] as const;

export type CategoryId = (typeof CATEGORIES)[number]['id'];

export const CATEGORY_IDS = CATEGORIES.map((c) => c.id) as [CategoryId, ...CategoryId[]];

export function categoryTitle(id: string): string {
  return CATEGORIES.find((c) => c.id === id)?.title ?? id;
}
