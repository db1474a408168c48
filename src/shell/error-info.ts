/**
 * The argument explanations (`*** argument 1: not an atom`) that erl_error asks of the module a
 * stack frame's `error_info` names: OTP 25's erl_erts_errors:format_error/2 for the common
 * `erlang` BIFs and erl_stdlib_errors:format_error/2 for `maps` and the `lists` BIFs. A BIF not
 * ported here gets no explanation, as OTP gives none for a function it has no clause for.
 */
import { atomName, bitstringOf, mapEntries } from '../term/io-lib-write.js';
import { ErlFun, ExportFun, ImproperList, Pid, Tuple, isList, type Term } from '../term/types.js';

/** What format_error/2 returns: texts by argument number, and `general` or `reason` texts. */
export type ErrorMap = Map<number | 'general' | 'reason', string>;

/** One argument's problem: an error code of expand_error/1, a text, or none (''). */
type ArgError = string;

const TEXTS: { [code: string]: string } = {
  bad_base: 'not an integer in the range 2 through 36',
  bad_destination: 'invalid destination',
  bad_encode_option: 'not one of the atoms: latin1, utf8, or unicode',
  bad_ext_term: 'invalid external representation of a term',
  bad_or_unsafe_ext_term: 'invalid or unsafe external representation of a term',
  bad_option: 'invalid option in list',
  bad_unicode: 'invalid UTF8 encoding',
  bad_iterator: 'not a valid iterator',
  dead_process: 'the pid does not refer to an existing process',
  non_existing_atom: 'not an already existing atom',
  not_atom: 'not an atom',
  not_binary: 'not a binary',
  not_bitstring: 'not a bitstring',
  not_cons: 'not a nonempty list',
  not_float: 'not a float',
  not_fun: 'not a fun',
  not_integer: 'not an integer',
  not_iodata: 'not an iodata term',
  not_iolist: 'not an iolist term',
  not_list: 'not a list',
  not_map: 'not a map',
  not_map_or_iterator: 'not a map or an iterator',
  not_number: 'not a number',
  not_pid: 'not a pid',
  not_proper_list: 'not a proper list',
  not_string: 'not a list of characters',
  not_tuple: 'not a tuple',
  range: 'out of range',
  'not_fun/1': 'not a fun that takes one argument',
  'not_fun/2': 'not a fun that takes two arguments',
  'not_fun/3': 'not a fun that takes three arguments',
  'encodable:a float': 'not a textual representation of a float',
  'encodable:an integer': 'not a textual representation of an integer',
  'encodable:a pid': 'not a textual representation of a pid',
};

/** format_error_map/3: the non-empty entries by argument number, each expanded to its text. */
function errorMap(errors: ArgError[]): ErrorMap {
  const map: ErrorMap = new Map();
  errors.forEach((e, i) => {
    if (e !== '') map.set(i + 1, TEXTS[e] ?? e);
  });
  return map;
}

// ---- the must_be_* checks of both modules ----

const isInt = (x: Term): boolean => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint';
const isAtom = (x: Term): boolean => atomName(x) !== null;
const isBinary = (x: Term): boolean => Buffer.isBuffer(x) || typeof x === 'string';
const isMap = (x: Term): boolean => !(x instanceof Tuple) && mapEntries(x) !== null;
const isFun = (x: Term): boolean => x instanceof ErlFun || x instanceof ExportFun;
const funArity = (x: Term): number => (x instanceof ErlFun || x instanceof ExportFun ? x.arity : -1);
const isAnyList = (x: Term): boolean => (Array.isArray(x) && !(x instanceof Tuple)) || x instanceof ImproperList;

const mustBeAtom = (x: Term): ArgError => (isAtom(x) ? '' : 'not_atom');
const mustBeBinary = (x: Term, ok: ArgError = ''): ArgError => (isBinary(x) ? ok : 'not_binary');
const mustBeInt = (x: Term, min = -Infinity, max = Infinity): ArgError => (!isInt(x) ? 'not_integer' : Number(x) < min || Number(x) > max ? 'range' : '');
const mustBeBase = (x: Term): ArgError => (isInt(x) && Number(x) >= 2 && Number(x) <= 36 ? '' : 'bad_base');
/** must_be_list/2: a proper list gives `ok`, an improper one not_proper_list. */
const mustBeList = (x: Term, ok: ArgError = ''): ArgError => (!isAnyList(x) ? 'not_list' : x instanceof ImproperList ? 'not_proper_list' : ok);
const mustBeMap = (x: Term): ArgError => (isMap(x) ? '' : 'not_map');
const mustBeFun = (x: Term, arity: number): ArgError => (isFun(x) && funArity(x) === arity ? '' : `not_fun/${arity}`);
const mustBeTuple = (x: Term): ArgError => (x instanceof Tuple ? '' : 'not_tuple');
/** list_to_something/2: a proper list gives `error`, anything else not_list. */
const listToSomething = (x: Term, error: ArgError): ArgError[] => [isAnyList(x) && !(x instanceof ImproperList) ? error : 'not_list'];

