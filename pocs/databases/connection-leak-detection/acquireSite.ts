import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The line of application code that checked a connection out. */
export interface AcquireSite {
  /** Absolute path of the source file. */
  file: string;
  line: number;
  column: number;
  /** The calling function's name, when V8 knows it. */
  function: string | null;
  /** `path:line:column`, the path relative to the working directory: what a log line shows. */
  text: string;
}

const UNKNOWN: AcquireSite = { file: '', line: 0, column: 0, function: null, text: '<unknown>' };

/**
 * Captures the current stack without formatting it. V8 records the frames now and builds the
 * string only when `.stack` is first read, so only checkouts that are reported (or asked about)
 * pay for formatting; the capture itself is paid on every checkout, and the demo measures it.
 */
export function captureAcquireSite(): { stack?: string } {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, captureAcquireSite);
  return holder;
}

// #region resolve
/**
 * The first frame of `stack` that is application code: not in `skipFiles` (the pool wrapper, your
 * data-access helpers), not Node's internals, not a dependency in node_modules.
 */
export function resolveAcquireSite(stack: string, skipFiles: ReadonlySet<string>): AcquireSite {
  for (const raw of stack.split('\n')) {
    const frame = parseFrame(raw);
    if (!frame) continue;
    if (skipFiles.has(frame.file) || frame.file.includes('/node_modules/')) continue;
    const shown = relative(process.cwd(), frame.file);
    const path = shown.startsWith('..') ? frame.file : shown;
    return { ...frame, text: `${path}:${frame.line}:${frame.column}` };
  }
  return UNKNOWN;
}
// #endregion resolve

/** One V8 frame: `at fn (/a/b.ts:1:2)`, `at async fn (file:///a/b.ts:1:2)` or `at /a/b.ts:1:2`. */
function parseFrame(raw: string): Omit<AcquireSite, 'text'> | null {
  const line = raw.trim();
  if (!line.startsWith('at ')) return null;
  let rest = line.slice(3).replace(/^async /, '');
  let fn: string | null = null;
  const paren = rest.lastIndexOf(' (');
  if (rest.endsWith(')') && paren !== -1) {
    fn = rest.slice(0, paren);
    rest = rest.slice(paren + 2, -1);
  }
  const location = /^(.*):(\d+):(\d+)$/.exec(rest);
  if (!location) return null;
  let file = location[1]!;
  if (file.startsWith('file://')) file = fileURLToPath(file);
  if (!isAbsolute(file)) return null; // node:internal/..., <anonymous>, native
  return { file, line: Number(location[2]), column: Number(location[3]), function: fn };
}
