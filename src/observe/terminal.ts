/**
 * The live full-screen view (`noderl observe NODE`), as `htop` or `observer_cli` draw theirs: the
 * alternate screen, redrawn on every refresh, key press and resize; keys read raw from stdin.
 * Plain ANSI escapes only, so it works over ssh in any terminal. The screen and the terminal's
 * modes are given back however the view ends (`q`, `^C`, SIGTERM).
 */
import type { Observer } from './observer.js';
import { refreshLoop, untilSignal } from './live.js';
import { SORT_KEYS, type Snapshot, type SortKey } from './snapshot.js';
import { renderText } from './text-view.js';

export { renderText } from './text-view.js';

/** Options of {@link runTerminal}. */
export interface TerminalOptions {
  interval: number;
  sort: SortKey;
}

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const HOME_CLEAR = '\x1b[H\x1b[2J';

/** What each key does to the view; undefined: the key is not one of ours. */
function keyAction(key: string): ((v: { selected: number; sort: SortKey }, nodes: number) => void) | 'quit' | undefined {
  switch (key) {
    case 'q':
    case 'Q':
    case '\x03': // ^C in raw mode
      return 'quit';
    case '\t':
    case '\x1b[B': // down
    case '\x1b[C': // right
      return (v, n) => void (v.selected = (v.selected + 1) % Math.max(n, 1));
    case '\x1b[Z': // shift-Tab
    case '\x1b[A': // up
    case '\x1b[D': // left
      return (v, n) => void (v.selected = (v.selected - 1 + Math.max(n, 1)) % Math.max(n, 1));
    case 'l':
      return (v) => void (v.sort = 'messageQueueLen');
    case 'm':
      return (v) => void (v.sort = 'memory');
    case 'r':
      return (v) => void (v.sort = 'reductions');
    case 's':
      return (v) => void (v.sort = SORT_KEYS[(SORT_KEYS.indexOf(v.sort) + 1) % SORT_KEYS.length]!);
    default:
      return undefined;
  }
}

/** Runs the view until `q`, `^C` or a signal; 0. */
export async function runTerminal(observer: Observer, options: TerminalOptions): Promise<number> {
  const out = process.stdout;
  const stdin = process.stdin;
  const view = { selected: 0, sort: options.sort };
  let last: Snapshot | undefined;
  const draw = (): void => {
    if (last === undefined) return;
    out.write(HOME_CLEAR + renderText(last, { ...view, width: out.columns || 100, height: out.rows || 40, color: true }).replace(/\n$/, ''));
  };
  const stop = untilSignal();
  const onKey = (chunk: Buffer): void => {
    // A burst of keys arrives as one chunk; escape sequences stay whole.
    for (const key of chunk.toString('utf8').match(/\x1b\[[A-Z]|[\s\S]/g) ?? []) {
      const action = keyAction(key);
      if (action === 'quit') return stop.stop();
      if (action !== undefined) action(view, last?.cluster.length ?? 1);
    }
    draw();
  };
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  stdin.on('data', onKey);
  stdin.resume();
  out.on('resize', draw);
  out.write(ENTER + HOME_CLEAR + `noderl observe: reading ${observer.seed} ...`);
  try {
    await refreshLoop(observer, options.interval, () => view.sort, (snapshot) => {
      last = snapshot;
      draw();
    }, stop);
  } finally {
    out.off('resize', draw);
    stdin.off('data', onKey);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    out.write(LEAVE);
  }
  return 0;
}
