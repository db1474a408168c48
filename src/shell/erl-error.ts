/**
 * How OTP 25's shell prints an exception: shell.erl's report_exception/4 calling
 * erl_error:format_exception/7 with the shell's stack trimmer (frames of erl_eval and shell at
 * the bottom go) and its term printer (io_lib_pretty at depth 30, 60 characters a line), after
 * the tag `** `. Each function here mirrors the erl_error function named on it.
 */
import { charsLength, atomName, ioLibWrite, writeAtom, type TextEncoding } from '../term/io-lib-write.js';
import { charsToString } from '../term/io-format.js';
import { isPrintableLatin1 } from '../term/format-text.js';
import { prettyPrint } from '../term/pretty.js';
import type { RecordFields } from '../term/pretty-measure.js';
import { ErlFun, ExportFun, Tuple, atom, isList, tuple, type Atom, type Term } from '../term/types.js';
import { isAutoImported } from '../erlang/bifs.js';
import { formatErrorInfo, type ErrorMap } from './error-info.js';

/** An exception's class. */
export type ExceptionClass = 'error' | 'exit' | 'throw';

/** Options of {@link formatShellException} and {@link shellPrint}. */
export interface ShellPrintOptions {
  /** The terminal's width (io:columns/0; 80 when it has none). */
  lineLength?: number;
  /** The shell's io encoding: `unicode` on a UTF-8 terminal, `latin1` otherwise (io:getopts/0). */
  encoding?: TextEncoding;
  /** The node whose pids print as `<0.N.M>`. */
  localNode?: Atom;
  /** The shell's record definitions (record_print_fun). */
  records?: RecordFields;
}

/** How the shell prints a term from `column` (shell.erl's pp/3): depth 30, 60 characters a line at most. */
export function shellPrint(term: Term, column = 1, options: ShellPrintOptions = {}): string {
  return prettyPrint(term, {
    column,
    lineLength: options.lineLength ?? 80,
    depth: 30,
    lineMaxChars: 60,
    encoding: options.encoding ?? 'unicode',
    localNode: options.localNode,
    records: options.records,
  });
}

/**
 * The whole text the shell prints for an exception it caught, from `** exception error: ` to the
 * newline. `stack` is the stacktrace list `[{M, F, ArityOrArgs, Location}]`.
 */
export function formatShellException(cls: ExceptionClass, reason: Term, stack: Term, options: ShellPrintOptions = {}): string {
  const tag = '** ';
  const body = formatException(tag.length + 1, cls, reason, stack, {
    trimFrame: (m) => m === 'erl_eval' || m === 'shell',
    printTerm: (t, col) => shellPrint(t, col, options),
    encoding: options.encoding ?? 'unicode',
  });
  return `${tag}${body}\n`;
}

/** The arguments of erl_error:format_exception/7 besides the exception itself. */
export interface FormatExceptionOptions {
  /** StackFun: true for a frame to drop, looked at from the bottom of the stack up. */
  trimFrame: (module: string, fn: string, arity: Term) => boolean;
  /** FormatFun: a term printed from a 1-based column. */
  printTerm: (term: Term, column: number) => string;
  encoding: TextEncoding;
}

/** A stack frame `{M, F, ArityOrArgs, Location}` taken apart. */
interface Frame {
  m: Term;
  f: Term;
  a: Term;
  info: Term[];
}

/** erl_error:format_exception/7 (without chars_limit): the text after the tag, without the final newline. */
export function formatException(column: number, cls: ExceptionClass, reason: Term, stack: Term, o: FormatExceptionOptions): string {
  const ctx: Ctx = { ...o, s: ' '.repeat(column - 1) };
  const { term, culprit, trace } = analyzeException(cls, reason, stack);
  const errors = extendedError(reason, trace);
  const st = formatStacktrace(ctx, trace, errors);
  const explanation = errors.get('reason') ?? explainReason(ctx, term, cls, culprit);
  const expl = exited(cls) + explanation;
  return st === '' ? expl : `${expl}\n${st}`;
}

interface Ctx extends FormatExceptionOptions {
  /** The indentation of the lines after the first (n_spaces(I - 1)). */
  s: string;
}

/** What analyze_exception/3 finds: the term to explain, the frame or shell command it names, the stack to list. */
type Culprit = { kind: 'none' } | { kind: 'frame'; frame: Frame } | { kind: 'shell'; f: Term; arity: number };

