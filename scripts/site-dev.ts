/**
 * `npm run site:dev`: generates the pages once, then runs `astro dev` for work on the site's own
 * layout and styles. Re-run it (or `npm run site:generate`) after changing POCs or content.
 */
import { spawn } from 'node:child_process';
import { ASTRO_CLI, nodeBinary } from '../src/site/build.ts';
import { generateSite, SITE_DIR } from '../src/site/generate.ts';

const report = await generateSite();
for (const w of report.warnings) process.stderr.write(`[site] warning: ${w}\n`);
process.stderr.write(`[site] generated ${report.pages.length} pages\n`);
if (process.argv.includes('--generate-only')) process.exit(0);
const child = spawn(nodeBinary(), [ASTRO_CLI, 'dev', ...process.argv.slice(2)], {
  cwd: SITE_DIR,
  stdio: 'inherit',
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
});
child.on('exit', (code) => process.exit(code ?? 0));
