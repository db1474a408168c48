// Running test code as a noderl process.

import { atom, isTuple } from '../../dist/term/types.js';

/** Runs `fn(self)` as a process of `node`; resolves with what it returns, rejects with what it throws. */
export function runInProcess(node, fn) {
  return new Promise((resolve, reject) => {
    node.spawn(async (self) => {
      try {
        resolve(await fn(self));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** A `receive` match for tuples tagged `name`: `{name, ...}`. */
export const isTag = (name) => (m) => isTuple(m) && m[0] === atom(name);
