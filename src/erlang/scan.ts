/**
 * erl_scan:string/2 and erl_scan:tokens/3 of OTP 25 over the scanner in src/term/erl-scan.ts:
 * text to the very token terms erl_scan makes (`{integer, Anno, 1}`, `{'(', Anno}`, `{dot, Anno}`),
 * for the shell to parse (parse.ts) and for an I/O server to answer `{get_until, unicode, Prompt,
 * erl_scan, tokens, [StartLocation]}` with.
 */
import { ErlScanner, type ScanFault, type ScanReason, type ScanToken } from '../term/erl-scan.js';
import { Atom, ErlFloat, tuple, type Term } from '../term/types.js';

/** A start location: a line, or `[Line, Column]` for `{Line, Column}` annotations. */
export type ScanLocation = number | readonly [number, number];

/** erl_scan's options that change the tokens: `text` annotates each token with its source text. */
export interface ScanOptions {
  text?: boolean;
}

/** erl_scan's continuation for scanTokens: the text read since the last dot, where it started, the options. Opaque. */
export interface ScanContinuation {
  readonly text: string;
  readonly line: number;
  readonly column: number | null;
  readonly options: ScanOptions;
}

/**
 * What scanTokens answers: `done` with `{ok, Tokens, EndLocation}`, `{eof, EndLocation}` or
 * `{error, ErrorInfo, EndLocation}` and the text after the dot (`'eof'` once the input ended), or
 * `more` with the continuation to pass back with the next text.
 */
export type ScanTokensResult = { done: Term; rest: string | 'eof' } | { more: ScanContinuation };

const a = Atom.of;

function location(line: number, column: number | null): Term {
  return column === null ? line : tuple(line, column);
}

/** An atom as the project's terms hold it: `true` and `false` are JS booleans. */
function atomTerm(name: string): Term {
  return name === 'true' ? true : name === 'false' ? false : a(name);
}

/**
 * One token as the term erl_scan makes of it; `text`: its source text, for the annotation
 * `[{text, Text}, {location, Location}]` that erl_scan's `text` option makes.
 */
export function tokenTerm(t: ScanToken, text?: string): Term {
  const loc = location(t.line, t.column);
  const anno = text === undefined ? loc : [tuple(a('text'), Array.from(text, (c) => c.codePointAt(0) as number)), tuple(a('location'), loc)];
  switch (t.category) {
    case 'integer':
    case 'char':
      return tuple(a(t.category), anno, t.value as number | bigint);
    case 'float': {
      const v = t.value as number;
      return tuple(a('float'), anno, Number.isInteger(v) ? new ErlFloat(v) : v);
    }
    case 'atom':
    case 'var':
      return tuple(a(t.category), anno, atomTerm(t.value as string));
    case 'string':
      return tuple(a('string'), anno, t.value as number[]);
    default:
      return tuple(a(t.category), anno);
  }
}

/** erl_scan's error descriptor. */
function reasonTerm(r: ScanReason): Term {
  switch (r.kind) {
    case 'string':
      return tuple(a('string'), r.quote, r.head);
    case 'illegal':
      return tuple(a('illegal'), a(r.what));
    case 'char':
      return a('char');
    case 'base':
      return tuple(a('base'), r.base);
  }
}

/** `{error, {Location, erl_scan, Descriptor}, EndLocation}`. */
function errorTerm(f: ScanFault): Term {
  const info = tuple(location(f.line, f.column), a('erl_scan'), reasonTerm(f.reason));
  return tuple(a('error'), info, location(f.endLine, f.endColumn));
}

function start(loc: ScanLocation): [number, number | null] {
  return typeof loc === 'number' ? [loc, null] : [loc[0], loc[1]];
}

/** The token term of a scanned token, with its text when the options ask for it. */
function tokenWith(scanner: ErlScanner, t: ScanToken, options: ScanOptions): Term {
  return tokenTerm(t, options.text === true ? scanner.textFrom(t.start, t.end) : undefined);
}

/**
 * erl_scan:string/3: all the tokens of `text`, as `{ok, Tokens, EndLocation}`, or
 * `{error, ErrorInfo, ErrorLocation}` at the first error.
 */
export function scanString(text: string, startLocation: ScanLocation = 1, options: ScanOptions = {}): Term {
  const [line, column] = start(startLocation);
  const scanner = new ErlScanner(text, true, line, column);
  const tokens: Term[] = [];
  for (;;) {
    const step = scanner.next();
    if (step.kind === 'token') tokens.push(tokenWith(scanner, step.token, options));
    else if (step.kind === 'error') return errorTerm(step.fault);
    else return tuple(a('ok'), tokens, location(scanner.line, scanner.column));
  }
}

/**
 * erl_scan:tokens/4: reads `chars` after what `continuation` (null at first) holds, up to and
 * including a dot. Pass `'eof'` as `chars` at the end of the input (so the text `eof` on its own,
 * without a line end, cannot be passed as chars). The start location and the
 * options count only when there is no continuation (as erl_scan keeps them in it).
 */
export function scanTokens(
  continuation: ScanContinuation | null,
  chars: string | 'eof',
  startLocation: ScanLocation = 1,
  scanOptions: ScanOptions = {},
): ScanTokensResult {
  const options = continuation?.options ?? scanOptions;
  const final = chars === 'eof';
  const text = (continuation?.text ?? '') + (final ? '' : chars);
  const [line, column] = continuation === null ? start(startLocation) : [continuation.line, continuation.column];
  const scanner = new ErlScanner(text, final, line, column);
  const tokens: Term[] = [];
  for (;;) {
    const step = scanner.next();
    if (step.kind === 'more') return { more: { text, line, column, options } };
    if (step.kind === 'error') {
      const rest = step.fault.rest;
      return { done: errorTerm(step.fault), rest: rest === 'eof' ? 'eof' : scanner.textFrom(rest) };
    }
    const end = location(scanner.line, scanner.column);
    if (step.kind === 'eof') {
      return { done: tokens.length === 0 ? tuple(a('eof'), end) : tuple(a('ok'), tokens, end), rest: 'eof' };
    }
    tokens.push(tokenWith(scanner, step.token, options));
    // A dot ends the tokens; at the end of the input erl_scan gives the rest as eof.
    if (step.token.category === 'dot') return { done: tuple(a('ok'), tokens, end), rest: final ? 'eof' : scanner.textFrom(scanner.position) };
  }
}
