/** Which page of each type the browser tests visit: taken from the repository, not hard-coded. */
import { REPO_ROOT } from '../../src/paths.ts';
import { href, loadSiteModel } from '../../src/site/model.ts';

export interface PageSet {
  home: string;
  category: string;
  /** A POC that has a result file with a charted table. */
  poc: string;
  pocTitle: string;
  /** The POC's implementation files (relative to its folder), whose code its page shows. */
  pocSourceFiles: string[];
  article: string | null;
  problem: string | null;
  progress: string;
}

export async function pageSet(): Promise<PageSet> {
  const model = await loadSiteModel(REPO_ROOT);
  const charted = model.pocs.find((p) => model.results.get(p.meta.id)?.result.tables.some((t) => t.chart));
  const poc = charted ?? model.pocs[0];
  if (!poc) throw new Error('the site tests need at least one POC in pocs/');
  const article = model.articles[0];
  const problem = model.problems[0];
  return {
    home: href.home,
    category: href.category(poc.meta.category),
    poc: href.poc(poc),
    pocTitle: poc.meta.title,
    pocSourceFiles: poc.sourceFiles,
    article: article ? href.doc(article) : null,
    problem: problem ? href.doc(problem) : null,
    progress: href.progress,
  };
}
