// Which build of noderl the bench runs: the repository's dist/, or the build NODERL_BENCH_MODULE
// names (another commit's dist/index.js, to compare two builds with the same harness).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The URL of the noderl module under test, for `import()`. */
export const NODERL_MODULE = process.env.NODERL_BENCH_MODULE
  ? pathToFileURL(resolve(process.env.NODERL_BENCH_MODULE)).href
  : new URL('../../dist/index.js', import.meta.url).href;
