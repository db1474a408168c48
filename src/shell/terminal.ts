/**
 * The terminal I/O server: the group leader of a shell, local or remote, as OTP's `group` process
 * is for erl's shell (kernel group.erl). Output requests are answered at once; input requests
 * (get_line, get_chars, get_until) wait in order for lines from {@link LineInput}.
 *
 * `get_until` names a module of the requesting node (`erl_scan` for a BEAM shell): this server
 * cannot run it, so it runs `io_lib:get_until/4` (what group.erl calls for each line) on the
 * requester's node through `applyFor`, carrying the scanner's continuation between lines.
 */
import { charsToString, ioFormat } from '../term/io-format.js';
import { Atom, atom, isList, isTuple, Pid, tuple, type Term, type Tuple } from '../term/types.js';
import { EOF, ERROR, IO_REPLY, IO_REQUEST, OK, UNICODE } from '../term/atoms.js';
import type { Process } from '../process/process.js';
import type { LineInput } from './line-input.js';
import { ioReply } from '../modules/user.js';
import { scanTokens, type ScanContinuation } from '../erlang/scan.js';
import { scanArgs } from '../erlang/get-until.js';

const BINARY = atom('binary');
const LIST = atom('list');
const ENOTSUP = atom('enotsup');
const INPUT_REQUESTS = new Set(['get_line', 'get_chars', 'get_until', 'get_password']);

/** What the terminal needs from outside. */
export interface TerminalOptions {
  input: LineInput;
  write(text: string): void;
  /** `M:F(Args)` on the node of `from` (rpc), for get_until; resolves to the result or `{badrpc, R}`. */
  applyFor(from: Pid, module: Atom, fn: Atom, args: Term[]): Promise<Term>;
  /** Input ended while a process was waiting for it (it gets `eof`). */
  onEof?(): void;
}

/** One terminal: its mode (setopts) and the characters left over from a get_until. */
class Terminal {
  private binary = false;
  /** Characters read but not consumed by the last get_until (`{stop, R, Rest}`), or the end of input. */
  private rest: string | null | undefined;
  private readonly queue: Array<{ from: Pid; replyAs: Term; request: Tuple }> = [];
  private busy = false;

  constructor(
    private readonly self: Process,
    private readonly options: TerminalOptions,
  ) {}

  /** Serves io_requests until the process ends. */
  async serve(): Promise<never> {
    for (;;) {
      const m = await this.self.receive();
      if (!isTuple(m) || m.length !== 4 || m[0] !== IO_REQUEST || !(m[1] instanceof Pid)) continue;
      const [from, replyAs, request] = [m[1], m[2]!, m[3]!];
      if (isInputRequest(request)) {
        this.queue.push({ from, replyAs, request });
        void this.drain();
      } else {
        this.self.send(from, tuple(IO_REPLY, replyAs, this.outputReply(request)));
      }
    }
  }

