import { asBuiltThing, loadCatalog } from '../../catalog/load.ts';
import { loadContent } from '../../content/load.ts';
import { REPO_ROOT } from '../../paths.ts';
import { loadRoadmap } from '../../roadmap/load.ts';
import { computeProgress } from '../../roadmap/progress.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { color, out, renderTable } from '../output.ts';

export const progressSpec: CommandSpec = {
  name: 'progress',
  summary: 'coverage per category against the roadmap targets (computed, never hand-edited)',
  usage: 'sdlab progress [--json] [--missing]',
  options: {
    json: { type: 'boolean', description: 'Stable JSON on stdout' },
    missing: { type: 'boolean', description: 'Also list planned items not built yet' },
  },
};

export async function progressCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(progressSpec, argv);
  if (positionals.length)
    throw new UsageError(`sdlab progress takes no arguments, got: ${positionals.join(' ')}`);
  const [roadmap, { pocs }, content] = await Promise.all([
    loadRoadmap(REPO_ROOT),
    loadCatalog(REPO_ROOT),
    loadContent(REPO_ROOT),
  ]);
  const progress = computeProgress(roadmap, {
    pocs: pocs.map(asBuiltThing),
    articles: content.articles,
    problems: content.problems,
  });
  if (values.json) {
    out(JSON.stringify(progress, null, 2));
    return EXIT.ok;
  }
  const cell = (c: { built: number; planned: number; target: number }) =>
    `${c.built} / ${c.planned} / ${c.target}`;
  out(color.dim('built / named in the plans / plan target'));
  out(
    renderTable(
      [
        { label: 'category' },
        { label: 'POCs', align: 'right' },
        { label: 'articles', align: 'right' },
        { label: 'problems', align: 'right' },
        { label: 'POC target %', align: 'right' },
      ],
      progress.categories.map((c) => [
        c.title,
        cell(c.pocs),
        cell(c.articles),
        cell(c.problems),
        `${c.pocs.percent}%`,
      ]),
    ),
  );
  if (values.missing) {
    for (const c of progress.categories) {
      if (!c.missing.length) continue;
      out(`\n${color.bold(c.title)} — not built yet:`);
      for (const item of c.missing) out(`  ${item.kind.padEnd(8)} ${item.title}`);
    }
  }
  return EXIT.ok;
}

/** What `sdlab progress` is, for the dispatcher in main.ts. */
export const command = { spec: progressSpec, run: progressCommand };
