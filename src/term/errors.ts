import { tagName } from './tags.js';

/** Bytes that are not a valid external term. `offset` is where in the input the problem was found. */
export class DecodeError extends Error {
  readonly code = 'ERR_NODERL_DECODE';
  constructor(
    message: string,
    /** Byte offset in the input. */
    readonly offset: number,
    /** The tag being decoded there, when there was one. */
    readonly tag?: number,
  ) {
    super(`${message} at byte ${offset}${tag === undefined ? '' : ` in ${tagName(tag)}`}`);
    this.name = 'DecodeError';
  }
}

/** A JS value with no Erlang form. `path` says where inside the term it was (`$.items[3].name`). */
export class EncodeError extends Error {
  readonly code = 'ERR_NODERL_ENCODE';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path}`);
    this.name = 'EncodeError';
  }
}

/** True for V8's "Maximum call stack size exceeded": the readers and writers then switch to their non-recursive forms. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
