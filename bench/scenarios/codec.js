// Scenario 1, "codec" (shared/bench/README.md): encode and decode each term of the standard set
// in one process, with the calibrated loop, for noderl, the BEAM (term_to_binary/binary_to_term
// in a real `erl`), the JS peer codecs erlpack and erlang_js, and JSON of the nearest JS value
// as a floor.
//
// Before anything is timed, noderl's answer is checked on the BEAM: encode(decode(file)) must be
// =:= the file's term. A wrong answer fails the scenario; a slow one never does.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { compileErlang, erlString, ErlLineServer, makeTempDir } from '../lib/erl.js';
import { bytes as fmtBytes, rate, table, times } from '../lib/format.js';
import { FULL, measure, opsPerSecond, QUICK } from '../lib/measure.js';
import { NODERL_MODULE } from '../lib/noderl-module.js';
import { loadPeers } from '../lib/peers.js';
import { writeTermSet } from '../lib/term-set.js';

export const description = 'ETF encode/decode of the standard term set: noderl vs BEAM, erlpack, erlang_js, JSON';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
// shared/ sits beside the repository, both here and in CI's clone; NODERL_BENCH_TERMS overrides.
const TERMS_DIR = process.env.NODERL_BENCH_TERMS ?? resolve(REPO, '../shared/bench/terms');
const ERL_MODULE = join(HERE, '../erl/codec_bench.erl');
const LINE_SERVER = join(HERE, '../erl/bench_line.erl');
const PROBE = join(HERE, '../lib/peer-probe.js');

// noderl decodes binaries as views into the input by default; these terms are also timed with
// { copyBinaries: true } so the price of the copy shows.
const COPY_VARIANT_TERMS = new Set(['binary_1mib']);