function analyzeException(cls: ExceptionClass, reason: Term, stack: Term): { term: Term; culprit: Culprit; trace: Frame[] } {
  const frames = asStacktrace(stack);
  if (!frames) return { term: tuple(reason, stack), culprit: { kind: 'none' }, trace: [] };
  const top = frames[0];
  const r = atomName(reason);
  if (cls === 'error' && top) {
    if (r === 'function_clause' && isList(top.a)) return { term: reason, culprit: { kind: 'frame', frame: top }, trace: frames.slice(1) };
    if (r === 'function_clause' && frames.length === 1 && atomName(top.m) === 'shell' && typeof top.a === 'number') {
      return { term: reason, culprit: { kind: 'shell', f: top.f, arity: top.a }, trace: [] };
    }
    if (r === 'undef') return { term: reason, culprit: { kind: 'frame', frame: top }, trace: frames.slice(1) };
  }
  return { term: reason, culprit: { kind: 'none' }, trace: frames };
}

/** is_stacktrace/1: a proper list of `{M, F, Arity | Args, Info}` with atoms M and F and a list Info. */
function asStacktrace(stack: Term): Frame[] | null {
  if (!isList(stack)) return null;
  const frames: Frame[] = [];
  for (const e of stack) {
    if (!(e instanceof Tuple) || e.length !== 4) return null;
    const [m, f, a, info] = e as unknown as [Term, Term, Term, Term];
    if (atomName(m) === null || atomName(f) === null || !isList(info)) return null;
    if (!(typeof a === 'number' && Number.isInteger(a)) && typeof a !== 'bigint' && !isList(a)) return null;
    frames.push({ m, f, a, info });
  }
  return frames;
}

/** get_extended_error/2: the explanations the top frame's `error_info` module gives. */
function extendedError(reason: Term, trace: Frame[]): ErrorMap {
  const top = trace[0];
  if (!top) return new Map();
  const errorInfo = keyFind(top.info, 'error_info');
  if (!(errorInfo instanceof Map)) return new Map();
  const get = (k: string): Term | undefined => (errorInfo as Map<Term, Term>).get(atom(k));
  const module = atomName(get('module') ?? top.m);
  const fn = atomName(get('function') ?? atom('format_error'));
  if (fn !== 'format_error' || module === null || !isList(top.a)) return new Map();
  const cause = atomName(get('cause') ?? atom('none')) ?? '';
  return formatErrorInfo(module, reason, { m: atomName(top.m)!, f: atomName(top.f)!, args: top.a, cause }) ?? new Map();
}

/** lists:keyfind(Key, 1, Info) for a location list: the value of `{Key, Value}`. */
function keyFind(info: Term[], key: string): Term | undefined {
  for (const e of info) if (e instanceof Tuple && e.length === 2 && atomName(e[0]) === key) return e[1];
  return undefined;
}

const exited = (cls: ExceptionClass): string => `exception ${cls}: `;
const countNl = (s: string): number => s.split('\n').length - 1;
const spaces = (n: number): string => ' '.repeat(n);

/** format_value/6: a value after its words, moved to its own line if that takes fewer lines. */
function formatValue(ctx: Ctx, v: Term, words: string, cls: ExceptionClass): string {
  const pre = exited(cls).length;
  const s1 = ctx.printTerm(v, pre + ctx.s.length + words.length + 1);
  const n1 = countNl(s1);
  if (n1 > 1) {
    const s2 = ctx.printTerm(v, ctx.s.length + 1 + pre);
    if (countNl(s2) < n1) return `${words}\n${ctx.s}${spaces(pre)}${s2}`;
  }
  return words + s1;
}

const VALUE_WORDS: { [tag: string]: string } = {
  badarg: 'bad argument: ',
  badkey: 'bad key: ',
  badmap: 'bad map: ',
  badfun: 'bad function ',
  badmatch: 'no match of right hand side value ',
  case_clause: 'no case clause matching ',
  try_clause: 'no try clause matching ',
  bad_filter: 'bad filter ',
  bad_generator: 'bad generator ',
};

const ATOM_WORDS: { [reason: string]: string } = {
  badarg: 'bad argument',
  badarith: 'an error occurred when evaluating an arithmetic expression',
  if_clause: 'no true branch found when evaluating an if expression',
  noproc: 'no such process or port',
  notalive: 'the node cannot be part of a distributed system',
  system_limit: 'a system limit has been reached',
  timeout_value: 'bad receive timeout value',
};

