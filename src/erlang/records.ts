/**
 * Records for the Erlang shell, as shell.erl handles them with erl_expand_records: the shell's
 * record definitions (`rd/2`) and the expansion of record forms into tuple code before
 * evaluation. `#r{f = V}` builds the tuple (defaults from the definition, else `undefined`; `_ = V`
 * for the fields not named), `#r{f = P}` in a pattern matches it, `E#r.f` and `E#r{f = V}` check
 * the record and raise `{badrecord, E}` otherwise (OTP 25's reason), `#r.f` is the field's index,
 * `is_record(E, r)` gets the record's size. An unknown record or field is erl_lint's error
 * (`* 1:1: record foo undefined`), before anything is evaluated.
 */
import { Atom, atom, isList, isTuple, tuple, type Term, type Tuple } from '../term/types.js';

/** One field of a record definition: its name and default expression (abstract format), if any. */
export interface RecordField {
  name: string;
  default?: Term;
}

/** The shell's record definitions, by record name. */
export type RecordDefs = Map<string, readonly RecordField[]>;

/** A record form that names an unknown record or field: erl_lint's ErrorInfo. */
export class RecordError extends Error {
  constructor(readonly info: Term) {
    super('record error');
    this.name = 'RecordError';
  }
}

const a = atom;

/**
 * `forms` with every record form expanded. A top-level `rd(Name, {Field = Default, ...})` defines
 * the record in `defs` first (as shell.erl's rd/2 does) and stands for its name.
 */
export function expandRecords(forms: Term[], defs: RecordDefs): Term[] {
  const x = new Expander(defs);
  return forms.map((f) => {
    const defined = x.define(f);
    return defined ?? x.expr(f);
  });
}

class Expander {
  private fresh = 0;

  constructor(private readonly defs: RecordDefs) {}

  /** `rd(Name, Def)` with a literal name and definition: defines it; undefined for any other form. */
  define(f: Term): Term | undefined {
    if (!isCall(f, 'rd', 2)) return undefined;
    const [name, def] = (f as Tuple)[3] as Term[];
    if (!isForm(name, 'atom') || !isForm(def, 'tuple')) return undefined;
    const fields: RecordField[] = [];
    for (const field of (def as Tuple)[2] as Term[]) {
      if (isForm(field, 'atom')) fields.push({ name: ((field as Tuple)[2] as Atom).name });
      else if (isForm(field, 'match') && isForm((field as Tuple)[2], 'atom')) {
        fields.push({ name: (((field as Tuple)[2] as Tuple)[2] as Atom).name, default: (field as Tuple)[3] });
      } else return undefined;
    }
    this.defs.set(((name as Tuple)[2] as Atom).name, fields);
    return name;
  }

  expr(f: Term): Term {
    if (isList(f)) return f.map((e) => this.expr(e));
    if (!isTuple(f) || !(f[0] instanceof Atom)) return f;
    const anno = f[1]!;
    switch (f[0].name) {
      case 'record':
        return f.length === 4 ? this.create(anno, f[2] as Atom, f[3] as Term[]) : this.update(anno, this.expr(f[2]!), f[3] as Atom, f[4] as Term[]);
      case 'record_field':
        return f.length === 5 ? this.access(anno, this.expr(f[2]!), f[3] as Atom, f[4]!) : f;
      case 'record_index':
        return tuple(a('integer'), anno, this.index(anno, f[2] as Atom, f[3]!));
      case 'match':
        return tuple(a('match'), anno, this.pattern(f[2]!), this.expr(f[3]!));
      case 'clause':
        return tuple(a('clause'), anno, (f[2] as Term[]).map((p) => this.pattern(p)), (f[3] as Term[]).map((g) => this.guard(g as Term[])), this.expr(f[4]!));
      case 'generate':
      case 'b_generate':
        return tuple(f[0], anno, this.pattern(f[2]!), this.expr(f[3]!));
      case 'call':
        return this.isRecordCall(f) ?? this.each(f);
      case 'fun': // {'fun', A, {clauses, Cs}}: the clauses sit one tuple deeper, without an annotation
        return isTuple(f[2]) && f[2][0] === a('clauses') ? tuple(f[0], anno, tuple(a('clauses'), this.expr(f[2][1]!))) : f;
      default:
        return this.each(f);
    }
  }

