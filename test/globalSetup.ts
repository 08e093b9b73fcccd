import { loadCatalog } from '../src/catalog/load.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { SERVICE_ENV, type ServiceName } from '../src/services/names.ts';
import { resolveServices } from '../src/services/resolve.ts';

/**
 * Resolves every service the catalog's POCs declare, once for the whole test run:
 * the URL from the environment when set, otherwise an ephemeral server of our own.
 * Test files then read the URL from the usual variable (see src/testing/services.ts) and
 * isolate themselves with a namespace, so they can share one server and run in parallel.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const { pocs } = await loadCatalog(REPO_ROOT);
  // The runtime's own tests exercise Redis and PostgreSQL whatever the POCs declare.
  const needed = new Set<ServiceName>(['redis', 'postgres']);
  for (const poc of pocs) for (const s of poc.meta.services) needed.add(s);
  const resolved = await resolveServices([...needed]);
  for (const c of resolved.connections) {
    process.env[SERVICE_ENV[c.name]] = c.url;
    process.stderr.write(
      `[services] ${c.name} ${c.version} ${c.source === 'ephemeral' ? `started at ${c.url}` : `from ${c.source === 'env' ? 'environment' : 'usual port'} ${c.url}`}\n`,
    );
  }
  return () => resolved.dispose();
}