/** erl_erts_errors' clause for element/2, shared by setelement, insert_element and delete_element. */
function elementErrors(index: Term, t: Term): ArgError[] {
  // OTP's guard `Index =< 0; Index > tuple_size(Tuple)`: tuple_size of a non-tuple fails that alternative.
  const outside = Number(index) <= 0 || (t instanceof Tuple && Number(index) > t.length);
  return [!isInt(index) ? 'not_integer' : outside ? 'range' : '', mustBeTuple(t)];
}

function binaryToListErrors(bin: Term, start: Term, stop: Term): ArgError[] {
  const errors = [mustBeBinary(bin), mustBeInt(start, 1), mustBeInt(stop, 1)];
  if (errors.some((e) => e !== '')) return errors;
  const size = bitstringOf(bin)!.bytes.length;
  if (Number(start) > Number(stop)) return ['', 'start position greater than stop position'];
  return ['', Number(start) > size ? 'range' : '', Number(stop) > size ? 'range' : ''];
}

function atomToBinaryErrors(a: Term, enc: Term): ArgError[] {
  const encName = atomName(enc);
  return [
    !isAtom(a) ? 'not_atom' : encName === 'latin1' ? 'contains a character not expressible in latin1' : '',
    encName === 'latin1' || encName === 'unicode' || encName === 'utf8' ? '' : 'is an invalid encoding option',
  ];
}

function binaryToAtomErrors(bin: Term, name: string | null, defaultError: ArgError): ArgError[] {
  if (name === 'latin1') return [mustBeBinary(bin, defaultError)];
  if (name === 'unicode' || name === 'utf8') {
    if (!isBinary(bin)) return ['not_binary'];
    const bytes = bitstringOf(bin)!.bytes;
    return [Buffer.from(Buffer.from(bytes).toString('utf8'), 'utf8').equals(Buffer.from(bytes)) ? 'non_existing_atom' : 'bad_unicode'];
  }
  return [mustBeBinary(bin), 'bad_encode_option'];
}

type Explainer = (args: Term[], cause: string) => ArgError[];