  /** The other forms: their parts expanded (the annotation left as it is). */
  private each(f: Tuple): Term {
    const out = f.slice() as Term[];
    for (let i = 2; i < out.length; i++) out[i] = this.expr(out[i]!);
    return tuple(...out);
  }

  private pattern(p: Term): Term {
    if (isList(p)) return p.map((e) => this.pattern(e));
    if (!isTuple(p) || !(p[0] instanceof Atom)) return p;
    if (p[0].name === 'record' && p.length === 4) {
      const anno = p[1]!;
      const name = p[2] as Atom;
      const given = this.fieldValues(anno, name, p[3] as Term[], (v) => this.pattern(v));
      const wildcard = given.get('_');
      return tuple(a('tuple'), anno, [tuple(a('atom'), anno, name), ...this.fields(anno, name).map((fd) => given.get(fd.name) ?? wildcard ?? tuple(a('var'), anno, a('_')))]);
    }
    if (p[0].name === 'record_index') return tuple(a('integer'), p[1]!, this.index(p[1]!, p[2] as Atom, p[3]!));
    const out = p.slice() as Term[];
    for (let i = 2; i < out.length; i++) out[i] = this.pattern(out[i]!);
    return tuple(...out);
  }

  /** A guard conjunction: a field access becomes `element/2`, after an is_record test of its own. */
  private guard(tests: Term[]): Term[] {
    const checks: Term[] = [];
    const g = (f: Term): Term => {
      if (isList(f)) return f.map(g);
      if (!isTuple(f) || !(f[0] instanceof Atom)) return f;
      const anno = f[1]!;
      if (f[0].name === 'record_field' && f.length === 5) {
        const e = g(f[2]!);
        const name = f[3] as Atom;
        checks.push(call(anno, 'is_record', [e, tuple(a('atom'), anno, name), tuple(a('integer'), anno, this.fields(anno, name).length + 1)]));
        return call(anno, 'element', [tuple(a('integer'), anno, this.index(anno, name, f[4]!)), e]);
      }
      if (f[0].name === 'call') {
        const r = this.isRecordCall(f);
        if (r) return r;
      }
      if (f[0].name === 'record' || f[0].name === 'record_index') return this.expr(f);
      const out = f.slice() as Term[];
      for (let i = 2; i < out.length; i++) out[i] = g(out[i]!);
      return tuple(...out);
    };
    const expanded = tests.map(g);
    return [...checks, ...expanded];
  }

  /** `#r{...}`: the tuple, fields in definition order. */
  private create(anno: Term, name: Atom, fieldForms: Term[]): Term {
    const given = this.fieldValues(anno, name, fieldForms, (v) => this.expr(v));
    const wildcard = given.get('_');
    const values = this.fields(anno, name).map((fd) => given.get(fd.name) ?? wildcard ?? (fd.default !== undefined ? this.expr(fd.default) : tuple(a('atom'), anno, a('undefined'))));
    return tuple(a('tuple'), anno, [tuple(a('atom'), anno, name), ...values]);
  }

  /** `E#r{...}`: a new tuple from the checked record and the given fields. */
  private update(anno: Term, e: Term, name: Atom, fieldForms: Term[]): Term {
    const given = this.fieldValues(anno, name, fieldForms, (v) => this.expr(v));
    const v = this.freshVar(anno);
    const values = this.fields(anno, name).map((fd, i) => given.get(fd.name) ?? call(anno, 'element', [tuple(a('integer'), anno, i + 2), v]));
    return this.checked(anno, e, name, v, tuple(a('tuple'), anno, [tuple(a('atom'), anno, name), ...values]));
  }

  /** `E#r.f`: element(I, E) of the checked record. */
  private access(anno: Term, e: Term, name: Atom, field: Term): Term {
    const v = this.freshVar(anno);
    return this.checked(anno, e, name, v, call(anno, 'element', [tuple(a('integer'), anno, this.index(anno, name, field)), v]));
  }