export async function run({ quick }) {
  const settings = quick ? QUICK : FULL;
  const noderl = await loadNoderl();
  const distWriters = await loadDistWriters();
  const peers = await loadPeers();
  const terms = listTerms(await termsDir());
  const work = makeTempDir();
  const beam = await startBeam();
  try {
    const decodable = await probePeers(terms);
    const checks = await checkNoderl(beam, noderl, terms, work);
    const peerChecks = await checkPeers(beam, peers, decodable, terms, work);

    const rows = [];
    for (const term of terms) {
      for (const job of jobsFor(term)) {
        const group = await benchJob(job, { beam, noderl, distWriters, peers, decodable, peerChecks, settings });
        addRatios(group);
        rows.push(...group);
      }
    }
    return {
      table: renderTable(rows),
      notes: notesFor(peers, settings),
      json: {
        settings: { ...settings, termsDir: TERMS_DIR, noderlModule: NODERL_MODULE },
        peers: Object.fromEntries(peers.map((p) => [p.name, p.error ?? 'loaded'])),
        checks: [...checks, ...peerChecks.list],
        results: rows,
      },
    };
  } finally {
    await beam.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Setup

async function loadNoderl() {
  let mod;
  try {
    mod = await import(NODERL_MODULE);
  } catch (err) {
    throw new Error(`cannot load noderl from ${NODERL_MODULE} (build it first: npx tsc -p tsconfig.json): ${err.message}`);
  }
  if (typeof mod.encode !== 'function' || typeof mod.decode !== 'function') {
    throw new Error(`${NODERL_MODULE} does not export encode and decode`);
  }
  return mod;
}

/**
 * The writers the distribution uses instead of `encode()` (src/channel/frame-batch.ts and
 * chunked-writer.ts), from the same build; null when that build has none.
 */
async function loadDistWriters() {
  try {
    const [{ FrameBatch }, { ChunkedTermWriter }] = await Promise.all([
      import(new URL('./channel/frame-batch.js', NODERL_MODULE).href),
      import(new URL('./channel/chunked-writer.js', NODERL_MODULE).href),
    ]);
    return FrameBatch && ChunkedTermWriter ? { FrameBatch, ChunkedTermWriter } : null;
  } catch {
    return null;
  }
}

/**
 * The term set: [{ name, latin1, utf8 }] with file paths (utf8 may be null), smallest first so
 * the table reads from small terms to large.
 */
/** shared/bench/terms when it is there; otherwise the same set made now by the installed erl. */
async function termsDir() {
  if (process.env.NODERL_BENCH_TERMS || existsSync(TERMS_DIR)) return TERMS_DIR;
  const dir = makeTempDir('noderl-bench-terms-');
  console.log(`  (${TERMS_DIR} not found: the term set is made by this erl from bench/lib/term-set.js)`);
  await writeTermSet(dir);
  return dir;
}

function listTerms(dir) {
  let files;
  try {
    files = readdirSync(dir);
  } catch (err) {
    throw new Error(`cannot read the term set in ${dir} (set NODERL_BENCH_TERMS): ${err.message}`);
  }
  const names = files.filter((f) => f.endsWith('.etf') && !f.endsWith('.utf8atoms.etf')).map((f) => f.slice(0, -4));
  if (names.length === 0) throw new Error(`no NAME.etf files in ${dir}`);
  return names
    .map((name) => {
      const utf8 = `${name}.utf8atoms.etf`;
      return { name, latin1: join(dir, `${name}.etf`), utf8: files.includes(utf8) ? join(dir, utf8) : null };
    })
    .sort((a, b) => statSync(a.latin1).size - statSync(b.latin1).size || a.name.localeCompare(b.name));
}

/** One `erl` running bench/erl/codec_bench.erl as a line server, compiled for this run. */
async function startBeam() {
  const beamDir = await compileErlang([ERL_MODULE, LINE_SERVER]);
  return ErlLineServer.start(['-noshell', '-pa', beamDir, '-s', 'codec_bench', 'main']);
}

/** Sends one request to codec_bench; returns the reply's fields after "ok" or throws. */
async function ask(beam, request) {
  const reply = await beam.request(request);
  if (!reply.startsWith('ok')) throw new Error(`codec_bench answered "${reply}" to ${request}`);
  return reply.split(' ').slice(1);
}

/** True when the terms in the two files are =:= on the BEAM. */
async function beamEqual(beam, original, candidate) {
  const [answer] = await ask(beam, `{check, ${erlString(original)}, ${erlString(candidate)}}.`);
  return answer === 'equal';
}

/**
 * Which files each peer can decode: { peer: { file: null | reason } }. Probed in a child
 * process; see peer-probe.js for why.
 */
async function probePeers(terms) {
  const files = terms.flatMap((t) => [t.latin1, t.utf8].filter(Boolean));
  const { stdout } = await promisify(execFile)(process.execPath, [PROBE, ...files], { maxBuffer: 1 << 20 });
  const marker = stdout.lastIndexOf('\nPROBE ');
  if (marker < 0) throw new Error(`peer probe printed no result:\n${stdout}`);
  return JSON.parse(stdout.slice(marker + 7));
}

// ---------------------------------------------------------------------------------------------
// Correctness, before any timing

/**
 * noderl's encode(decode(file)) must be =:= the file's term on the BEAM, for every file, and
 * also with { copyBinaries: true } where that variant is timed. Throws on a wrong answer.
 */
async function checkNoderl(beam, noderl, terms, work) {
  const checks = [];
  for (const term of terms) {
    for (const file of [term.latin1, term.utf8].filter(Boolean)) {
      const variants = COPY_VARIANT_TERMS.has(term.name) ? [undefined, { copyBinaries: true }] : [undefined];
      for (const options of variants) {
        const label = `encode(decode(${basename(file)}${options ? ', copyBinaries' : ''}))`;
        let encoded;
        try {
          encoded = noderl.encode(noderl.decode(readFileSync(file), options));
        } catch (err) {
          throw new Error(`WRONG ANSWER: noderl ${label} threw: ${err.stack ?? err}`);
        }
        const candidate = join(work, `noderl-${checks.length}.etf`);
        writeFileSync(candidate, encoded);
        if (!(await beamEqual(beam, file, candidate))) {
          // Keep the bad bytes past the run's cleanup, for whoever debugs it.
          const kept = join(tmpdir(), `noderl-bench-mismatch-${basename(file)}`);
          writeFileSync(kept, encoded);
          throw new Error(`WRONG ANSWER: noderl ${label} is not =:= the original term on the BEAM (bytes kept in ${kept})`);
        }
        checks.push({ impl: 'noderl', check: label, result: 'equal' });
      }
    }
  }
  return checks;
}

/**
 * Whether each peer's encode(decode(file)) gives back the original term. Peers map terms lossily
 * (erlpack turns atoms into strings, for one), so this is reported, not enforced: it says what
 * that peer's encode figure is worth.
 */
async function checkPeers(beam, peers, decodable, terms, work) {
  const lossy = {}; // peer -> file -> note, only for files whose round trip differs or fails
  const list = [];
  for (const peer of peers.filter((p) => p.codec)) {
    lossy[peer.name] = {};
    for (const file of terms.flatMap((t) => [t.latin1, t.utf8].filter(Boolean))) {
      if (decodable[peer.name][file] !== null) continue;
      let result;
      try {
        const candidate = join(work, `${peer.name}-${list.length}.etf`);
        writeFileSync(candidate, peer.codec.encode(peer.codec.decode(readFileSync(file))));
        result = (await beamEqual(beam, file, candidate)) ? 'equal' : 'differs';
      } catch (err) {
        result = `fails: ${err.message}`;
      }
      if (result !== 'equal') lossy[peer.name][file] = `round trip ${result}`;
      list.push({ impl: peer.name, check: `encode(decode(${basename(file)}))`, result });
    }
  }
  return { lossy, list };
}

// ---------------------------------------------------------------------------------------------
// Timing

/** The timed operations for one term: decode of each file, then encode of the term. */
function jobsFor(term) {
  const jobs = [{ term: term.name, op: 'decode', file: term.latin1 }];
  if (term.utf8) jobs.push({ term: term.name, op: 'decode', file: term.utf8 });
  jobs.push({ term: term.name, op: 'encode', file: term.latin1 });
  return jobs;
}

/** A row for an implementation that was not timed. */
function notTimed(job, impl, reason) {
  return { ...rowBase(job, impl), status: 'n/a', reason };
}

function rowBase(job, impl) {
  return { term: job.term, op: job.op, input: basename(job.file), impl };
}

/** A timed row from ops/s figures and the bytes one op reads (decode) or writes (encode). */
function timed(job, impl, ops, bytesPerOp, note) {
  return {
    ...rowBase(job, impl),
    status: 'ok',
    opsPerSec: { median: ops.median, min: ops.min, max: ops.max },
    batch: ops.batch,
    samples: ops.samples,
    bytesPerOp,
    mbPerSec: (ops.median * bytesPerOp) / 1e6,
    ...(note ? { note } : {}),
  };
}

/** Times one JS function; `bytesPerOp` is the size MB/s is computed from. */
function timeJs(job, impl, fn, bytesPerOp, settings, note) {
  return timed(job, impl, measure(fn, settings), bytesPerOp, note);
}

/** Times one operation on every implementation; returns its rows, BEAM first. */
async function benchJob(job, { beam, noderl, distWriters, peers, decodable, peerChecks, settings }) {
  const input = readFileSync(job.file);
  const value = noderl.decode(input);
  const rows = [await beamRow(job, beam, settings), ...noderlRows(job, noderl, distWriters, input, value, settings)];
  for (const peer of peers) {
    const cannot = peer.error ?? decodable[peer.name][job.file];
    if (cannot !== null) rows.push(notTimed(job, peer.name, cannot));
    else rows.push(peerRow(job, peer, input, peerChecks.lossy[peer.name][job.file], settings));
  }
  rows.push(jsonRow(job, toJsonValue(value, noderl), settings));
  return rows;
}

/** The BEAM, timed in its own process by its own calibrated loop. */
async function beamRow(job, beam, settings) {
  const request = `{time, ${job.op}, ${erlString(job.file)}, ${settings.minMs}, ${settings.batches}}.`;
  const [batch, bytesPerOp, ...batchNs] = (await ask(beam, request)).map(Number);
  return timed(job, 'BEAM', opsPerSecond(batch, batchNs), bytesPerOp);
}

/** noderl's rows: decode (also with copyBinaries where that variant is timed), or encode. */
function noderlRows(job, noderl, distWriters, input, value, settings) {
  if (job.op === 'encode') {
    const rows = [timeJs(job, 'noderl', () => noderl.encode(value), noderl.encode(value).length, settings)];
    const dist = distWriters && distEncoder(noderl, distWriters, value);
    if (dist) rows.push(timeJs(job, 'noderl dist', dist.run, dist.bytes, settings, dist.note));
    return rows;
  }
  const rows = [timeJs(job, 'noderl', () => noderl.decode(input), input.length, settings)];
  if (COPY_VARIANT_TERMS.has(job.term)) {
    const copy = { copyBinaries: true };
    rows.push(timeJs(job, 'noderl copyBinaries', () => noderl.decode(input, copy), input.length, settings));
  }
  return rows;
}

// What Outbox (src/channel/outbox.ts) does with a message instead of calling encode(): a small one
// is framed into the turn's batch, which is taken out once it holds BATCH_BYTES; one too big for
// a frame goes through the chunked writer, to be sent as fragments.
const FRAGMENT_DATA = 64 * 1024;
const BATCH_BYTES = 256 * 1024;
const SEND_SENDER = 22;

/**
 * One message's encoding on the distribution path, as a function to time: `{ run, bytes, note }`.
 */
function distEncoder(noderl, writers, value) {
  const node = noderl.atom('bench@localhost');
  const control = noderl.tuple(SEND_SENDER, new noderl.Pid(node, 81, 0, 1), new noderl.Pid(node, 82, 0, 1));
  const batch = new writers.FrameBatch();
  if (batch.tryFrame(control, value, FRAGMENT_DATA)) {
    const bytes = batch.pos;
    batch.reset();
    return {
      bytes,
      note: 'a SEND_SENDER frame into the batch (FrameBatch.tryFrame; flushTo at 256 KiB)',
      run: () => {
        if (!batch.tryFrame(control, value, FRAGMENT_DATA)) throw new Error('FrameBatch.tryFrame refused a term it took before');
        if (batch.pos < BATCH_BYTES) return batch.pos;
        let out;
        // As the outbox's socket.write: the bytes are written, then the buffer is handed back.
        // (Builds before FrameBatch.flushTo copied the batch out instead.)
        if (!batch.flushTo) {
          out = batch.take();
          batch.reset();
          return out;
        }
        batch.flushTo((bytes, done) => {
          out = bytes;
          done();
        });
        return out;
      },
    };
  }
  const chunked = new writers.ChunkedTermWriter();
  return {
    bytes: chunked.write(value).length,
    note: 'too big for one frame: ChunkedTermWriter.write, the fragments\' source',
    run: () => chunked.write(value),
  };
}

/** A peer that loaded and decodes this input; encode times the peer's own decoding of it. */
function peerRow(job, peer, input, note, settings) {
  const { decode, encode } = peer.codec;
  if (job.op === 'decode') return timeJs(job, peer.name, () => decode(input), input.length, settings, note);
  const value = decode(input);
  let size;
  try {
    size = encode(value).length;
  } catch (err) {
    return notTimed(job, peer.name, `cannot encode its own decoding: ${err.message}`);
  }
  return timeJs(job, peer.name, () => encode(value), size, settings, note);
}

/** JSON, the floor: the same data as JSON text, parsed or stringified. */
function jsonRow(job, jsonValue, settings) {
  const text = JSON.stringify(jsonValue);
  const size = Buffer.byteLength(text);
  if (job.op === 'decode') return timeJs(job, 'JSON', () => JSON.parse(text), size, settings);
  return timeJs(job, 'JSON', () => JSON.stringify(jsonValue), size, settings);
}

/** vsBeam: this row's median over the BEAM's; noderlOver: noderl's median over this row's. */
function addRatios(group) {
  const median = (impl) => group.find((r) => r.impl === impl && r.status === 'ok')?.opsPerSec.median;
  const beam = median('BEAM');
  const noderl = median('noderl');
  for (const row of group) {
    if (row.status !== 'ok') continue;
    row.vsBeam = beam ? row.opsPerSec.median / beam : null;
    row.noderlOver = noderl ? noderl / row.opsPerSec.median : null;
  }
}

/**
 * The plain JS value nearest to a decoded term, for the JSON floor: atoms as strings, tuples and
 * improper lists as arrays, maps as objects, binaries as base64 (how JSON usually carries bytes),
 * big integers as strings.
 */
function toJsonValue(t, noderl) {
  switch (typeof t) {
    case 'bigint':
      return Number.isSafeInteger(Number(t)) ? Number(t) : t.toString();
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return t; // number, string, boolean
  }
  const json = (x) => toJsonValue(x, noderl);
  if (t === null) return null;
  if (t instanceof Uint8Array) return Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('base64');
  if (Array.isArray(t)) return t.map(json);
  if (t instanceof Map) {
    return Object.fromEntries(Array.from(t, ([k, v]) => [keyText(json(k)), json(v)]));
  }
  if (noderl.Atom && t instanceof noderl.Atom) return t.name;
  if (noderl.Tuple && t instanceof noderl.Tuple) return Array.from(t, json);
  if (noderl.ErlFloat && t instanceof noderl.ErlFloat) return t.value;
  if (noderl.ImproperList && t instanceof noderl.ImproperList) return [...t.elements.map(json), json(t.tail)];
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, json(v)]));
}