/** explain_reason/7: erl_error's words for the reasons of ERTS and erl_eval, else the term printed. */
function explainReason(ctx: Ctx, term: Term, cls: ExceptionClass, culprit: Culprit): string {
  if (cls === 'error' && culprit.kind === 'none') {
    const name = atomName(term);
    if (name !== null && ATOM_WORDS[name] !== undefined) return ATOM_WORDS[name]!;
    if (term instanceof Tuple && term.length === 2) {
      const tag = atomName(term[0]);
      const v = term[1] as Term;
      if (tag !== null && VALUE_WORDS[tag] !== undefined) return formatValue(ctx, v, VALUE_WORDS[tag]!, cls);
      if (tag === 'badarity' && v instanceof Tuple && v.length === 2 && isFun(v[0] as Term) && isList(v[1])) {
        return `${formatFun(v[0] as ErlFun | ExportFun, ctx.encoding)} called with ${argss((v[1] as Term[]).length)}`;
      }
      if (tag === 'unbound') return `variable ${ioLibWrite(v, -1, { encoding: 'latin1' })} is unbound`;
      if (tag === 'argument_limit') return 'limit of number of arguments to interpreted function exceeded';
    }
    // A local call the shell does not know (the shell's own frame is trimmed from the stack).
    if (term instanceof Tuple && term.length === 4 && atomName(term[0]) === 'shell_undef' && atomName(term[1] as Term) !== null) {
      return `undefined shell command ${writeAtom(atomName(term[1] as Term)!, ctx.encoding)}/${nArgs(term[2] as Term)}`;
    }
  }
  if (cls === 'error' && atomName(term) === 'function_clause') {
    if (culprit.kind === 'shell') return `no function clause matching call to ${writeAtom(atomName(culprit.f)!, 'latin1')}/${culprit.arity}`;
    if (culprit.kind === 'frame' && isList(culprit.frame.a)) {
      const { m, f, a, info } = culprit.frame;
      const pre = ctx.s + spaces(exited(cls).length);
      return `${formatCall(ctx, 'no function clause matching ', pre, m, f, a)} ${location(info)}`;
    }
  }
  if (cls === 'error' && atomName(term) === 'undef' && culprit.kind === 'frame') {
    const { m, f, a } = culprit.frame;
    return `undefined function ${mfaToString(m, f, nArgs(a), ctx.encoding)}`;
  }
  return ctx.printTerm(term, ctx.s.length + 1 + exited(cls).length);
}

const isFun = (t: Term): boolean => t instanceof ErlFun || t instanceof ExportFun;
const nArgs = (a: Term): number => (isList(a) ? a.length : Number(a));

/** argss/1. */
function argss(n: number): string {
  return n === 0 ? 'no arguments' : n === 1 ? 'one argument' : n === 2 ? 'two arguments' : `${n} arguments`;
}

/** format_fun/2: an erl_eval fun is "interpreted function with arity N". */
function formatFun(fun: ErlFun | ExportFun, enc: TextEncoding): string {
  if (fun instanceof ExportFun) return mfaToString(fun.module, fun.name, fun.arity, enc);
  if (fun.module.name === 'erl_eval') return `interpreted function with arity ${fun.arity}`;
  // OTP names the fun by its compiler-made name ('-f/1-fun-0-'), which noderl's ErlFun does not keep.
  return `#Fun<${writeAtom(fun.module.name, 'latin1')}.${fun.index}.${fun.oldUniq}>`;
}

/** erl_internal:op_type/2: the operators, by arity. */
const OPERATORS: { [arity: number]: Set<string> } = {
  1: new Set(['+', '-', 'bnot', 'not']),
  2: new Set(['+', '-', '*', '/', 'div', 'rem', 'band', 'bor', 'bxor', 'bsl', 'bsr', 'and', 'or', 'xor', '==', '/=', '=<', '<', '>=', '>', '=:=', '=/=', '++', '--', '!']),
};

/** is_op/2: the operator an `erlang` function is, or null. */
function operatorOf(m: Term, f: Term, arity: number): string | null {
  const fn = atomName(f);
  return atomName(m) === 'erlang' && fn !== null && OPERATORS[arity]?.has(fn) ? fn : null;
}

/** mfa_to_string/4: `lists:nth/2`, an auto-imported BIF as `element/2`, an operator as `+/2` (but `'/'/2`). */
function mfaToString(m: Term, f: Term, arity: number, enc: TextEncoding): string {
  return `${mfToString(m, f, arity, enc)}/${arity}`;
}

function mfToString(m: Term, f: Term, arity: number, enc: TextEncoding): string {
  const fn = atomName(f)!;
  if (atomName(m) === 'erlang' && isAutoImported(fn, arity)) return writeAtom(fn, 'latin1');
  const op = operatorOf(m, f, arity);
  if (op === '/') return "'/'";
  if (op !== null) return op;
  return `${writeAtom(atomName(m)!, 'latin1')}:${writeAtom(fn, enc)}`;
}

/** location/1: `(lists.erl, line 198)` when the frame has both a file and a line. */
function location(info: Term[]): string {
  const file = keyFind(info, 'file');
  const line = keyFind(info, 'line');
  if (file === undefined || line === undefined) return '';
  return `(${charsToString(file, true)}, line ${String(line)})`;
}

