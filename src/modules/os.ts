/**
 * The `os` functions a noderl node serves: `getpid/0`, `type/0`, `timestamp/0`, `system_time/0,1`,
 * `getenv/0,1,2` (os.erl in OTP 25). Nothing that acts on the host (`os:cmd`, `putenv`) is
 * served: a peer that calls it gets `undef`.
 */
import { platform } from 'node:os';
import { atom, isList, tuple, type Term } from '../term/types.js';
import { BADARG } from '../term/atoms.js';
import { callError } from '../process/exceptions.js';
import { charsToString, codePoints as chars } from '../term/io-format.js';
import type { Process } from '../process/process.js';
import { osSystemNanos, systemNanos, timeIn, timestampOf } from './erlang-system.js';
import { arities, type BuiltinModule } from './registry.js';

/** A variable name as os:getenv takes it: a string (a list of code points); badarg otherwise. */
function varName(name: Term, args: Term[]): string {
  try {
    if (!isList(name)) throw new Error('not a list');
    return charsToString(name, true);
  } catch {
    throw callError(BADARG, 'os', 'getenv', args);
  }
}

export const osModule: BuiltinModule = {
  getpid: () => chars(String(process.pid)),
  type: () => (platform() === 'win32' ? tuple(atom('win32'), atom('nt')) : tuple(atom('unix'), atom(platform()))),
  timestamp: () => timestampOf(systemNanos()),
  system_time: arities([0, 1], (_self: Process, unit?: Term) => {
    const value = timeIn(osSystemNanos(), unit);
    if (value === undefined) throw callError(BADARG, 'os', 'system_time', [unit!]);
    return value;
  }),
  getenv: arities([0, 1, 2], (_self: Process, name?: Term, fallback?: Term) => {
    if (name === undefined) return Object.entries(process.env).map(([k, v]) => chars(`${k}=${v ?? ''}`));
    const value = process.env[varName(name, fallback === undefined ? [name] : [name, fallback])];
    if (value !== undefined) return chars(value);
    return fallback === undefined ? false : fallback;
  }),
};
