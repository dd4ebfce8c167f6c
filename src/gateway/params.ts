import type { Parameter } from '../model/parameter.ts';
import type { Value } from '../formats/types.ts';
import { GatewayError } from './errors.ts';
import type { NameRule, ParamValues } from './operation.ts';

type Check = (raw: string) => Value | string; // returns the value, or throws a reason

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const converters: Record<Parameter['type'], (raw: string) => Value> = {
  string: (raw) => raw,
  integer: (raw) => {
    if (!/^-?\d{1,15}$/.test(raw)) throw 'bukan bilangan bulat';
    return Number(raw);
  },
  number: (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw 'bukan angka';
    return n;
  },
  boolean: (raw) => {
    const v = ({ true: true, '1': true, false: false, '0': false } as Record<string, boolean>)[raw.toLowerCase()];
    if (v === undefined) throw 'bukan true/false';
    return v;
  },
  date: (raw) => {
    if (!DATE.test(raw) || Number.isNaN(Date.parse(raw))) throw 'bukan tanggal YYYY-MM-DD';
    return raw;
  },
  datetime: (raw) => {
    if (!DATETIME.test(raw) || Number.isNaN(Date.parse(raw))) throw 'bukan waktu ISO 8601';
    return raw;
  },
};

function compileOne(p: Parameter): Check {
  const convert = converters[p.type];
  const pattern = p.pattern ? new RegExp(`^(?:${p.pattern})$`) : undefined;
  return (raw) => {
    if (raw.length > p.maxLength) throw `lebih dari ${p.maxLength} karakter`;
    // Refused for every connector, not only where it breaks: PostgreSQL text and XML 1.0 (SOAP) cannot hold NUL,
    // C-string backends (DBF, PHP) cut at it; so it is always the caller's error, never a backend failure.
    if (raw.includes('\0')) throw 'mengandung karakter NUL';
    if (p.minLength !== undefined && raw.length < p.minLength) throw `kurang dari ${p.minLength} karakter`;
    if (pattern && !pattern.test(raw)) throw 'tidak sesuai pola';
    const value = convert(raw);
    if (typeof value === 'number') {
      if (p.min !== undefined && value < p.min) throw `kurang dari ${p.min}`;
      if (p.max !== undefined && value > p.max) throw `lebih dari ${p.max}`;
    }
    return value;
  };
}


/**
 * Built once per operation: validates raw caller parameters into typed values.
 * Missing required names and invalid values are errors (MANTRA's 10005), and so are unknown ones under `strict`.
 */
export function compileParams(params: Parameter[]): (raw: Record<string, string>, rule?: NameRule) => ParamValues {
  const checks = params.map((p) => ({ p, check: compileOne(p) }));
  const known = new Set(params.map((p) => p.name));
  const byLowerName = new Map(params.map((p) => [p.name.toLowerCase(), p.name]));

  /** The declared names the caller's names stand for (later ones win), and whether any gave a value. */
  function pick(raw: Record<string, string>, caseless: boolean): { picked: Record<string, string>; bound: boolean } {
    const picked: Record<string, string> = {};
    let bound = false;
    for (const name in raw) {
      const target = known.has(name) ? name : caseless ? byLowerName.get(name.toLowerCase()) : undefined;
      if (target === undefined) continue;
      picked[target] = raw[name];
      if (raw[name] !== '') bound = true;
    }
    return { picked, bound };
  }

  return (raw, rule = 'strict') => {
    if (rule === 'strict') {
      for (const name in raw) if (!known.has(name)) throw new GatewayError('unknown_param', { name });
    } else {
      const given = Object.keys(raw).length > 0;
      const { picked, bound } = pick(raw, rule === 'mantra-data');
      if (rule === 'mantra-data' && given && !bound) throw new GatewayError('missing_params');
      raw = picked;
    }
    const out: ParamValues = {};
    for (const { p, check } of checks) {
      const given = raw[p.name];
      if (given === undefined || given === '') {
        if (p.default !== undefined) out[p.name] = p.default;
        else if (p.required) throw new GatewayError('missing_param', { name: p.name });
        else out[p.name] = null;
        continue;
      }
      try {
        out[p.name] = check(given);
      } catch (reason) {
        throw new GatewayError('bad_param', { name: p.name, reason: String(reason) });
      }
    }
    return out;
  };
}