/** erl_erts_errors:format_erlang_error/3, by `name/arity`: the BIFs noderl has, or that the shell meets most. */
const ERLANG: { [fa: string]: Explainer } = {
  'abs/1': () => ['not_number'],
  'atom_to_binary/1': () => ['not_atom'],
  'atom_to_binary/2': ([a, e]) => atomToBinaryErrors(a!, e!),
  'atom_to_list/1': () => ['not_atom'],
  'append_element/2': () => ['not_tuple'],
  'apply/3': ([m, f, a]) => [mustBeAtom(m!), mustBeAtom(f!), mustBeList(a!)],
  'binary_to_atom/1': ([b]) => binaryToAtomErrors(b!, 'utf8', ''),
  'binary_to_atom/2': ([b, e]) => binaryToAtomErrors(b!, atomName(e!), ''),
  'binary_to_existing_atom/1': ([b]) => binaryToAtomErrors(b!, 'utf8', 'non_existing_atom'),
  'binary_to_existing_atom/2': ([b, e]) => binaryToAtomErrors(b!, atomName(e!), 'non_existing_atom'),
  'binary_to_float/1': ([b]) => [mustBeBinary(b!, 'encodable:a float')],
  'binary_to_integer/1': ([b]) => [mustBeBinary(b!, 'encodable:an integer')],
  'binary_to_integer/2': ([b, base]) => (mustBeBase(base!) === '' ? [mustBeBinary(b!, 'encodable:an integer')] : [mustBeBinary(b!), 'bad_base']),
  'binary_to_list/1': () => ['not_binary'],
  'binary_to_list/3': ([b, s, e]) => binaryToListErrors(b!, s!, e!),
  'binary_to_term/1': ([b]) => [mustBeBinary(b!, 'bad_ext_term')],
  'bitstring_to_list/1': () => ['not_bitstring'],
  'bit_size/1': () => ['not_bitstring'],
  'byte_size/1': () => ['not_bitstring'],
  'ceil/1': () => ['not_number'],
  'delete_element/2': ([i, t]) => elementErrors(i!, t!),
  'element/2': ([i, t]) => elementErrors(i!, t!),
  'exit/2': () => ['not_pid'],
  'float/1': () => ['not_number'],
  'float_to_binary/1': () => ['not_float'],
  'float_to_list/1': () => ['not_float'],
  'floor/1': () => ['not_number'],
  'fun_to_list/1': () => ['not_fun'],
  'hd/1': () => ['not_cons'],
  'insert_element/3': ([i, t]) => elementErrors(i!, t!),
  'integer_to_binary/1': () => ['not_integer'],
  'integer_to_binary/2': ([i, b]) => [isInt(i!) ? '' : 'not_integer', mustBeBase(b!)],
  'integer_to_list/1': () => ['not_integer'],
  'integer_to_list/2': ([i, b]) => [isInt(i!) ? '' : 'not_integer', mustBeBase(b!)],
  'iolist_size/1': () => ['not_iodata'],
  'iolist_to_binary/1': () => ['not_iodata'],
  'is_map_key/2': () => ['', 'not_map'],
  'is_process_alive/1': () => ['not_pid'],
  'length/1': () => ['not_list'],
  'link/1': ([p]) => [p instanceof Pid ? 'dead_process' : 'not_pid'],
  'list_to_atom/1': ([l]) => [mustBeList(l!, 'not_string')],
  'list_to_existing_atom/1': ([l]) => [isFlatCharList(l!) ? 'non_existing_atom' : mustBeList(l!, 'not_string')],
  'list_to_binary/1': () => ['not_iolist'],
  'list_to_float/1': ([l]) => listToSomething(l!, 'encodable:a float'),
  'list_to_integer/1': ([l]) => listToSomething(l!, 'encodable:an integer'),
  'list_to_integer/2': ([l, b]) => (mustBeBase(b!) === '' ? [mustBeList(l!, 'encodable:an integer')] : [mustBeList(l!), 'bad_base']),
  'list_to_pid/1': ([l]) => listToSomething(l!, 'encodable:a pid'),
  'list_to_tuple/1': () => ['not_list'],
  'make_tuple/2': () => ['range'],
  'map_size/1': () => ['not_map'],
  'map_get/2': ([, m]) => (isMap(m!) ? ['not present in map'] : ['', 'not_map']),
  'node/1': () => ['not_pid'],
  'pid_to_list/1': () => ['not_pid'],
  'round/1': () => ['not_number'],
  'send/2': () => ['bad_destination'],
  'setelement/3': ([i, t]) => elementErrors(i!, t!),
  'size/1': () => ['not tuple or binary'],
  'tuple_size/1': () => ['not_tuple'],
  'tl/1': () => ['not_cons'],
  'trunc/1': () => ['not_number'],
  'tuple_to_list/1': () => ['not_tuple'],
  'unlink/1': () => ['not_pid'],
  'unregister/1': () => ['not_pid'],
  'whereis/1': () => ['not_atom'],
};

