import { loadCatalog } from '../catalog/load.ts';
import type { DemoRun } from '../lab/runDemo.ts';
import { runDemo } from '../lab/runDemo.ts';
import { REPO_ROOT } from '../paths.ts';
import { serviceUrl } from './services.ts';

/**
 * Runs a POC's demo in quick mode against the test run's servers, for a `demo.test.ts` that checks the
 * demo still records what `sdlab run` and the website need. Output is discarded.
 */
export async function runDemoForTest(slug: string, options: { signal?: AbortSignal } = {}): Promise<DemoRun> {
  const { pocs } = await loadCatalog(REPO_ROOT);
  const poc = pocs.find((p) => p.meta.slug === slug);
  if (!poc)
    throw new Error(`no POC with slug "${slug}" in pocs/: check the folder name and README frontmatter`);
  return runDemo({
    poc,
    services: poc.meta.services.map((name) => ({
      name,
      url: serviceUrl(name),
      source: 'env' as const,
      version: 'test',
    })),
    quick: true,
    signal: options.signal ?? new AbortController().signal,
    log: () => {},
  });
}
