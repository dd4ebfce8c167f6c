/** A MANTRA method ("fungsi operasi") becomes an operation: data (table form), proxy, or a disabled placeholder. */
import { type Draft, draft, fit, itemKey, operationSlugFor } from './common.ts';
import { type Database, databaseOf } from './map-connector.ts';
import type { MethodRow } from './read.ts';
import type { Rewrite } from './rewrite.ts';
import {
  type DatabaseSource,
  parseSourceJson,
  readDatabaseSource,
  readProgramSource,
  readServicesSource,
  type ServicesSource,
  SourceError,
} from './sourcecode.ts';

export interface MethodContext {
  rewrite: Rewrite;
  /** The connector slug for a database (one per distinct database of an agency), registered by the plan. */
  connectorFor(db: Database, from: string): string;
}

const NOTE_MAX = 4000;
const DEFAULT_ROW_CAP = 10_000;
/** Without limrows the original answered every row; PHP's memory limit kept that well below this. */
const UNLIMITED_ROW_CAP = 1_000_000;

export const programNote =
  'Imported from MANTRA disabled: this was a "program" method, PHP code that the original ran with eval(). ' +
  'Mantra never runs such code. Rebuild it as a data, proxy or composite operation, then enable it.';

export function mapMethod(row: MethodRow, svc: { agency: string; service: string } | undefined, ctx: MethodContext): Draft {
  const d = draft('operation', '', `methods#${row.id}`);
  d.name = row.methodname;
  const slug = operationSlugFor(row.methodname, d);
  if (!svc) d.problems.push(`its service #${row.serviceid} was not imported`);
  if (!slug || !svc) return d;
  d.id = `${svc.agency}/${svc.service}/${slug}`;
  d.needs.push(itemKey('service', `${svc.agency}/${svc.service}`));
  const common = {
    agency: svc.agency,
    service: svc.service,
    slug,
    description: fit((row.descript ?? '').trim(), 4000, 'descript', d),
    restricted: row.restricted.trim().toLowerCase() === 'on',
  };
  const type = row.methodtype.trim().toLowerCase();
  try {
    if (type === 'database') {
      d.body = { ...common, ...dataOperation(readDatabaseSource(parseSourceJson(row.sourcecode)), svc.agency, d, ctx) };
    } else if (type === 'services') {
      d.body = { ...common, ...proxyOperation(readServicesSource(parseSourceJson(row.sourcecode)), d, ctx) };
    } else if (type === 'program') {
      d.body = { ...common, ...programOperation(readProgramSource(row.sourcecode), d) };
    } else {
      d.problems.push(`unknown methodtype "${row.methodtype}" (MANTRA knows database, services, program)`);
    }
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    d.problems.push(err.message);
  }
  return d;
}

function dataOperation(src: DatabaseSource, agency: string, d: Draft, ctx: MethodContext) {
  d.warnings.push(...src.warnings);
  const connector = ctx.connectorFor(databaseOf(agency, src, ctx.rewrite), d.from);
  d.needs.push(itemKey('connector', `${agency}/${connector}`));
  const renamed = src.columns.some((c) => c.as !== undefined);
  if (!src.limit && src.params.length === 0) {
    d.warnings.push(`no limrows and no caller parameter: every row of ${src.table} is answered (up to ${UNLIMITED_ROW_CAP.toLocaleString('en')} rows)`);
  }
  return {
    kind: 'data',
    params: src.params.map((name) => ({ name, type: 'string', required: true })),
    data: {
      form: 'table',
      connector,
      table: src.table,
      action: 'select',
      columns: src.columns.map((c) => c.column),
      conditions: src.conditions.map((c) => ({
        column: c.column, op: c.op, join: c.join, ...(c.param !== undefined ? { param: c.param } : { value: c.value }),
      })),
      order: src.order,
      limit: src.limit,
      offset: src.offset,
      rowCap: src.limit ? Math.max(src.limit, DEFAULT_ROW_CAP) : UNLIMITED_ROW_CAP,
    },
    proxy: undefined,
    // `col AS alias`: the original's rows carried the alias as the field name.
    ...(renamed ? { shape: { fields: src.columns.map((c) => (c.as ? { from: c.column, as: c.as } : { from: c.column })) } } : {}),
  };
}

function proxyOperation(src: ServicesSource, d: Draft, ctx: MethodContext) {
  d.warnings.push(...src.warnings);
  const endpoint = backendUrl(src.endpoint, d, ctx);
  if (src.method.length > 200) throw new SourceError('method is longer than 200 characters');
  return {
    kind: 'proxy',
    params: src.request.filter((f) => f.caller).map((f) => ({
      name: f.name, type: 'string', required: true, description: f.type ? `MANTRA type: ${f.type}` : '',
    })),
    data: undefined,
    proxy: {
      style: src.style,
      endpoint,
      method: src.method,
      mappings: src.request.map((f) => (f.caller ? { name: f.name, param: f.name } : { name: f.name, value: f.value ?? '' })),
      auth: src.accessKey ? { type: 'mantra', accessKey: src.accessKey } : { type: 'none' },
    },
  };
}

/** The endpoint as an http(s) URL; schemeless ones get http:// as PHP's curl did; empty answers 10003 like the original. */
function backendUrl(text: string, d: Draft, ctx: MethodContext): string {
  if (text === '') {
    d.warnings.push('no endpoint: callers get 10003, as from the original');
    return '';
  }
  let candidate = text;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    candidate = `http://${text}`;
    d.warnings.push(`endpoint "${text}" has no scheme: read as ${candidate}`);
  }
  const m = /^(https?:\/\/)([^/?#@]*@)?(\[[^\]]+\]|[^/?#:]*)(?::(\d+))?(.*)$/is.exec(candidate);
  if (!m) throw new SourceError(`endpoint "${text}" is not http:// or https://`);
  const [, scheme, userinfo = '', host, portText, rest] = m;
  const port = portText ? Number(portText) : undefined;
  const moved = ctx.rewrite.apply(host.replace(/^\[(.*)\]$/, '$1'), port);
  const hostOut = moved.host.includes(':') ? `[${moved.host}]` : moved.host;
  candidate = `${scheme}${userinfo}${hostOut}${moved.port !== undefined ? `:${moved.port}` : ''}${rest}`;
  try {
    if (!new URL(candidate).hostname) throw new Error('no host');
  } catch {
    throw new SourceError(`endpoint "${text}" is not a URL`);
  }
  if (candidate.length > 2048) throw new SourceError('endpoint is longer than 2048 characters');
  return candidate;
}

function programOperation(source: string, d: Draft) {
  d.warnings.push('program method (PHP run by eval): imported disabled, source kept in its note; Mantra never runs it');
  let note = `${programNote}\n\nPHP source:\n${source}`;
  if (note.length > NOTE_MAX) {
    const [agency, service, slug] = d.id.split('/');
    const file = `import-mantra/programs/${agency}/${service}/${slug}.php`;
    d.program = { file, source };
    note = `${programNote}\n\nThe PHP source is too long for this note: it is in ${file} in the data directory.`;
  }
  return {
    kind: 'proxy',
    enabled: false,
    note,
    params: [],
    data: undefined,
    // A placeholder spec: the operation is disabled, and an empty endpoint could only answer 10003.
    proxy: { style: 'rest', endpoint: '', method: '' },
  };
}
