/**
 * A gen_server as a noderl process (OTP's `gen_server.erl`, the parts a peer can see): it answers
 * `{'$gen_call', {Pid, Tag}, Request}` with `{Tag, Reply}`, takes `{'$gen_cast', Msg}` and every
 * other message, and ends with the reason a callback gives. A BEAM node calls it with
 * `gen_server:call({Name, Node}, Req)` and `gen_server:cast/2` and sees what it sees with a BEAM
 * server: the reply, `{noproc, …}` when it is not there, `{Reason, …}` when it died mid-call.
 * A server named `{ global: term }` is registered in `global` (gen.erl's `{global, Name}`), so
 * `gen_server:call({global, Name}, Req)` from any node of the cluster reaches it.
 *
 *   const pid = await node.startGenServer({
 *     init: () => 0,
 *     handleCall: (req, from, n) => ({ reply: n, state: n }),
 *     handleCast: (msg, n) => ({ noreply: true, state: n + 1 }),
 *   }, { name: 'counter' });
 */
import { Atom, atom, ImproperList, isList, isTuple, Pid, Ref, tuple, type Term, type TermInput } from '../term/types.js';
import { format } from '../term/format.js';
import { SENT, type Process } from '../process/process.js';
import { exitReasonOf, ProcessExit } from '../process/exceptions.js';
import { handedOver } from '../process/mailbox.js';
import { ALIAS, GEN_CALL, GEN_CAST } from '../term/atoms.js';

/** Who made a call: reply to it with `from.reply(value)` or {@link reply}, now or later (a deferred reply). */
export interface From {
  readonly pid: Pid;
  /** The caller's tag: `[alias|Ref]` from OTP 24+ and noderl, a plain ref from older callers. */
  readonly tag: Term;
  /**
   * `gen_server:reply(From, Value)`, sent by the server process. Resolves at once, or once the
   * connection to the caller's node is no longer busy (as `self.send`).
   */
  reply(value: TermInput): Promise<void>;
}

/** What `handleCall` returns: `{reply, R, S}`, `{noreply, S}` (reply later with `from.reply`), `{stop, Reason, [Reply,] S}`. */
export type CallResult<S> = { reply: TermInput; state: S } | { noreply: true; state: S } | { stop: Term; reply?: TermInput; state: S };
/** What `handleCast` and `handleInfo` return: `{noreply, S}` or `{stop, Reason, S}`. */
export type NoReplyResult<S> = { noreply: true; state: S } | { stop: Term; state: S };

type Maybe<T> = T | Promise<T>;

/** The callbacks of a server; each gets the server process last, for sends, monitors and calls of its own. */
export interface GenServerSpec<S> {
  /** The first state; throwing makes the start fail with that reason. */
  init(self: Process): Maybe<S>;
  /** A call; without it, a call stops the server with `{bad_call, Request}`. */
  handleCall?(request: Term, from: From, state: S, self: Process): Maybe<CallResult<S>>;
  /** A cast; without it casts are ignored. */
  handleCast?(message: Term, state: S, self: Process): Maybe<NoReplyResult<S>>;
  /** Any other message; without it they are dropped (OTP logs them and drops them). */
  handleInfo?(message: Term, state: S, self: Process): Maybe<NoReplyResult<S>>;
  /** Runs when a callback asked to stop or threw, with the reason the process then ends with. */
  terminate?(reason: Term, state: S, self: Process): Maybe<void>;
}

/** `{global, Name}`: a name in `global`'s cluster-wide registry, for `startGenServer` and `node.call`. */
export interface GlobalName {
  readonly global: TermInput;
}

/** True for a `{ global: name }` object (and for no other destination or term). */
export function isGlobalName(x: unknown): x is GlobalName {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype && 'global' in x;
}

export interface GenServerOptions {
  /**
   * Registers the server before `init` runs: a string or atom is `{local, Name}`;
   * `{ global: term }` is `{global, Name}`, registered through `global` (the host's
   * `globalNames`), whose entry goes when the server ends, as global drops a dead process's name.
   */
  name?: string | Atom | GlobalName;
}

/** A server could not start: its name is taken (`{already_started, Pid}`) or `init` failed (`reason`). */
export class GenServerStartError extends Error {
  constructor(readonly reason: Term) {
    super(`gen_server did not start: ${format(reason)}`);
    this.name = 'GenServerStartError';
  }
}

/** The part of `global` a server with a global name uses (a node's `node.global`). */
export interface GlobalNames {
  registerName(name: Term, pid: Pid): Promise<'yes' | 'no'>;
  whereisName(name: Term): Pid | undefined;
  unregisterName(name: Term): Promise<void>;
}

/** What starting a server needs from its node. */
export interface ServerHost {
  spawn(fn: (self: Process) => unknown): Pid;
  register(name: string | Atom, pid: Pid): boolean;
  whereis(name: string | Atom): Pid | undefined;
  /** global's registry: needed only for `{ global: name }` names. */
  readonly globalNames?: GlobalNames;
}

/** `gen_server:start/3,4`: resolves to the pid once `init` returned. */
export function startGenServer<S>(host: ServerHost, spec: GenServerSpec<S>, options: GenServerOptions = {}): Promise<Pid> {
  const name = options.name;
  if (isGlobalName(name)) return startGloballyNamed(host, spec, handedOver(name.global));
  if (name !== undefined) {
    const holder = host.whereis(name);
    if (holder) return Promise.reject(new GenServerStartError(tuple(atom('already_started'), holder)));
  }
  return new Promise((resolve, reject) => {
    const pid = host.spawn((self) => initAndServe(self, spec, resolve, reject));
    if (name !== undefined) host.register(name, pid); // before init runs, as gen_server registers in init_it
  });
}

