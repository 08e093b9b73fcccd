import { loadCatalog } from '../../catalog/load.ts';
import { REPO_ROOT, RESULTS_DIR } from '../../paths.ts';
import { readResultFile } from '../../results/resultFile.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { findPoc } from '../findPoc.ts';
import { color, out } from '../output.ts';
import { printResults } from '../printResults.ts';

export const showSpec: CommandSpec = {
  name: 'show',
  summary: "a POC's metadata, files, how to run it and its latest measured results",
  usage: 'sdlab show <poc> [--json]',
  positionals: [{ name: '<poc>', description: 'id or slug', required: true }],
  options: { json: { type: 'boolean', description: 'Metadata and latest result as JSON' } },
  examples: ['sdlab show 71', 'sdlab show circuit-breaker --json'],
};

export async function showCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(showSpec, argv);
  if (positionals.length !== 1)
    throw new UsageError('usage: sdlab show <poc> (one id or slug; see `sdlab list`)');
  const { pocs } = await loadCatalog(REPO_ROOT);
  const poc = findPoc(pocs, positionals[0]!);
  const result = await readResultFile(RESULTS_DIR, poc.meta);
  if (values.json) {
    out(
      JSON.stringify(
        { ...poc.meta, path: poc.relDir, files: poc.sourceFiles, latestResult: result },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  const m = poc.meta;
  out(color.bold(`#${m.id} ${m.title}`));
  out(m.summary);
  out();
  out(`category   ${m.category}`);
  out(`services   ${m.services.join(', ') || 'none'}`);
  out(`tags       ${m.tags.join(', ') || '—'}`);
  out(`folder     ${poc.relDir}/`);
  out(`files      ${poc.sourceFiles.join(', ')}`);
  out(`tests      ${poc.testFiles.length} file(s)`);
  out(`run        npm run sdlab -- run ${m.slug}   (about ${m.expectedRunSeconds} s)`);
  out(`test       npm run sdlab -- test ${m.slug}`);
  if (m.related.length) out(`related    ${m.related.join(', ')}`);
  if (result) printResults(result);
  else out(color.dim('\nNot measured on this machine yet: run it.'));
  return EXIT.ok;
}

/** What `sdlab show` is, for the dispatcher in main.ts. */
export const command = { spec: showSpec, run: showCommand };
