/**
 * The `erlang` BIFs about time and the runtime, as a noderl node answers them: time
 * (`system_time`, `monotonic_time`, `time_offset`, `timestamp`, `now`, `time`, `date`,
 * `localtime`, `universaltime`, `convert_time_unit`), `statistics/1`, `memory/0,1` and
 * `system_info/1` (erl_bif_info.c, erl_time_sup.c in OTP 25).
 *
 * The runtime is Node.js, not ERTS, so a few answers are noderl's own and say so:
 * `system_info(machine)` is `"noderl"` (BEAM says `"BEAM"`: how a tool tells the two apart),
 * `otp_release` is the release whose distribution noderl speaks (`"25"`), `schedulers` is 1 (one
 * JS thread); `memory/0` maps V8's figures: `total` the resident size, `processes` the JS heap in
 * use, `binary` the Buffers, `system` the rest; `atom`, `code` and `ets` are 0.
 */
import { arch, cpus, platform } from 'node:os';
import { Atom, atom, isList, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { codePoints as chars } from '../term/io-format.js';
import { bifError } from '../process/exceptions.js';
import type { Process } from '../process/process.js';
import { arities, type BuiltinModule } from './registry.js';

/** What the runtime BIFs need of their node. */
export interface SystemHost {
  processCount(): number;
  creation(): number;
  /** `+zdbbl` in bytes: the node's `distBufBusyLimit`. */
  distBufBusyLimit(): number;
}

/** The native time unit: nanoseconds, as OTP 25 on Linux. */
const NATIVE_PER_SECOND = 1_000_000_000n;
const UNITS: Record<string, bigint> = {
  second: 1n, seconds: 1n, millisecond: 1_000n, milli_seconds: 1_000n, microsecond: 1_000_000n, micro_seconds: 1_000_000n,
  nanosecond: 1_000_000_000n, nano_seconds: 1_000_000_000n, native: NATIVE_PER_SECOND, perf_counter: NATIVE_PER_SECOND,
};
const started = process.hrtime.bigint();
const systemAtStart = osSystemNanos();

/** Parts per second of a time unit (an atom, or a positive integer as OTP accepts); undefined when it is none. */
function perSecond(unit: Term): bigint | undefined {
  if (unit instanceof Atom) return UNITS[unit.name];
  if (typeof unit === 'number' && Number.isInteger(unit) && unit > 0) return BigInt(unit);
  return undefined;
}

/** `time` in a unit of `from` parts per second, in `to` parts (floor, as erlang:convert_time_unit/3), as a canonical integer. */
function convert(time: bigint, from: bigint, to: bigint): Term {
  const scaled = time * to;
  const value = scaled >= 0n ? scaled / from : -((-scaled + from - 1n) / from);
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

const inUnit = (nanos: bigint, per: bigint): Term => convert(nanos, NATIVE_PER_SECOND, per);

/** `nanos` in `unit` (native when undefined), or undefined for a term that is no time unit. */
export function timeIn(nanos: bigint, unit: Term | undefined): Term | undefined {
  const per = unit === undefined ? NATIVE_PER_SECOND : perSecond(unit);
  return per === undefined ? undefined : inUnit(nanos, per);
}

/** The OS clock in nanoseconds since the epoch (`os:system_time`, `erlang:os_system_time`). */
export function osSystemNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** Nanoseconds since the epoch, with hrtime's resolution. */
export function systemNanos(): bigint {
  return systemAtStart + (process.hrtime.bigint() - started);
}

/** `{MegaSecs, Secs, MicroSecs}` for `nanos` since the epoch (erlang:timestamp/0, os:timestamp/0). */
export function timestampOf(nanos: bigint): Term {
  const micros = nanos / 1_000n;
  return tuple(Number(micros / 1_000_000_000_000n), Number((micros / 1_000_000n) % 1_000_000n), Number(micros % 1_000_000n));
}

/** A time BIF taking an optional unit: `fn()` in native units, `fn(Unit)`; badarg for a unit that is none. */
function timed(name: string, nanos: () => bigint): ReturnType<typeof arities> {
  return arities([0, 1], (_self: Process, unit?: Term) => {
    const value = timeIn(nanos(), unit);
    if (value === undefined) throw bifError(BADARG, 'erlang', name, [unit!]);
    return value;
  });
}

let lastNow = 0n;

export function erlangSystemBifs(host: SystemHost): BuiltinModule {
  let lastWall = 0;
  let lastRuntime = 0;
  return {
    system_time: timed('system_time', systemNanos),
    monotonic_time: timed('monotonic_time', () => process.hrtime.bigint() - started),
    time_offset: timed('time_offset', () => systemAtStart),
    os_system_time: timed('os_system_time', osSystemNanos),
    convert_time_unit: (_self, time, from, to) => {
      const f = perSecond(from!);
      const t = perSecond(to!);
      if ((typeof time !== 'number' || !Number.isInteger(time)) && typeof time !== 'bigint') throw bifError(BADARG, 'erlang', 'convert_time_unit', [time!, from!, to!]);
      if (f === undefined || t === undefined) throw bifError(BADARG, 'erlang', 'convert_time_unit', [time, from!, to!]);
      return convert(BigInt(time), f, t);
    },
    timestamp: () => timestampOf(systemNanos()),
    // now/0: strictly increasing microseconds, as OTP guarantees.
    now: () => {
      let micros = systemNanos() / 1_000n;
      if (micros <= lastNow) micros = lastNow + 1n;
      lastNow = micros;
      return timestampOf(micros * 1_000n);
    },
    time: () => timeOf(new Date(), false),
    date: () => dateOf(new Date(), false),
    localtime: () => tuple(dateOf(new Date(), false), timeOf(new Date(), false)),
    universaltime: () => tuple(dateOf(new Date(), true), timeOf(new Date(), true)),
    statistics: (_self, item) => {
      if (item === atom('wall_clock')) {
        const total = Math.floor(Number(process.hrtime.bigint() - started) / 1e6);
        const since = total - lastWall;
        lastWall = total;
        return tuple(total, since);
      }
      if (item === atom('runtime')) {
        const cpu = process.cpuUsage();
        const total = Math.floor((cpu.user + cpu.system) / 1000);
        const since = total - lastRuntime;
        lastRuntime = total;
        return tuple(total, since);
      }
      if (item === atom('run_queue') || item === atom('total_run_queue_lengths')) return 0;
      throw bifError(BADARG, 'erlang', 'statistics', [item!]);
    },
    memory: arities([0, 1], (_self: Process, type?: Term) => memory(type)),
    system_info: (_self, key) => systemInfo(host, key!),
  };
}

function timeOf(d: Date, utc: boolean): Term {
  return utc ? tuple(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) : tuple(d.getHours(), d.getMinutes(), d.getSeconds());
}

function dateOf(d: Date, utc: boolean): Term {
  return utc ? tuple(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) : tuple(d.getFullYear(), d.getMonth() + 1, d.getDate());
}

/** `erlang:memory/0,1` from V8's figures (see the header). */
function memory(type: Term | undefined): Term {
  const m = process.memoryUsage();
  const figures: Record<string, number> = {
    total: m.rss, processes: m.heapUsed, processes_used: m.heapUsed, system: Math.max(0, m.rss - m.heapUsed),
    atom: 0, atom_used: 0, binary: m.arrayBuffers, code: 0, ets: 0,
  };
  if (type === undefined) return Object.entries(figures).map(([k, v]) => tuple(atom(k), v));
  const one = (t: Term): number => {
    if (!(t instanceof Atom) || figures[t.name] === undefined) throw bifError(BADARG, 'erlang', 'memory', [type]);
    return figures[t.name]!;
  };
  return isList(type) ? type.map((t) => tuple(t, one(t))) : one(type);
}


/** The `system_info/1` keys that make sense for a noderl node (see the header); badarg for the rest. */
function systemInfo(host: SystemHost, key: Term): Term {
  const name = key instanceof Atom ? key.name : '';
  switch (name) {
    case 'otp_release':
      return chars('25');
    case 'machine':
      return chars('noderl');
    case 'version':
      return chars(process.versions.node);
    case 'system_version':
      return chars(`noderl on Node.js ${process.version} [${arch()}-${platform()}]\n`);
    case 'system_architecture':
      return chars(`${arch()}-${platform()}`);
    case 'process_count':
      return host.processCount();
    case 'process_limit':
      return 262_144;
    case 'port_count':
      return 0;
    case 'schedulers':
    case 'schedulers_online':
      return 1;
    case 'logical_processors':
    case 'logical_processors_available':
    case 'logical_processors_online':
      return cpus().length;
    case 'wordsize':
      return 8;
    case 'creation':
      return host.creation();
    case 'dist_buf_busy_limit':
      return host.distBufBusyLimit();
    case 'smp_support':
    case 'threads':
      return true;
    default:
      throw bifError(BADARG, 'erlang', 'system_info', [key]);
  }
}
