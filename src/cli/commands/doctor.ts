import { existsSync } from 'node:fs';
import { SERVICE_NAMES } from '../../services/names.ts';
import { SERVICES } from '../../services/registry.ts';
import { redact, resolveService } from '../../services/resolve.ts';
import type { ServiceDefinition } from '../../services/ServiceDefinition.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { color, out, renderTable } from '../output.ts';

export const doctorSpec: CommandSpec = {
  name: 'doctor',
  summary: 'which services are reachable or startable here, their versions, and what to install',
  usage: 'sdlab doctor [--json]',
  options: { json: { type: 'boolean', description: 'Report as JSON on stdout' } },
};

interface ServiceReport {
  service: string;
  status: 'reachable' | 'unreachable' | 'startable' | 'unavailable';
  source: 'env' | 'local' | 'ephemeral' | null;
  version: string | null;
  detail: string;
}

/** Resolves the service exactly as `sdlab run` would (environment, else an ephemeral server) and reports how it went. */
async function diagnose(def: ServiceDefinition): Promise<ServiceReport> {
  const fromEnv = Boolean(process.env[def.envVar]);
  // A server may already run on the usual port (a system package, a container): say how to use it.
  const local = fromEnv
    ? ''
    : await def.probe(def.exampleUrl, 300).then(
        (version) =>
          `; a ${def.title} ${version} also answers at ${def.exampleUrl} (set ${def.envVar} to use it)`,
        () => '',
      );
  try {
    // Proves an ephemeral server really starts: it is started, asked its version and stopped again.
    const { connection, server } = await resolveService(def.name);
    await server?.dispose();
    return {
      service: def.name,
      status: connection.source === 'ephemeral' ? 'startable' : 'reachable',
      source: connection.source,
      version: connection.version,
      detail:
        connection.source === 'env'
          ? `${def.envVar}=${redact(connection.url)}`
          : connection.source === 'local'
            ? `found on the usual port ${redact(connection.url)} (set ${def.envVar} to use another)`
            : `started and stopped a private instance${local}`,
    };
  } catch (error) {
    return {
      service: def.name,
      status: fromEnv ? 'unreachable' : 'unavailable',
      source: fromEnv ? 'env' : null,
      version: null,
      detail: `${error instanceof Error ? error.message.split('\n')[0] : String(error)}${local}`,
    };
  }
}

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(doctorSpec, argv);
  if (positionals.length)
    throw new UsageError(`sdlab doctor takes no arguments, got: ${positionals.join(' ')}`);
  const reports: ServiceReport[] = [];
  for (const name of SERVICE_NAMES) reports.push(await diagnose(SERVICES[name]));
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const tools = {
    node: {
      version: process.version,
      ok: nodeMajor >= 24,
      detail:
        nodeMajor >= 24
          ? 'ok'
          : 'the lab needs Node 24: run it through npm scripts (npm run sdlab -- doctor)',
    },
    chromium: {
      version: null,
      ok: existsSync('/usr/bin/chromium'),
      detail: existsSync('/usr/bin/chromium')
        ? '/usr/bin/chromium (browser tests)'
        : 'missing: apt install chromium (only the website tests need it)',
    },
  };
  if (values.json) {
    out(JSON.stringify({ services: reports, tools }, null, 2));
    return EXIT.ok;
  }
  const badge = (s: ServiceReport['status']) =>
    s === 'reachable' || s === 'startable'
      ? color.green(s)
      : s === 'unreachable'
        ? color.red(s)
        : color.yellow(s);
  out(
    renderTable(
      [{ label: 'service' }, { label: 'status' }, { label: 'version' }, { label: 'detail' }],
      reports.map((r) => [r.service, badge(r.status), r.version ?? '—', r.detail]),
    ),
  );
  out();
  out(`node      ${tools.node.version}  ${tools.node.ok ? color.green('ok') : color.red(tools.node.detail)}`);
  out(
    `chromium  ${tools.chromium.ok ? color.green(tools.chromium.detail) : color.yellow(tools.chromium.detail)}`,
  );
  return EXIT.ok;
}

/** What `sdlab doctor` is, for the dispatcher in main.ts. */
export const command = { spec: doctorSpec, run: doctorCommand };
