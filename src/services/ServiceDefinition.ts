import type { ServiceName } from './names.ts';

/** How to start one ephemeral instance: the process to spawn once `prepare` has run. */
export interface LaunchPlan {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface LaunchContext {
  port: number;
  /** A fresh temp dir owned by this instance; removed when it stops. */
  dir: string;
  /** Absolute path of each binary in `binaries`, found on this machine. */
  bin: Record<string, string>;
  /** The user the server runs as, when `runAsUser` applies (only when the lab runs as root). */
  runAs?: { uid: number; gid: number; name: string };
  signal?: AbortSignal;
}

/**
 * Everything the lab knows about one kind of server. Adding memcached or etcd means writing one of
 * these and adding it to `registry.ts`.
 */
export interface ServiceDefinition {
  name: ServiceName;
  title: string;
  envVar: string;
  /** Example URL, also used in messages. */
  exampleUrl: string;
  /** Binaries needed to start an ephemeral instance; the first one is the server itself. */
  binaries: string[];
  /** Extra dirs searched for the binaries (e.g. /usr/lib/postgresql/<v>/bin). */
  binaryDirs?: () => string[];
  /** How a learner gets the server. */
  install: { docker: string; apt: string; brew: string };
  /** Why no ephemeral instance can be started, when that is the case on every machine. */
  ephemeralUnsupported?: string;
  /** Runs before the server starts (initdb, install-db...). */
  prepare?(ctx: LaunchContext): Promise<void>;
  launch(ctx: LaunchContext): LaunchPlan;
  /** A server that refuses to run as root runs as this user when the lab is root; it gets the temp dir. */
  runAsUser?: string;
  urlFor(port: number): string;
  /** Connects, asks the server its version and disconnects, within `timeoutMs`. Throws when unreachable. */
  probe(url: string, timeoutMs: number): Promise<string>;
  /** Startup can take a while (MariaDB initialises system tables). */
  startTimeoutMs?: number;
}