  /** Input requests one at a time, in arrival order, as group.erl queues them. */
  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const reply = await this.inputReply(next.from, next.request).catch((err: Error) => tuple(ERROR, Buffer.from(err.message)));
        this.self.send(next.from, tuple(IO_REPLY, next.replyAs, reply));
      }
    } finally {
      this.busy = false;
    }
  }

  private outputReply(request: Term): Term {
    if (request === atom('getopts')) return [tuple(BINARY, this.binary), tuple(atom('echo'), false), tuple(atom('encoding'), UNICODE)];
    if (!isTuple(request) || !(request[0] instanceof Atom)) return tuple(ERROR, atom('request'));
    switch (request[0].name) {
      case 'setopts':
        return this.setopts(request[1]!);
      case 'get_geometry': {
        const n = request[1] === atom('columns') ? this.options.input.columns : request[1] === atom('rows') ? this.options.input.rows : undefined;
        return n ?? tuple(ERROR, ENOTSUP);
      }
      case 'requests': {
        let last: Term = OK;
        for (const r of Array.isArray(request[1]) ? request[1] : []) {
          last = this.outputReply(r);
          if (isTuple(last) && last[0] === ERROR) break;
        }
        return last;
      }
      default:
        return ioReply(request, this.options.write); // put_chars in all its forms
    }
  }

  /** `io:setopts`: binary/list mode is kept; echo, encoding unicode and expand_fun are accepted and have no effect here. */
  private setopts(opts: Term): Term {
    const list = isList(opts) ? opts : [opts];
    let binary = this.binary;
    for (const o of list) {
      if (o === BINARY || o === LIST) binary = o === BINARY;
      else if (isTuple(o) && o.length === 2 && o[0] === BINARY && typeof o[1] === 'boolean') binary = o[1];
      else if (isTuple(o) && o.length === 2 && o[0] === atom('encoding') && o[1] === UNICODE) continue;
      else if (isTuple(o) && o.length === 2 && (o[0] === atom('echo') || o[0] === atom('expand_fun') || o[0] === atom('expand_below'))) continue;
      else return tuple(ERROR, ENOTSUP);
    }
    this.binary = binary;
    return OK;
  }

  private async inputReply(from: Pid, r: Tuple): Promise<Term> {
    // Before UNICODE_IO the encoding element is missing (otp-distribution.md §10): {get_line, Prompt}.
    const kind = (r[0] as Atom).name;
    const hasEnc = r[1] === UNICODE || r[1] === atom('latin1');
    const args = r.slice(hasEnc ? 2 : 1);
    switch (kind) {
      case 'get_line': {
        const line = await this.line(promptText(args[0]!));
        return line === null ? EOF : this.data(line);
      }
      case 'get_chars': {
        const n = args[1];
        if (typeof n !== 'number' || n < 0) return tuple(ERROR, atom('request'));
        let text = '';
        let prompt = promptText(args[0]!);
        while ([...text].length < n) {
          const line = await this.line(prompt);
          if (line === null) break;
          text += line;
          prompt = '';
        }
        if (text === '' && n > 0) return EOF;
        const chars = [...text];
        if (chars.length > n) this.rest = chars.slice(n).join('');
        return this.data(chars.slice(0, n).join(''));
      }
      case 'get_until':
        return this.getUntil(from, promptText(args[0]!), args[1]!, args[2]!, args[3]!);
      case 'requests': {
        let last: Term = OK;
        for (const q of Array.isArray(r[1]) ? r[1] : []) {
          last = isInputRequest(q) ? await this.inputReply(from, q) : this.outputReply(q);
          if (isTuple(last) && last[0] === ERROR) break;
        }
        return last;
      }
      default:
        return tuple(ERROR, ENOTSUP); // get_password: no hidden input here
    }
  }

  /**
   * Feeds lines to `io_lib:get_until(State, Chars, unicode, {M, F, As})` on the requester's node
   * until it says `{stop, Result, Rest}`, as group.erl does; the prompt shows before the first line only.
   */
  private async getUntil(from: Pid, prompt: string, m: Term, f: Term, as: Term): Promise<Term> {
    if (from.node === this.self.pid.node && m === atom('erl_scan') && f === atom('tokens')) return this.scanHere(prompt, as);
    let state: Term = atom('start');
    for (let p = prompt; ; p = '') {
      const line = await this.line(p);
      const chars = line === null ? EOF : this.data(line);
      const r = await this.options.applyFor(from, atom('io_lib'), atom('get_until'), [state, chars, UNICODE, tuple(m, f, as)]);
      if (isTuple(r) && r[0] === atom('badrpc')) return tuple(ERROR, r[1]!);
      if (isTuple(r) && r.length === 3 && r[0] === atom('stop')) {
        const rest = r[2]!;
        if (rest === EOF) this.rest = null;
        else if (Buffer.isBuffer(rest) ? rest.length > 0 : Array.isArray(rest) && rest.length > 0) this.rest = charsToString(rest, true);
        return r[1]!;
      }
      if (line === null) return EOF;
      state = r;
    }
  }

  /**
   * `get_until` with `erl_scan:tokens` for a process of this node (noderl's own Erlang shell): the
   * tokens are scanned here (src/erlang/scan.ts) line by line, as group.erl runs erl_scan.
   */
  private async scanHere(prompt: string, as: Term): Promise<Term> {
    const [start, options] = scanArgs(as);
    let continuation: ScanContinuation | null = null;
    for (let p = prompt; ; p = '') {
      const line = await this.line(p);
      const r = scanTokens(continuation, line ?? 'eof', start, options);
      if ('done' in r) {
        if (r.rest === 'eof') this.rest = null;
        else if (r.rest !== '') this.rest = r.rest;
        return r.done;
      }
      continuation = r.more;
    }
  }

  /** The next line with its newline: left-over characters first, else one read after `prompt`. */
  private async line(prompt: string): Promise<string | null> {
    if (this.rest !== undefined) {
      const rest = this.rest;
      this.rest = undefined;
      if (rest === null || rest.trim() !== '') {
        this.options.write(prompt); // group.erl shows the prompt before consuming what is buffered
        return rest;
      }
    }
    const line = await this.options.input.next(prompt);
    if (line === null) {
      this.options.onEof?.();
      return null;
    }
    return `${line}\n`;
  }

  /** Characters as the current mode returns them: a UTF-8 binary, or a list of code points. */
  private data(text: string): Term {
    return this.binary ? Buffer.from(text, 'utf8') : [...text].map((c) => c.codePointAt(0)!);
  }
}

function isInputRequest(r: Term): r is Tuple {
  if (!isTuple(r) || !(r[0] instanceof Atom)) return false;
  if (r[0].name === 'requests') return Array.isArray(r[1]) && r[1].some(isInputRequest);
  return INPUT_REQUESTS.has(r[0].name);
}

/** A prompt as io:request allows it: an atom, chardata, or `{format, Fmt, Args}` (group.erl's prompt_bytes). */
export function promptText(prompt: Term): string {
  try {
    if (prompt instanceof Atom) return prompt.name;
    if (isTuple(prompt) && prompt.length === 3 && prompt[0] === atom('format') && Array.isArray(prompt[2])) return ioFormat(prompt[1]!, prompt[2] as Term[]);
    return charsToString(prompt, true);
  } catch {
    return '';
  }
}

/** Runs the terminal I/O server in `self` (spawn it, then make it the shell's group leader). */
export function serveTerminal(self: Process, options: TerminalOptions): Promise<never> {
  return new Terminal(self, options).serve();
}
