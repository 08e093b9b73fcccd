import { spawn } from 'node:child_process';
import path from 'node:path';
import { CATEGORY_IDS } from '../../catalog/categories.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { REPO_ROOT } from '../../paths.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { UsageError } from '../errors.ts';
import { findPoc } from '../findPoc.ts';
import { err } from '../output.ts';

export const testSpec: CommandSpec = {
  name: 'test',
  summary: "run a POC's tests (or a category's, or all POCs') against real servers",
  usage: 'sdlab test [<poc> | --category <id>]',
  positionals: [{ name: '<poc>', description: 'id or slug; omit for every POC' }],
  options: { category: { type: 'string', description: 'Every POC in this category', choices: CATEGORY_IDS } },
  examples: ['sdlab test 71', 'sdlab test --category api-design', 'sdlab test'],
};

export async function testCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(testSpec, argv);
  if (positionals.length > 1)
    throw new UsageError(`sdlab test takes at most one POC, got: ${positionals.join(' ')}`);
  if (positionals.length && values.category) throw new UsageError('give a POC or --category, not both');
  let target = 'pocs';
  if (positionals[0]) {
    const { pocs } = await loadCatalog(REPO_ROOT);
    target = findPoc(pocs, positionals[0]).relDir;
  } else if (typeof values.category === 'string') {
    target = `pocs/${values.category}`;
  }
  const vitest = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  err(`vitest run ${target}`);
  // Vitest's global set-up resolves the services (environment or ephemeral), exactly as in `npm test`.
  const child = spawn(process.execPath, [vitest, 'run', '--project', 'lab', target], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

/** What `sdlab test` is, for the dispatcher in main.ts. */
export const command = { spec: testSpec, run: testCommand };
