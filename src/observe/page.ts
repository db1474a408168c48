/**
 * The page `noderl observe --web` serves at `/`: one HTML document with its own small script (no
 * library), which polls `/snapshot.json` and draws the cluster as an SVG graph (a circle per node,
 * its area growing with the process count; a line per connection, dashed when hidden; a node that
 * went down in grey with a red ring) above the selected node's connections and process table.
 * `?node=NAME` selects a node at load, `?sort=KEY` a sort key; clicking does the same.
 */

/** The page's HTML; `interval` is how often it polls, ms. */
export function pageHtml(interval: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>noderl observe</title>
<style>
body{font:14px system-ui,sans-serif;margin:16px;color:#222;background:#fafafa}
h1{font-size:18px;margin:0 0 8px}#meta{color:#666;font-size:12px}
#graph{width:100%;max-width:960px;height:440px;background:#fff;border:1px solid #ddd;display:block}
.node{cursor:pointer;stroke:#222;stroke-width:1.5}.beam{fill:#a90533}.noderl{fill:#3c873a}.unknown{fill:#888}
.down{fill:#ccc;stroke:#d00;stroke-width:4}.unresponsive{stroke:#f90;stroke-width:4}.selected{stroke:#06f;stroke-width:5}
.link{stroke:#555;stroke-width:2}.link.hidden{stroke-dasharray:6 5}
text{font-size:12px;text-anchor:middle;pointer-events:none}.count{fill:#fff;font-weight:bold}
table{border-collapse:collapse;margin:8px 0;background:#fff}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}
th[data-key]{cursor:pointer;text-decoration:underline}#warnings li{color:#b60}
</style></head><body>
<h1>noderl observe</h1><div id="meta">loading…</div>
<svg id="graph" viewBox="0 0 960 440" xmlns="http://www.w3.org/2000/svg"></svg>
<ul id="warnings"></ul>
<h2 id="title"></h2><div id="names"></div>
<table id="connections"></table>
<table id="processes"></table>
<script>
const q = new URLSearchParams(location.search);
let selected = q.get('node'), sort = q.get('sort') || 'messageQueueLen', snap;
const NS = 'http://www.w3.org/2000/svg';
const el = (tag, attrs, text) => { const e = document.createElementNS(NS, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; };
const esc = (s) => String(s ?? '-').replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
const size = (b) => b == null ? '-' : b < 1000 ? b + ' B' : b < 1e6 ? (b / 1e3).toFixed(1) + ' kB' : b < 1e9 ? (b / 1e6).toFixed(1) + ' MB' : (b / 1e9).toFixed(1) + ' GB';
function graph(cluster) {
  const svg = document.getElementById('graph'); svg.replaceChildren();
  const n = cluster.length, pos = {};
  cluster.forEach((c, i) => { const a = 2 * Math.PI * i / n - Math.PI / 2, d = n > 1 ? 160 : 0; pos[c.node] = [480 + d * Math.cos(a), 210 + d * Math.sin(a)]; });
  const drawn = new Set();
  for (const c of cluster) for (const k of c.connections) {
    const key = [c.node, k.peer].sort().join(' ');
    if (!pos[k.peer] || drawn.has(key)) continue; drawn.add(key);
    svg.append(el('line', { class: 'link ' + k.type, 'data-link': key, x1: pos[c.node][0], y1: pos[c.node][1], x2: pos[k.peer][0], y2: pos[k.peer][1] }));
  }
  for (const c of cluster) {
    const [x, y] = pos[c.node], r = c.processCount == null ? 20 : Math.min(70, 12 + 4 * Math.log2(1 + c.processCount));
    const g = el('g', { 'data-node': c.node }); g.onclick = () => { selected = c.node; draw(); };
    g.append(el('circle', { class: 'node ' + c.kind + ' ' + c.state + (c.node === selected ? ' selected' : ''), cx: x, cy: y, r }));
    g.append(el('text', { class: 'count', x, y: y + 4 }, c.state === 'down' ? '✕' : c.processCount));
    g.append(el('text', { x, y: y + r + 16 }, c.node + ' (' + c.kind + (c.state === 'up' ? '' : ', ' + c.state) + ')'));
    svg.append(g);
  }
}
function table(id, heads, rows) {
  document.getElementById(id).innerHTML = '<tr>' + heads.map(([h, key]) => '<th' + (key ? ' data-key="' + key + '"' : '') + '>' + h + '</th>').join('') + '</tr>' + rows.map((r) => '<tr>' + r.map((v) => '<td>' + esc(v) + '</td>').join('') + '</tr>').join('');
}
function draw() {
  if (!snap) return;
  if (!snap.cluster.some((c) => c.node === selected)) selected = snap.cluster[0]?.node;
  const c = snap.cluster.find((x) => x.node === selected);
  document.getElementById('meta').textContent = snap.cluster.length + ' nodes, taken ' + snap.takenAt + ' by ' + snap.observer;
  graph(snap.cluster);
  document.getElementById('warnings').innerHTML = snap.warnings.map((w) => '<li>' + esc(w) + '</li>').join('');
  document.getElementById('title').textContent = c.node + ' — ' + c.kind + ', ' + c.state + (c.memory ? ', memory ' + size(c.memory.total) : '');
  document.getElementById('names').textContent = 'global: ' + (c.globalNames.join(' ') || '-') + '   pg: ' + (c.pgGroups === null ? 'not running' : c.pgGroups.join(' ') || '-');
  table('connections', [['peer'], ['type'], ['in'], ['out'], ['messages in/out'], ['last input'], ['send queue']],
    c.connections.map((k) => [k.peer, k.type, size(k.bytesIn), size(k.bytesOut), (k.messagesIn ?? '-') + '/' + (k.messagesOut ?? '-'), k.lastInputAgeMs == null ? '-' : (k.lastInputAgeMs / 1000).toFixed(1) + ' s', size(k.sendQueueBytes)]));
  const rows = [...c.processes].sort((a, b) => b[sort] - a[sort] || a.pid.localeCompare(b.pid));
  table('processes', [['pid'], ['name'], ['queue', 'messageQueueLen'], ['memory', 'memory'], ['reductions', 'reductions'], ['current function']],
    rows.map((p) => [p.pid, p.name, p.messageQueueLen, size(p.memory), p.reductions, p.currentFunction]));
  for (const th of document.querySelectorAll('#processes th[data-key]')) th.onclick = () => { sort = th.dataset.key; draw(); };
}
async function poll() {
  try { snap = await (await fetch('/snapshot.json', { cache: 'no-store' })).json(); draw(); }
  catch (e) { document.getElementById('meta').textContent = 'observer gone: ' + e.message; }
  setTimeout(poll, ${interval});
}
poll();
</script></body></html>
`;
}