/** format_stacktrace1/8 and format_stacktrace2/8: the frames left after trimming, one `in ...` each. */
function formatStacktrace(ctx: Ctx, trace: Frame[], errors: ErrorMap): string {
  let end = trace.length;
  while (end > 0 && ctx.trimFrame(atomName(trace[end - 1]!.m)!, atomName(trace[end - 1]!.f)!, trace[end - 1]!.a)) end--;
  const s = '  ' + ctx.s;
  const out: string[] = [];
  trace.slice(0, end).forEach(({ m, f, a, info }, i) => {
    const sep = i === 0 ? s : '\n' + s;
    const arity = nArgs(a);
    const origin = i > 0 ? 'in call from' : operatorOf(m, f, arity) !== null ? 'in operator ' : 'in function ';
    const argErrors = i === 0 ? formatArgErrors(errors, arity, sep) : '';
    const mfa = mfaToString(m, f, arity, ctx.encoding);
    if (!isList(a)) {
      out.push(`${sep}${origin} ${mfa} ${location(info)}${argErrors}`);
    } else {
      const calledAs = s + '   called as ';
      out.push(`${sep}${origin} ${mfa}\n${calledAs}${formatCall(ctx, '', calledAs, m, f, a)}${argErrors}`);
    }
  });
  return out.join('');
}

/** call_format_error/3 and format_arg_errors/3: `*** argument N: ...` lines, then `*** general`. */
function formatArgErrors(errors: ErrorMap, arity: number, sep: string): string {
  const lines: string[] = [];
  for (let n = 1; n <= arity; n++) {
    const err = errors.get(n);
    if (err === undefined) continue;
    const [first = '', ...rest] = err.split(/[\r\n]+/).filter((l) => l !== '');
    const head = `*** argument ${n}: `;
    lines.push(head + first, ...rest.map((l) => spaces(head.length) + l));
  }
  const general = errors.get('general');
  if (general !== undefined) lines.push(`*** ${general}`);
  return lines.map((l) => `\n${sep}   ${l}`).join('');
}

/** format_call/7: `F(Args)` or an operator expression, moved below when that takes fewer lines. */
function formatCall(ctx: Ctx, words: string, pre: string, m: Term, f: Term, args: Term[]): string {
  const op = operatorOf(m, f, args.length);
  if (op !== null) return words + formatOp(ctx, words, pre, op, args);
  const mfs = mfToString(m, f, args.length, ctx.encoding);
  const i1 = charsLength(pre + words + mfs);
  const s1 = ppArguments(ctx, args, i1);
  const s2 = ppArguments(ctx, args, charsLength(pre + mfs));
  const s3 = ppArguments(ctx, [atom('a2345'), atom('b2345')], i1);
  const long = countNl(s3) > 0;
  return words + (long || countNl(s2) < countNl(s1) ? `\n${pre}${mfs}${s2}` : mfs + s1);
}

/** format_op/7: `- a`, `1 + a`, or the operands on lines of their own when the first is long. */
function formatOp(ctx: Ctx, words: string, pre: string, op: string, args: Term[]): string {
  if (args.length === 1) {
    const opS = `${op} `;
    return opS + ctx.printTerm(args[0]!, charsLength(words + pre + opS) + 1);
  }
  const i1 = charsLength(words + pre);
  const s1 = ctx.printTerm(args[0]!, i1 + 1);
  const s2 = ctx.printTerm(args[1]!, i1 + 1);
  const pre1 = '\n' + spaces(i1);
  const stacked = `${s1}${pre1}${op}${pre1}${s2}`;
  if (countNl(s1) > 0) return stacked;
  const opS2 = ` ${op} `;
  const s22 = ctx.printTerm(args[1]!, charsLength(words + pre + opS2) + charsLength(s1) + 1);
  return countNl(s2) < countNl(s22) ? stacked : s1 + opS2 + s22;
}

/**
 * pp_arguments/5: the argument list printed as a list, its brackets made parentheses. A list that
 * would print as a string has its first element printed as an atom of the same width, then put back.
 */
function ppArguments(ctx: Ctx, args: Term[], column: number): string {
  let s: string;
  const first = args[0];
  if (typeof first === 'number' && args.every((c) => typeof c === 'number' && Number.isInteger(c) && isPrintableLatin1(c))) {
    const digits = String(first);
    const printed = ctx.printTerm([atom('a'.repeat(digits.length)), ...args.slice(1)], column + 1);
    s = '[' + digits + [...printed].slice(1 + digits.length).join('');
  } else {
    s = ctx.printTerm(args, column + 1);
  }
  return `(${s.slice(1, -1)})`;
}
