import type { Operation } from '../model/operation.ts';
import type { Parameter } from '../model/parameter.ts';
import { compositeAnswerSchema } from '../compose/openapi.ts';

const paramSchema: Record<Parameter['type'], Record<string, unknown>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
};

function parameter(p: Parameter) {
  const schema: Record<string, unknown> = { ...paramSchema[p.type], maxLength: p.type === 'string' ? p.maxLength : undefined };
  if (p.pattern) schema.pattern = `^(?:${p.pattern})$`;
  if (p.minLength !== undefined) schema.minLength = p.minLength;
  if (p.min !== undefined) schema.minimum = p.min;
  if (p.max !== undefined) schema.maximum = p.max;
  if (p.default !== undefined) schema.default = p.default;
  return { name: p.name, in: 'query', required: p.required && p.default === undefined, description: p.description, schema };
}

/** Output columns as far as configuration knows them (table form, or the shape's field list). */
function rowSchema(op: Operation) {
  const names = op.shape?.fields?.map((f) => f.as ?? f.from) ?? (op.data?.form === 'table' ? op.data.columns : []);
  return names.length
    ? { type: 'object', properties: Object.fromEntries(names.map((n) => [n, {}])) }
    : { type: 'object', additionalProperties: true };
}

const problem = {
  type: 'object',
  properties: {
    type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
    code: { type: 'integer', description: 'MANTRA error code' }, requestId: { type: 'string' },
  },
};

/** An OpenAPI 3.1 document for the given operations, on the REST v1 paths. */
/** What an operation in verification mode answers instead of its records (gateway/stages/verify.ts). */
const verdictRow = {
  type: 'object',
  properties: { match: { type: 'boolean' }, result: { type: 'string', examples: ['cocok', 'tidak cocok', 'match', 'no match'] } },
};

export function openApiFor(title: string, ops: Operation[]) {
  const paths: Record<string, unknown> = {};
  for (const op of ops) {
    const errors = Object.fromEntries(
      [['400', 'Parameter salah'], ['401', 'Tanpa kunci'], ['403', 'Tanpa langganan aktif'], ['404', 'Tidak terdaftar'], ['429', 'Batas terlampaui'], ['502', 'Sumber data gagal'], ['504', 'Waktu habis']]
        .map(([s, d]) => [s, { description: d, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }]),
    );
    const ok = {
      description: 'OK',
      content: {
        'application/json': {
          schema: op.composite && !op.verify
            ? compositeAnswerSchema(op)
            : { type: 'object', properties: { data: { type: 'array', items: op.verify ? verdictRow : rowSchema(op) }, meta: { type: 'object' } } },
        },
        'application/xml': {}, 'text/csv': {}, 'application/x-ndjson': {},
      },
    };
    const paging = op.kind === 'data'
      ? [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } }, { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }]
      : [];
    paths[`/v1/${op.agency}/${op.service}/${op.slug}`] = {
      get: {
        operationId: `${op.agency}_${op.service}_${op.slug}`.replace(/-/g, '_'),
        summary: op.description || op.slug,
        tags: [`${op.agency}/${op.service}`],
        parameters: [...op.params.map(parameter), ...paging],
        responses: { '200': ok, ...errors },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title, version: '1' },
    paths,
    components: {
      schemas: { Problem: problem },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        accessKey: { type: 'apiKey', in: 'header', name: 'AccessKey' },
        // Client credentials (oauth/routes.ts): a scope is an operation id.
        oauth2: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: Object.fromEntries(ops.map((op) => [`${op.agency}/${op.service}/${op.slug}`, op.description || op.slug])) } },
        },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }, { accessKey: [] }, { oauth2: [] }],
  };
}
