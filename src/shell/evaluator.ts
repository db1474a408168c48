/**
 * Evaluates one shell input as JavaScript in a scope that lives as long as the shell, the way the
 * erl shell keeps its variable bindings between expressions.
 *
 * The code runs in this realm (not a `node:vm` context) so arrays, maps and plain objects it makes
 * are the ones the term layer recognises. Bindings live in a `with` scope backed by a proxy: a
 * bare assignment (`x = 1`) binds `x` for later lines, and a leading `let`/`const`/`var`/
 * `function`/`class` declaration is turned into such an assignment.
 */
import { Script } from 'node:vm';

// `with` is only legal in sloppy code: the Function constructor makes sloppy functions even from
// an ES module, and AsyncFunction lets the input use `await`.
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (scope: object, code: string) => Promise<unknown>;

/** The result of one input. */
export type Outcome =
  | { kind: 'value'; value: unknown }
  /** The input threw `error` (or a promise it returned rejected with it). */
  | { kind: 'exception'; error: unknown }
  | { kind: 'syntax'; message: string }
  /** The input stops in the middle of an expression: read another line and try again. */
  | { kind: 'incomplete' };

/** Names the wrapper itself uses; never looked up in the shell's scope. */
const WRAPPER_NAMES = new Set(['arguments', 'eval']);

/** A shell's bindings and the evaluation of its inputs. */
export class Evaluator {
  private readonly bindings: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private readonly scope: object;

  constructor(helpers: Record<string, unknown>) {
    Object.assign(this.bindings, helpers);
    const bindings = this.bindings;
    this.scope = new Proxy(bindings, {
      // Every name that is not a JS global resolves in the shell's scope, so an assignment to a
      // new name binds it here instead of creating a global.
      has: (t, k) => typeof k === 'string' && (k in t || (!WRAPPER_NAMES.has(k) && !(k in globalThis))),
      get: (t, k) => {
        if (typeof k !== 'string') return undefined; // Symbol.unscopables: nothing is hidden
        if (k in t) return t[k];
        throw new ReferenceError(`${k} is not defined`);
      },
      set: (t, k, v) => {
        if (typeof k === 'string') t[k] = v;
        return true;
      },
    });
  }

  /** Binds `name` (a helper or a variable) for later inputs. */
  bind(name: string, value: unknown): void {
    this.bindings[name] = value;
  }

  /** True when `input` stops inside an expression (an open bracket, string or template). */
  isIncomplete(input: string): boolean {
    const compiled = compile(declarationsAsBindings(input));
    return 'kind' in compiled && compiled.kind === 'incomplete';
  }

  /** Evaluates `input`; the value of a returned promise is awaited. Never throws. */
  async evaluate(input: string): Promise<Outcome> {
    const code = declarationsAsBindings(input);
    if (code.trim() === '') return { kind: 'value', value: undefined };
    const compiled = compile(code);
    if ('kind' in compiled) return compiled;
    const before = new Map(Object.entries(this.bindings));
    let outcome: Outcome;
    try {
      outcome = { kind: 'value', value: await compiled.run(this.scope, code) };
    } catch (error) {
      outcome = { kind: 'exception', error };
    }
    try {
      await this.settleBound(before);
    } catch (error) {
      if (outcome.kind === 'value') outcome = { kind: 'exception', error };
    }
    return outcome;
  }

  /**
   * A promise the input bound (`m = receive(5000)`) is replaced by its value, so the next line sees
   * the message and not the promise, as the printed result already showed it. A rejected one
   * leaves the name unbound and is the input's exception (the first one, when there are several).
   */
  private async settleBound(before: ReadonlyMap<string, unknown>): Promise<void> {
    let failed: { error: unknown } | undefined;
    for (const [name, value] of Object.entries(this.bindings)) {
      if (!(value instanceof Promise) || before.get(name) === value) continue;
      try {
        this.bindings[name] = await value;
      } catch (error) {
        delete this.bindings[name];
        failed ??= { error };
      }
    }
    if (failed) throw failed.error;
  }
}

/**
 * An expression first (its value is the result, `await` allowed); else statements run by a direct
 * `eval`, whose completion value is the result (`x = 1; x + 1` gives 2); else, when the statements
 * use `await`, an async body whose result is `undefined`.
 */
function compile(code: string): { run: (scope: object, code: string) => Promise<unknown> } | Outcome {
  try {
    return { run: new AsyncFunction('__shell_scope', `with (__shell_scope) { return (\n${code}\n); }`) };
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  try {
    new AsyncFunction(code); // a syntax check of the statements, with await allowed
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return endsTooSoon(code) ? { kind: 'incomplete' } : { kind: 'syntax', message: err.message };
  }
  if (!/\bawait\b/.test(code)) {
    return { run: new AsyncFunction('__shell_scope', '__shell_code', 'with (__shell_scope) { return eval(arguments[1]); }') };
  }
  return { run: new AsyncFunction('__shell_scope', `with (__shell_scope) {\n${code}\n}`) };
}

/** V8's messages for input that ends too soon. */
const INCOMPLETE = /Unexpected end of input|Unterminated template literal/;

/**
 * Whether `code` fails only because it stops early. Checked as a script, not as a function body:
 * inside the body V8 reports the wrapper's closing brace instead of the end of input.
 */
function endsTooSoon(code: string): boolean {
  try {
    new Script(code);
    return false;
  } catch (err) {
    return err instanceof SyntaxError && INCOMPLETE.test(err.message);
  }
}

/**
 * `let x = …`, `const x = …`, `var x = …` at the start of the input bind `x` in the shell's scope
 * (a declaration inside the wrapper would end with it); so do `function f` and `class C`.
 */
function declarationsAsBindings(input: string): string {
  return input
    .replace(/^(\s*)(?:let|const|var)\s+([A-Za-z_$][\w$]*)\s*=(?!=)/, '$1$2 =')
    .replace(/^(\s*)((?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\()/, '$1$3 = $2')
    .replace(/^(\s*)(class\s+([A-Za-z_$][\w$]*)\b)/, '$1$3 = $2');
}
