/**
 * The site project's global setup: builds the site once (the generate step + astro build) and serves
 * site/dist on a free port; tests read the address with `inject('siteUrl')` and the pages of each type
 * to visit with `inject('pages')`.
 *
 * SDLAB_SITE_REUSE=1 skips the build when site/dist is already up to date (handy while writing tests).
 */
import type { TestProject } from 'vitest/node';
import { buildSite } from '../../src/site/build.ts';
import { isSiteStale, serveBuiltSite } from '../../src/site/serve.ts';
import { type PageSet, pageSet } from './pages.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
    pages: PageSet;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.SDLAB_SITE_REUSE !== '1' || (await isSiteStale())) await buildSite();
  const site = await serveBuiltSite({ port: 0 });
  project.provide('siteUrl', site.url);
  project.provide('pages', await pageSet());
  return () => site.close();
}
