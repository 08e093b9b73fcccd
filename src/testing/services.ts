import { randomBytes } from 'node:crypto';
import { SERVICE_ENV, type ServiceName } from '../services/names.ts';

/**
 * The URL of a real server for a test. The Vitest global set-up (test/globalSetup.ts) resolves every
 * service the catalog's POCs declare — from the environment or by starting an ephemeral server —
 * and exports its URL in the usual variable before any test file runs.
 */
export function serviceUrl(name: ServiceName): string {
  const variable = SERVICE_ENV[name];
  const url = process.env[variable];
  if (!url) {
    throw new Error(
      `${name}: ${variable} is not set. Run tests through \`npm test\` (its set-up starts ${name}), ` +
        `or point ${variable} at a server you own.`,
    );
  }
  return url;
}

/**
 * A namespace unique to one test file or run: use it as Redis key prefix, schema name, queue or
 * subject prefix, so tests can run in parallel against one shared server and clean up what they made.
 */
export function testNamespace(owner: string): string {
  const safe = owner.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return `sdlab_${safe}_${randomBytes(3).toString('hex')}`;
}
