/** Worker-thread entry: runs one overload variant in its own V8 heap and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { type OverloadOptions, type OverloadVariant, runOverload } from './overload.ts';

const { variant, options } = workerData as { variant: OverloadVariant; options: OverloadOptions };
const result = await runOverload(variant, options);
parentPort?.postMessage(result);
