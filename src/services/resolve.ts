import { UsageError } from '../cli/errors.ts';
import type { ServiceConnection } from '../lab/demo.ts';
import { EphemeralServer } from './EphemeralServer.ts';
import type { ServiceName } from './names.ts';
import { SERVICES } from './registry.ts';
import type { ServiceDefinition } from './ServiceDefinition.ts';

/** How long an existing server may take to answer before we call it unreachable. */
export const PROBE_TIMEOUT_MS = 2000;

/** A service that could not be had: a user-facing problem, so the CLI exits 2 with this one line. */
export class ServiceUnavailableError extends UsageError {
  override name = 'ServiceUnavailableError';
}

export interface ResolvedServices {
  connections: ServiceConnection[];
  /** Servers started for this run; `dispose()` stops them and removes their temp dirs. */
  servers: EphemeralServer[];
  dispose(): Promise<void>;
}

function howToGet(def: ServiceDefinition): string {
  return `get one with \`${def.install.docker}\` and ${def.envVar}=${def.exampleUrl}, or install it (\`${def.install.apt}\` / \`${def.install.brew}\`)`;
}

/**
 * Hands out a connection per service, in this order:
 * 1. the URL in the service's environment variable (REDIS_URL, DATABASE_URL, ...), if it answers;
 * 2. an ephemeral server of our own, from the installed binary, on a free port;
 * 3. for a service the lab never starts itself (RabbitMQ), a server on its usual local port, if one answers;
 * 4. otherwise a ServiceUnavailableError saying which variable to set and how to get a server.
 */
export async function resolveService(
  name: ServiceName,
  options: { signal?: AbortSignal } = {},
): Promise<{ connection: ServiceConnection; server?: EphemeralServer }> {
  const def = SERVICES[name];
  const fromEnv = process.env[def.envVar];
  if (fromEnv) {
    try {
      const version = await def.probe(fromEnv, PROBE_TIMEOUT_MS);
      return { connection: { name, url: fromEnv, source: 'env', version } };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new ServiceUnavailableError(
        `${def.title}: ${def.envVar}=${redact(fromEnv)} did not answer within ${PROBE_TIMEOUT_MS} ms (${reason || 'no reply'}); start that server, or unset ${def.envVar} so the lab starts its own, or ${howToGet(def)}`,
      );
    }
  }
  const unavailable = EphemeralServer.unavailableReason(def);
  if (unavailable && def.ephemeralUnsupported) {
    // Nothing of ours can stand in, so a server already listening on the usual port is the learner's best bet.
    const version = await def.probe(def.exampleUrl, PROBE_TIMEOUT_MS).catch(() => undefined);
    if (version !== undefined) return { connection: { name, url: def.exampleUrl, source: 'local', version } };
  }
  if (unavailable) {
    throw new ServiceUnavailableError(
      `${def.title} is needed: ${def.envVar} is not set and ${unavailable}; ${howToGet(def)}`,
    );
  }
  const server = await EphemeralServer.start(def, options);
  return { connection: { name, url: server.url, source: 'ephemeral', version: server.version }, server };
}

/** Resolves several services; if one fails, the servers already started are stopped again. */
export async function resolveServices(
  names: readonly ServiceName[],
  options: { signal?: AbortSignal } = {},
): Promise<ResolvedServices> {
  const connections: ServiceConnection[] = [];
  const servers: EphemeralServer[] = [];
  const dispose = async () => {
    await Promise.all(servers.map((s) => s.dispose()));
  };
  try {
    for (const name of names) {
      const { connection, server } = await resolveService(name, options);
      connections.push(connection);
      if (server) servers.push(server);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { connections, servers, dispose };
}

/** Hides a password in a URL before it goes into a message. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
