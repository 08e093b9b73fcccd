/** `npm run site:build`: the generate step and `astro build`, as `npm start` and the site tests do it. */
import { buildSite } from '../src/site/build.ts';

try {
  const report = await buildSite();
  process.stderr.write(
    `[site] ${report.pages} pages in site/dist, built in ${(report.durationMs / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
