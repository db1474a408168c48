/**
 * The snapshot as text: the cluster table, the warnings, and the selected node's connections,
 * names and top processes, cut to the terminal's width and height. `--once` prints it; the live
 * terminal view (terminal.ts) redraws it every refresh.
 */
import { sortProcesses, type NodeReport, type Snapshot, type SortKey } from './snapshot.js';

/** How to draw: the sort key, the screen size, which node is selected, and whether to use colours. */
export interface TextViewOptions {
  sort: SortKey;
  width: number;
  /** Lines available; undefined: as many as it takes. */
  height?: number;
  /** Index into `cluster` (default 0, the node the view started from). */
  selected?: number;
  color?: boolean;
}

const SORT_NAMES: Record<SortKey, string> = { messageQueueLen: 'queue length', memory: 'memory', reductions: 'reductions' };

/** The whole view as lines joined by newlines (ending with one). */
export function renderText(snapshot: Snapshot, options: TextViewOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const selected = Math.min(options.selected ?? 0, snapshot.cluster.length - 1);
  const lines: string[] = [
    paint('1', `noderl observe  ${snapshot.cluster.length} nodes  ${snapshot.takenAt.slice(11, 19)}  sort: ${SORT_NAMES[options.sort]}`) + '   (Tab: node  l/m/r: sort  q: quit)',
    '',
    paint('7', row([' NODE', 'KIND', 'STATE', 'PROCS', 'MEMORY', 'LINKS (visible/hidden)'], [30, 7, 13, 8, 10, 24])),
  ];
  snapshot.cluster.forEach((n, i) => {
    const line = row([`${i === selected ? '>' : ' '}${n.node}`, n.kind, n.state, num(n.processCount), bytes(n.memory?.total ?? null), n.state === 'up' ? `${n.visible.length}/${n.hidden.length}` : (n.error ?? '')], [30, 7, 13, 8, 10, 24]);
    lines.push(n.state === 'down' ? paint('31', line) : n.state === 'unresponsive' ? paint('33', line) : line);
  });
  for (const w of snapshot.warnings) lines.push(paint('33;1', `! ${w}`));
  const node = snapshot.cluster[selected];
  if (node !== undefined) lines.push('', ...nodeDetail(node, options, paint));
  const height = options.height ?? lines.length;
  return lines.slice(0, height).map((l) => clip(l, options.width)).join('\n') + '\n';
}

function nodeDetail(n: NodeReport, options: TextViewOptions, paint: (code: string, text: string) => string): string[] {
  const lines = [paint('1', `${n.node} (${n.kind}, ${n.state})`) + (n.netTicktime === null ? '' : `  net_ticktime ${n.netTicktime} s`)];
  if (n.state !== 'up') return lines;
  lines.push(`global: ${n.globalNames.length === 0 ? '-' : n.globalNames.join(' ')}    pg: ${n.pgGroups === null ? 'not running' : n.pgGroups.length === 0 ? '-' : n.pgGroups.join(' ')}`);
  const cw = [30, 8, 10, 10, 16, 11, 10];
  lines.push(paint('7', row([' CONNECTION', 'TYPE', 'IN', 'OUT', 'MSGS IN/OUT', 'LAST INPUT', 'SEND Q'], cw)));
  for (const c of n.connections) {
    lines.push(row([` ${c.peer}`, c.type, bytes(c.bytesIn), bytes(c.bytesOut), `${num(c.messagesIn)}/${num(c.messagesOut)}`, c.lastInputAgeMs === null ? '-' : `${(c.lastInputAgeMs / 1000).toFixed(1)} s`, bytes(c.sendQueueBytes)], cw));
  }
  const pw = [16, 24, 9, 10, 12, 40];
  lines.push(paint('7', row([' PID', 'NAME', 'QUEUE', 'MEMORY', 'REDUCTIONS', 'CURRENT FUNCTION'], pw)));
  for (const p of sortProcesses(n.processes, options.sort)) {
    lines.push(row([` ${p.pid}`, p.name ?? '', String(p.messageQueueLen), bytes(p.memory), String(p.reductions), p.currentFunction ?? '-'], pw));
  }
  return lines;
}

/** Cells padded to their widths (the last one as it is). */
function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : clip(c, widths[i]! - 1).padEnd(widths[i]!))).join('');
}

/** `text` cut to `width` visible characters; colour escapes do not count and are kept. */
function clip(text: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\x1b') {
      const end = text.indexOf('m', i);
      out += text.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible < width) out += text[i];
    visible += 1;
  }
  return out;
}

const num = (n: number | null): string => (n === null ? '-' : String(n));

/** Bytes in B, kB, MB or GB (powers of 1000, as the rest of the view is read at a glance). */
export function bytes(n: number | null): string {
  if (n === null) return '-';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
