/**
 * The site project's global setup: builds the site once (the generate step + astro build) and serves
 * site/dist on a free port; tests read the address with `inject('siteUrl')`.
 *
 * SDLAB_SITE_REUSE=1 skips the build when site/dist is already up to date (handy while writing tests).
 */
import type { TestProject } from 'vitest/node';
import { buildSite } from '../../src/site/build.ts';
import { isSiteStale, serveSite } from '../../src/site/serve.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.SDLAB_SITE_REUSE !== '1' || (await isSiteStale())) await buildSite();
  const site = await serveSite({ port: 0 });
  project.provide('siteUrl', site.url);
  return () => site.close();
}