/** `init`, then the loop; a failed `init` runs `undo` (the name goes) before the start rejects. */
async function initAndServe<S>(self: Process, spec: GenServerSpec<S>, resolve: (pid: Pid) => void, reject: (err: Error) => void, undo?: () => Promise<void>): Promise<void> {
  let state: S;
  try {
    state = await spec.init(self);
  } catch (err) {
    await undo?.();
    reject(new GenServerStartError(exitReasonOf(err)));
    throw err;
  }
  resolve(self.pid);
  await serve(self, spec, state);
}

/**
 * A server named `{global, Name}`, as gen.erl's `init_it` does it: registered by the new process
 * itself before `init` (`{already_started, Pid}` when the name is taken, checked first as
 * `gen:start` does), and unregistered before the start fails when `init` throws.
 */
function startGloballyNamed<S>(host: ServerHost, spec: GenServerSpec<S>, name: Term): Promise<Pid> {
  const names = host.globalNames;
  if (!names) return Promise.reject(new GenServerStartError(tuple(atom('global_unavailable'), name)));
  const holder = names.whereisName(name);
  if (holder) return Promise.reject(new GenServerStartError(tuple(atom('already_started'), holder)));
  return new Promise((resolve, reject) => {
    host.spawn(async (self) => {
      if ((await names.registerName(name, self.pid)) === 'no') {
        reject(new GenServerStartError(tuple(atom('already_started'), names.whereisName(name) ?? atom('undefined'))));
        return;
      }
      await initAndServe(self, spec, resolve, reject, () => names.unregisterName(name));
    });
  });
}

/** `gen_server:reply(From, Value)`. */
export function reply(from: From, value: TermInput): Promise<void> {
  return from.reply(value);
}

async function serve<S>(self: Process, spec: GenServerSpec<S>, initial: S): Promise<void> {
  let state = initial;
  for (;;) {
    const message = await self.receive();
    let result: CallResult<S> | NoReplyResult<S>;
    let from: From | undefined;
    try {
      if (isTuple(message) && message.length === 3 && message[0] === GEN_CALL && isTuple(message[1]) && message[1].length === 2 && message[1][0] instanceof Pid) {
        from = new Caller(self, message[1][0], message[1][1]!);
        if (!spec.handleCall) result = { stop: tuple(atom('bad_call'), message[2]!), state };
        else {
          const r = spec.handleCall(message[2]!, from, state, self);
          result = isThenable(r) ? await r : r;
        }
      } else if (isTuple(message) && message.length === 2 && message[0] === GEN_CAST) {
        const r = spec.handleCast ? spec.handleCast(message[1]!, state, self) : { noreply: true as const, state };
        result = isThenable(r) ? await r : r;
      } else {
        const r = spec.handleInfo ? spec.handleInfo(message, state, self) : { noreply: true as const, state };
        result = isThenable(r) ? await r : r;
      }
    } catch (err) {
      await stop(self, spec, exitReasonOf(err), state);
      return;
    }
    state = result.state;
    if ('stop' in result) {
      if (from && 'reply' in result) await from.reply(result.reply);
      await stop(self, spec, result.stop, state);
      return;
    }
    if (from && 'reply' in result) {
      // A reply to a busy connection suspends the server, as it would on BEAM: a caller's node
      // that stopped reading cannot make the server queue without end. Not busy, no await.
      const sent = from.reply(result.reply);
      if (sent !== SENT) await sent;
    }
  }
}

/**
 * A callback's result is awaited only when it is a promise: `await` on a plain value still costs a
 * promise and a trip through the microtask queue, on every call a server answers.
 */
function isThenable<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}

/** `terminate/2`, then the process ends with `reason` (a terminate that throws ends it with its own reason, as in OTP). */
async function stop<S>(self: Process, spec: GenServerSpec<S>, reason: Term, state: S): Promise<never> {
  await spec.terminate?.(reason, state, self);
  throw new ProcessExit(reason);
}

/** The `From` of one call: a class, so a call served makes one object and no closure. */
class Caller implements From {
  readonly #self: Process;

  constructor(
    self: Process,
    readonly pid: Pid,
    readonly tag: Term,
  ) {
    this.#self = self;
  }

  reply(value: TermInput): Promise<void> {
    // gen:reply/2: an alias tag is answered through the alias (ALIAS_SEND over the wire), so a
    // reply after the caller gave up is dropped; any other tag goes to the caller's pid.
    const alias = aliasOf(this.tag);
    return this.#self.send(alias ?? this.pid, tuple(this.tag, handedOver(value)));
  }
}

/** The alias in a gen call tag, `[alias|Ref]` (gen:call's, OTP 24+) or `[[alias|Ref]|_]` (gen:send_request's), or undefined for a plain tag. */
export function aliasOf(tag: Term): Ref | undefined {
  if (tag instanceof ImproperList) return plainAlias(tag) ?? plainAlias(tag.elements[0]);
  if (isList(tag)) return plainAlias(tag[0]);
  return undefined;
}

function plainAlias(t: Term | undefined): Ref | undefined {
  return t instanceof ImproperList && t.elements.length === 1 && t.elements[0] === ALIAS && t.tail instanceof Ref ? t.tail : undefined;
}
