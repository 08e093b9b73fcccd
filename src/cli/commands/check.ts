import path from 'node:path';
import { checkCatalog } from '../../catalog/check.ts';
import { REPO_ROOT } from '../../paths.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { color, err, out } from '../output.ts';

export const checkSpec: CommandSpec = {
  name: 'check',
  summary:
    'validate the catalog: metadata, README sections, demo and test present, unique ids, links, roadmap',
  usage: 'sdlab check [--json] [--root <dir>]',
  options: {
    json: { type: 'boolean', description: 'Findings as JSON on stdout' },
    root: { type: 'string', description: 'Check another checkout of the lab (default: this one)' },
  },
  examples: ['sdlab check'],
};

export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(checkSpec, argv);
  if (positionals.length)
    throw new UsageError(`sdlab check takes no arguments, got: ${positionals.join(' ')}`);
  const root = typeof values.root === 'string' ? path.resolve(values.root) : REPO_ROOT;
  const { findings, pocs } = await checkCatalog(root);
  if (values.json) {
    out(JSON.stringify({ ok: findings.length === 0, pocs: pocs.length, findings }, null, 2));
  } else if (findings.length === 0) {
    out(
      color.green(
        `✓ ${pocs.length} POCs checked: metadata, sections, demos, tests, ids, links and roadmap are in order`,
      ),
    );
  } else {
    for (const f of findings) err(`${color.red('✗')} ${f.where}: ${f.message}`);
    err(`\n${findings.length} problem(s) in ${pocs.length} POCs`);
  }
  return findings.length === 0 ? EXIT.ok : EXIT.failed;
}

/** What `sdlab check` is, for the dispatcher in main.ts. */
export const command = { spec: checkSpec, run: checkCommand };
