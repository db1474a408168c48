/**
 * The shell's own commands, what shell.erl's local_func serves: `f()`, `f(X)`, `b()`, `v(N)`,
 * `history(N)`, `results(N)`, `catch_exception(B)`, `exit()`; any other local call goes to the
 * `c` module as OTP's shell_default does (`flush()`, `i()`, `regs()`, `q()`, ...), and one that
 * is not there either raises `{shell_undef, F, A, []}` ("undefined shell command f/0").
 * `h()` is not served: it prints past commands with erl_pp, which noderl does not have.
 */
import { Atom, atom, isTuple, tuple, type Term } from '../term/types.js';
import { OK, UNDEF } from '../term/atoms.js';
import { ErlangError } from '../process/exceptions.js';
import { all, then, type LocalCall, type LocalHandler } from '../erlang/runtime.js';
import type { ShellSession } from './erl-shell-session.js';
import { printOptions, printValue } from './erl-shell-text.js';

const C = atom('c');
const SHELL = atom('shell');

/** The local function handler of a session's evaluator. */
export function shellCommands(session: ShellSession): LocalHandler {
  return (call) => {
    const own = command(call, session);
    if (own !== undefined) return own;
    return then(all(call.args.map((a) => () => call.evaluate(a)), call.env, call.rt), (args) => viaC(call, args, session));
  };
}

function command(call: LocalCall, session: ShellSession): Term | Promise<Term> | undefined {
  const { name, args, env } = call;
  switch (`${name.name}/${args.length}`) {
    case 'f/0':
      env.clear();
      return OK;
    case 'f/1': {
      const a = args[0]!;
      if (a.k !== 'var') throw shellClause('f', 1);
      env.delete(a.name);
      return OK;
    }
    case 'b/0':
      return printBindings(call, env, session);
    case 'v/1':
      return then(call.evaluate(args[0]!), (n) => {
        const v = typeof n === 'number' ? session.history.value(n) : undefined;
        if (v === undefined) throw shellClause('v', 1);
        return v;
      });
    case 'history/1':
    case 'results/1':
      return then(call.evaluate(args[0]!), (n) => {
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw shellClause(name.name, 1);
        return name.name === 'history' ? session.history.setHistory(n) : session.history.setResults(n);
      });
    case 'catch_exception/1':
      return then(call.evaluate(args[0]!), (b) => {
        if (typeof b !== 'boolean') throw shellClause('catch_exception', 1);
        const old = session.catchException;
        session.catchException = b;
        return old;
      });
    case 'rf/0':
      session.records.clear();
      return OK;
    case 'rf/1':
      return then(call.evaluate(args[0]!), (names) => {
        for (const n of Array.isArray(names) ? names : [names]) if (n instanceof Atom) session.records.delete(n.name);
        return OK;
      });
    case 'rp/1':
      return then(call.evaluate(args[0]!), async (v) => {
        await call.rt.self.print(`${printValue(v, 1, await printOptions(call.rt.self, session))}\n`);
        return OK;
      });
    case 'exit/0':
      call.rt.self.send(session.server!.pid, tuple(atom('shell_req'), call.rt.self.pid, atom('exit')));
      return new Promise<Term>(() => {}); // the server ends this evaluator
    default:
      return undefined;
  }
}

/** `c:F(Args)`, as shell_default imports it; `{shell_undef, F, A, []}` when `c` has no F/A. */
async function viaC(call: LocalCall, args: Term[], session: ShellSession): Promise<Term> {
  try {
    return await session.host.apply(call.rt.self, C, call.name, args);
  } catch (err) {
    if (err instanceof ErlangError && err.error === UNDEF && isCFrame(err.stacktrace[0], call.name, args.length)) {
      throw new ErlangError(tuple(atom('shell_undef'), call.name, args.length, []), [tuple(SHELL, atom('shell_undef'), 2, [])]);
    }
    throw err;
  }
}

function isCFrame(frame: Term | undefined, name: Atom, arity: number): boolean {
  return isTuple(frame) && frame[0] === C && frame[1] === name && Array.isArray(frame[2]) && frame[2].length === arity;
}

function shellClause(fn: string, arity: number): ErlangError {
  return new ErlangError(atom('function_clause'), [tuple(SHELL, atom(fn), arity, [])]);
}

/** `b()`: each binding as `Name = Value`, sorted by name, as shell.erl's list_bindings prints them. */
async function printBindings(call: LocalCall, env: Map<string, Term>, session: ShellSession): Promise<Term> {
  const names = [...env.keys()].sort();
  const options = await printOptions(call.rt.self, session);
  let text = '';
  for (const name of names) text += `${name} = ${printValue(env.get(name)!, name.length + 4, options)}\n`;
  if (text !== '') await call.rt.self.print(text);
  return OK;
}
