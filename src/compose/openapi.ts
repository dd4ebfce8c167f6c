import type { Operation } from '../model/operation.ts';

const stepReport = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'default', 'omitted'], description: 'ok; default: failed, its default value stands in; omitted: failed, left out' },
    startMs: { type: 'number', description: "From the composite's start" },
    ms: { type: 'number' },
    code: { type: 'integer', description: "MANTRA's code of a step that failed" },
    error: { type: 'string' },
    steps: { type: 'object', description: "A nested composite's own steps" },
  },
};

/**
 * A composite's answer on REST v1 for the OpenAPI document: an object keyed by step name (whatever each step's
 * operation answers) unless an expression shapes it, and every step's report in `meta.steps`.
 */
export function compositeAnswerSchema(op: Operation) {
  const spec = op.composite!;
  const shaped = spec.expression !== undefined || op.shape?.jsonata !== undefined;
  const data = shaped ? {} : { type: 'object', properties: Object.fromEntries(spec.steps.map((s) => [s.name, { description: `${s.agency}/${s.service}/${s.operation}` }])) };
  const meta = {
    type: 'object',
    properties: {
      complete: { type: 'boolean', description: 'Every step succeeded' },
      steps: { type: 'object', properties: Object.fromEntries(spec.steps.map((s) => [s.name, stepReport])) },
    },
  };
  return { type: 'object', properties: { data, meta } };
}
