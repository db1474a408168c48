/**
 * `noderl observe NODE`: the cluster NODE belongs to, from a hidden temporary node (src/observe/).
 * Three faces: a full-screen terminal view (default), JSON (`--json`: one snapshot per refresh,
 * one line each; with `--once`, one snapshot), and a web page (`--web PORT`). Exit 0 after a
 * clean stop, 1 when NODE cannot be reached (or, with `--once`, did not answer), 2 on bad usage.
 */
import { Command } from './command.js';
import { DIST_USAGE, takeDistFlags } from './dist-flags.js';
import { Observer } from '../observe/observer.js';
import { SORT_KEYS, type SortKey } from '../observe/snapshot.js';
import { runTerminal, renderText } from '../observe/terminal.js';
import { serveWeb } from '../observe/web.js';
import { refreshLoop } from '../observe/live.js';

const OBSERVE = new Command(
  'observe',
  `Usage: noderl observe NODE [--cookie C] [--once] [--json] [--web PORT [--address A]] [--interval MS] [--top N] [--sort KEY] ${DIST_USAGE}
  (default) a live full-screen view: Tab/arrows select a node, l/m/r sort by queue length, memory, reductions, q quits
  --json            one JSON snapshot per refresh, one per line (--once: one snapshot, then exit)
  --once            one snapshot (as text, or JSON with --json), then exit
  --web PORT        serve the view at http://127.0.0.1:PORT/ and the snapshot at /snapshot.json (PORT 0: any port)
  --address A       listen on A instead of 127.0.0.1
  --interval MS     refresh every MS milliseconds (default 1000)
  --top N           processes per sort key read from each node (default 20)
  --sort KEY        messageQueueLen (default), memory or reductions
`,
);

/** Runs `noderl observe`. */
export async function run(args: string[]): Promise<number> {
  const dist = takeDistFlags(args);
  if (typeof dist === 'string') return OBSERVE.usageError(dist);
  const parsed = OBSERVE.parse(dist.rest, {
    cookie: { type: 'string' }, once: { type: 'boolean' }, json: { type: 'boolean' }, web: { type: 'string' }, address: { type: 'string' },
    interval: { type: 'string' }, top: { type: 'string' }, sort: { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 1) return OBSERVE.usageError('give one node name, alive@host');
  const interval = Number(values.interval ?? 1000);
  const top = Number(values.top ?? 20);
  const port = values.web === undefined ? undefined : Number(values.web);
  const sort = (values.sort ?? 'messageQueueLen') as SortKey;
  if (!Number.isInteger(interval) || interval < 100) return OBSERVE.usageError(`--interval takes milliseconds (100 or more), not '${values.interval}'`);
  if (!Number.isInteger(top) || top < 1) return OBSERVE.usageError(`--top takes a positive count, not '${values.top}'`);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) return OBSERVE.usageError(`--web takes a port, not '${values.web}'`);
  if (!SORT_KEYS.includes(sort)) return OBSERVE.usageError(`--sort takes ${SORT_KEYS.join(', ')}, not '${values.sort}'`);
  if (values.address !== undefined && port === undefined) return OBSERVE.usageError('--address goes with --web');
  if (port !== undefined && (values.once || values.json)) return OBSERVE.usageError('--web serves a live view: no --once or --json with it');
  return OBSERVE.onTempNode(positionals[0], values.cookie, async (node, target) => {
    if (!(await node.connect(target))) return OBSERVE.failure(`cannot connect to ${target}`);
    // A live view must not wait on a frozen node longer than a refresh or two.
    const observer = new Observer(node, target, { top, timeoutMs: values.once ? 5000 : Math.max(500, interval) });
    if (values.once) {
      const snapshot = await observer.snapshot(sort);
      process.stdout.write(values.json ? `${JSON.stringify(snapshot)}\n` : renderText(snapshot, { sort, width: process.stdout.columns || 120 }));
      return snapshot.cluster[0]!.state === 'up' ? 0 : 1;
    }
    if (values.json) return streamJson(observer, sort, interval);
    if (port !== undefined) return serveWeb(observer, { port, address: values.address ?? '127.0.0.1', interval, sort });
    return runTerminal(observer, { interval, sort });
  }, dist.tls);
}

/** `--json` without `--once`: a snapshot a line, every `interval` ms, until SIGINT or SIGTERM. */
async function streamJson(observer: Observer, sort: SortKey, interval: number): Promise<number> {
  await refreshLoop(observer, interval, () => sort, (snapshot) => void process.stdout.write(`${JSON.stringify(snapshot)}\n`));
  return 0;
}