  /** `case E of V = {r, _, ...} -> Body; Other -> erlang:error({badrecord, Other}) end`. */
  private checked(anno: Term, e: Term, name: Atom, v: Term, body: Term): Term {
    const shape = tuple(a('tuple'), anno, [tuple(a('atom'), anno, name), ...this.fields(anno, name).map(() => tuple(a('var'), anno, a('_')))]);
    const other = this.freshVar(anno);
    const fail = tuple(a('call'), anno, tuple(a('remote'), anno, tuple(a('atom'), anno, a('erlang')), tuple(a('atom'), anno, a('error'))), [tuple(a('tuple'), anno, [tuple(a('atom'), anno, a('badrecord')), other])]);
    return tuple(a('case'), anno, e, [
      tuple(a('clause'), anno, [tuple(a('match'), anno, v, shape)], [], [body]),
      tuple(a('clause'), anno, [other], [], [fail]),
    ]);
  }

  /** `is_record(E, r)` with a known r: `is_record(E, r, Size)`, as erl_expand_records makes it. */
  private isRecordCall(f: Tuple): Term | undefined {
    if (!isCall(f, 'is_record', 2)) return undefined;
    const [e, name] = f[3] as Term[];
    if (!isForm(name, 'atom')) return undefined;
    const def = this.defs.get(((name as Tuple)[2] as Atom).name);
    if (!def) return undefined;
    return call(f[1]!, 'is_record', [this.expr(e!), name!, tuple(a('integer'), f[1]!, def.length + 1)]);
  }

  private fields(anno: Term, name: Atom): readonly RecordField[] {
    const def = this.defs.get(name.name);
    if (!def) throw new RecordError(tuple(anno, a('erl_lint'), tuple(a('undefined_record'), name)));
    return def;
  }

  /** The 1-based tuple index of field `field` (an atom form) of record `name`. */
  private index(anno: Term, name: Atom, field: Term): number {
    const fname = isForm(field, 'atom') ? ((field as Tuple)[2] as Atom) : a('');
    const i = this.fields(anno, name).findIndex((fd) => fd.name === fname.name);
    if (i < 0) throw new RecordError(tuple(anno, a('erl_lint'), tuple(a('undefined_field'), name, fname)));
    return i + 2;
  }

  /** `f = V` pairs of a record form by field name (`_` for the wildcard), each checked against the definition. */
  private fieldValues(anno: Term, name: Atom, fieldForms: Term[], value: (v: Term) => Term): Map<string, Term> {
    const fields = this.fields(anno, name);
    const out = new Map<string, Term>();
    for (const rf of fieldForms) {
      if (!isTuple(rf) || rf[0] !== a('record_field')) continue;
      const key = rf[2] as Tuple;
      const fname = (key[2] as Atom).name;
      if (key[0] !== a('var') && !fields.some((fd) => fd.name === fname)) {
        throw new RecordError(tuple(rf[1]!, a('erl_lint'), tuple(a('undefined_field'), name, a(fname))));
      }
      out.set(fname, value(rf[3]!));
    }
    return out;
  }

  private freshVar(anno: Term): Term {
    this.fresh += 1;
    return tuple(a('var'), anno, a(`rec$${this.fresh}`));
  }
}

/** A variable the expansion made (`rec$N`, a name no one can type): the shell keeps none between commands. */
export function isExpansionVariable(name: string): boolean {
  return name.startsWith('rec$');
}

function isForm(f: Term | undefined, tag: string): boolean {
  return isTuple(f) && f[0] === a(tag);
}

/** `{call, A, {atom, _, Name}, Args}` with `arity` arguments. */
function isCall(f: Term, name: string, arity: number): boolean {
  return isTuple(f) && f[0] === a('call') && isForm(f[2], 'atom') && (f[2] as Tuple)[2] === a(name) && isList(f[3]) && f[3].length === arity;
}

function call(anno: Term, name: string, args: Term[]): Term {
  return tuple(a('call'), anno, tuple(a('atom'), anno, a(name)), args);
}
