import type { ResultRecorder } from '../results/ResultRecorder.ts';
import type { ServiceName } from '../services/names.ts';

/** A live connection target handed to a demo: the URL, where it came from and the server's version. */
export interface ServiceConnection {
  name: ServiceName;
  url: string;
  /** `env`: the URL in its variable; `local`: a server found on the usual port; `ephemeral`: started for this run. */
  source: 'env' | 'local' | 'ephemeral';
  version: string;
}

export interface DemoContext {
  /** The services the POC declares in its README frontmatter, already reachable. */
  service(name: ServiceName): ServiceConnection;
  /** Unique to this run (`sdlab_<id>_<random>`): use it as key prefix, schema, queue or subject prefix. */
  namespace: string;
  /** Aborted on Ctrl-C: pass it on to loops and clients, and stop early. */
  signal: AbortSignal;
  /** True under `sdlab run --quick` and in tests: shrink loads so the run takes a second or two. */
  quick: boolean;
  /** A line of program output (stdout). */
  log(message: string): void;
  /** Progress of a long step (stderr). `done`/`total` draw a counter. */
  progress(step: string, done?: number, total?: number): void;
  /** Where measured figures go. */
  record: ResultRecorder;
}

export interface Demo {
  run(ctx: DemoContext): Promise<void>;
}

/** The default export of every POC's `demo.ts`. */
export function defineDemo(demo: Demo): Demo {
  return demo;
}