function keyText(k) {
  return typeof k === 'string' ? k : JSON.stringify(k);
}

// ---------------------------------------------------------------------------------------------
// Output

const COLUMNS = [
  { key: 'term', title: 'term' },
  { key: 'input', title: 'op / input' },
  { key: 'impl', title: 'impl' },
  { key: 'ops', title: 'ops/s', align: 'right' },
  { key: 'min', title: 'min', align: 'right' },
  { key: 'max', title: 'max', align: 'right' },
  { key: 'bytes', title: 'bytes/op', align: 'right' },
  { key: 'mb', title: 'MB/s', align: 'right' },
  { key: 'vsBeam', title: 'vs BEAM', align: 'right' },
  { key: 'noderlOver', title: 'noderl/this', align: 'right' },
  { key: 'note', title: 'note' },
];

function renderTable(rows) {
  const lines = [];
  let group = null;
  for (const row of rows) {
    const key = `${row.term}/${row.op}/${row.input}`;
    const first = key !== group;
    if (first && group !== null) lines.push(null);
    group = key;
    lines.push({
      term: first ? row.term : '',
      input: first ? opLabel(row) : '',
      impl: row.impl,
      ...(row.status === 'ok'
        ? {
            ops: rate(row.opsPerSec.median),
            min: rate(row.opsPerSec.min),
            max: rate(row.opsPerSec.max),
            bytes: fmtBytes(row.bytesPerOp),
            mb: rate(row.mbPerSec),
            vsBeam: times(row.vsBeam),
            noderlOver: times(row.noderlOver),
            note: row.note ?? '',
          }
        : { ops: 'n/a', note: row.reason }),
    });
  }
  return table(COLUMNS, lines);
}

/** "decode .etf", "decode .utf8atoms.etf" or "encode": the term's name is in its own column. */
function opLabel(row) {
  return row.op === 'decode' ? `decode ${row.input.slice(row.term.length)}` : row.op;
}

function notesFor(peers, settings) {
  const notes = [
    `each figure: median of ${settings.batches} batch(es) of >= ${settings.minMs} ms; min and max are of those batches`,
    'MB/s: bytes/op x ops/s; bytes/op is the input for decode, the output for encode (each impl its own)',
    'vs BEAM: this row / BEAM; noderl/this: noderl / this row (above 1x: noderl is faster)',
    'encode: each impl encodes its own decoding of NAME.etf; the BEAM encodes with term_to_binary/1',
    'JSON: JSON.parse/JSON.stringify of the nearest JS value (atoms as strings, tuples as arrays, binaries as base64)',
    'noderl decode returns binaries as views into the input; "noderl copyBinaries" copies them',
    '"noderl dist": what the distribution does instead of encode() (no 131; a frame with a SEND_SENDER control, or fragments\' pieces)',
  ];
  for (const peer of peers) if (peer.error) notes.push(`${peer.name}: ${peer.error}`);
  return notes;
}