/** erl_stdlib_errors:format_maps_error/2 and format_lists_error/2. */
const STDLIB: { [mfa: string]: Explainer } = {
  'maps:filter/2': ([f, m]) => [mustBeFun(f!, 2), mustBeMapOrIter(m!)],
  'maps:filtermap/2': ([f, m]) => [mustBeFun(f!, 2), mustBeMapOrIter(m!)],
  'maps:foreach/2': ([f, m]) => [mustBeFun(f!, 2), mustBeMapOrIter(m!)],
  'maps:map/2': ([f, m]) => [mustBeFun(f!, 2), mustBeMapOrIter(m!)],
  'maps:find/2': () => ['', 'not_map'],
  'maps:fold/3': ([f, , m]) => [mustBeFun(f!, 3), '', mustBeMapOrIter(m!)],
  'maps:from_keys/2': ([l]) => [mustBeList(l!)],
  'maps:from_list/1': ([l]) => [mustBeList(l!)],
  'maps:get/2': ([, m]) => (isMap(m!) ? ['not present in map'] : ['', 'not_map']),
  'maps:get/3': () => ['', 'not_map'],
  'maps:intersect/2': ([a, b]) => [mustBeMap(a!), mustBeMap(b!)],
  'maps:is_key/2': () => ['', 'not_map'],
  'maps:iterator/1': () => ['not_map'],
  'maps:keys/1': () => ['not_map'],
  'maps:merge/2': ([a, b]) => [mustBeMap(a!), mustBeMap(b!)],
  'maps:put/3': () => ['', '', 'not_map'],
  'maps:next/1': () => ['bad_iterator'],
  'maps:remove/2': () => ['', 'not_map'],
  'maps:size/1': () => ['not_map'],
  'maps:take/2': () => ['', 'not_map'],
  'maps:to_list/1': () => ['not_map'],
  'maps:update/3': () => ['', '', 'not_map'],
  'maps:update_with/3': ([, f, m]) => ['', mustBeFun(f!, 1), mustBeMap(m!)],
  'maps:update_with/4': ([, f, , m]) => ['', mustBeFun(f!, 1), '', mustBeMap(m!)],
  'maps:values/1': () => ['not_map'],
  'maps:with/2': ([l, m]) => [mustBeList(l!), mustBeMap(m!)],
  'maps:without/2': ([l, m]) => [mustBeList(l!), mustBeMap(m!)],
  'lists:keyfind/3': ([, pos, l]) => ['', !isInt(pos!) ? 'not_integer' : Number(pos) < 1 ? 'range' : '', mustBeList(l!)],
  'lists:keymember/3': ([, pos, l]) => ['', !isInt(pos!) ? 'not_integer' : Number(pos) < 1 ? 'range' : '', mustBeList(l!)],
  'lists:keysearch/3': ([, pos, l]) => ['', !isInt(pos!) ? 'not_integer' : Number(pos) < 1 ? 'range' : '', mustBeList(l!)],
  'lists:member/2': ([, l]) => ['', mustBeList(l!)],
  'lists:reverse/2': ([l]) => [mustBeList(l!)],
  'lists:seq/3': ([first, last, inc]) => seqErrors(first!, last!, inc!),
};

/** format_lists_error(seq, ...): which of the three is not an integer, else which way the increment fails. */
function seqErrors(first: Term, last: Term, inc: Term): ArgError[] {
  const errors = [first, last, inc].map((x) => (isInt(x) ? '' : 'not_integer'));
  if (errors.some((e) => e !== '')) return errors;
  const [f, l, i] = [first, last, inc].map((x) => BigInt(x as number | bigint)) as [bigint, bigint, bigint];
  if (i <= 0n && f - i <= l) return ['', '', 'not a positive increment'];
  if (i >= 0n && f - i >= l) return ['', '', 'not a negative increment'];
  return ['', '', ''];
}

/** must_be_map_or_iter/1, for what noderl has: a map, or a maps iterator (which noderl does not make). */
const mustBeMapOrIter = (x: Term): ArgError => (isMap(x) ? '' : 'not_map_or_iterator');

/** is_flat_char_list/1: a proper list of integers that are Unicode scalar values. */
function isFlatCharList(x: Term): boolean {
  return isList(x) && x.every((c) => isInt(c) && Number(c) >= 0 && Number(c) <= 0x10ffff && !(Number(c) >= 0xd800 && Number(c) <= 0xdfff));
}

/**
 * What `Module:format_error(Reason, Stack)` gives for a frame whose `error_info` names
 * erl_erts_errors or erl_stdlib_errors (with `cause` from the same map), or null for a module
 * not ported (OTP would call that module's own format_error).
 */
export function formatErrorInfo(module: string, reason: Term, frame: { m: string; f: string; args: Term[]; cause: string }): ErrorMap | null {
  const { m, f, args, cause } = frame;
  if (module === 'erl_erts_errors') {
    if (m !== 'erlang' || atomName(reason) === 'system_limit') return new Map();
    return errorMap(ERLANG[`${f}/${args.length}`]?.(args, cause) ?? []);
  }
  if (module === 'erl_stdlib_errors') return errorMap(STDLIB[`${m}:${f}/${args.length}`]?.(args, cause) ?? []);
  return null;
}

