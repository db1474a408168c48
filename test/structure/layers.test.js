// The source tree's layers (docs/ARCHITECTURE.md "Layers"): each folder of src/ imports only the
// folders below it, and no file takes part in an import cycle, type-only imports included. The
// graph is read from the sources' import specifiers, so this needs no build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * What each folder may import, lowest first: term ← epmd, channel ← process ← modules, otp ←
 * erlang (the evaluator) ← rpc, global, pg, shell ← node ← observe ← cli. A file at the top of src/ (index.ts) sits just below cli,
 * beside observe (`noderl observe`, which only the cli uses).
 */
export const LAYERS = {
  term: [],
  epmd: ['term'],
  channel: ['term'],
  process: ['term', 'channel'],
  modules: ['term', 'process'],
  otp: ['term', 'process'],
  rpc: ['term', 'process', 'modules', 'otp'],
  erlang: ['term', 'process', 'modules', 'otp'],
  global: ['term', 'process', 'modules', 'otp'],
  pg: ['term', 'process', 'modules', 'otp'],
  shell: ['term', 'process', 'modules', 'otp', 'erlang'],
  node: ['term', 'epmd', 'channel', 'process', 'modules', 'otp', 'erlang', 'rpc', 'global', 'pg', 'shell'],
  '.': ['term', 'epmd', 'channel', 'process', 'modules', 'otp', 'erlang', 'rpc', 'global', 'pg', 'shell', 'node'],
  observe: ['term', 'epmd', 'channel', 'process', 'modules', 'otp', 'erlang', 'rpc', 'global', 'pg', 'shell', 'node'],
  cli: ['term', 'epmd', 'channel', 'process', 'modules', 'otp', 'erlang', 'rpc', 'global', 'pg', 'shell', 'node', '.', 'observe'],
};

function sources(dir = SRC, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every relative import of `file` (static, `export … from`, `import type`, dynamic), as source paths. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/.*|\*.*|\/\*.*)$/gm, '');
  const specs = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

const folderOf = (file) => {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0] : '.';
};

const graph = new Map(sources().map((f) => [f, importsOf(f)]));
const name = (f) => relative(SRC, f);

test('every folder of src/ has its place in the layers', () => {
  const unknown = [...new Set([...graph.keys()].map(folderOf))].filter((f) => !(f in LAYERS));
  assert.deepEqual(unknown, [], 'add new folders to LAYERS (and to docs/ARCHITECTURE.md)');
});

test('no folder imports a folder above it', () => {
  const upward = [];
  for (const [file, deps] of graph) {
    const from = folderOf(file);
    for (const dep of deps) {
      const to = folderOf(dep);
      if (to !== from && !(LAYERS[from] ?? []).includes(to)) upward.push(`${name(file)} -> ${name(dep)}`);
    }
  }
  assert.deepEqual(upward, []);
});

test('every import resolves to a source file', () => {
  const missing = [];
  for (const [file, deps] of graph) for (const dep of deps) if (!graph.has(dep)) missing.push(`${name(file)} -> ${name(dep)}`);
  assert.deepEqual(missing, []);
});

test('no import cycles between files', () => {
  // Tarjan's strongly connected components: any component of more than one file is a cycle.
  let index = 0;
  const stack = [];
  const info = new Map();
  const cycles = [];
  const visit = (v) => {
    const vi = { index, low: index, onStack: true };
    info.set(v, vi);
    index += 1;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      const wi = info.get(w);
      if (!wi) {
        visit(w);
        vi.low = Math.min(vi.low, info.get(w).low);
      } else if (wi.onStack) vi.low = Math.min(vi.low, wi.index);
    }
    if (vi.low === vi.index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        component.push(name(w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort().join(' <-> '));
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) visit(v);
  assert.deepEqual(cycles, []);
});
