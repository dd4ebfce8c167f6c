import { z } from '@hono/zod-openapi';
import { operationSlug, slug } from './slug.ts';
import { Parameter } from './parameter.ts';
import { Shape } from './shape.ts';
import { DataSpec } from './operation-data.ts';
import { ProxySpec } from './operation-proxy.ts';
import { CompositeSpec } from './operation-composite.ts';
import { OperationAudit } from './operation-audit.ts';

export const Operation = z
  .object({
    agency: slug,
    service: slug,
    slug: operationSlug,
    kind: z.enum(['data', 'proxy', 'composite']),
    description: z.string().max(4000).default(''),
    /** Restricted operations are hidden from the public catalogue. */
    restricted: z.boolean().default(false),
    enabled: z.boolean().default(true),
    /**
     * Verification mode (UU 27/2022, data minimisation): calls answer only whether the given facts match a record
     * ("cocok" / "tidak cocok"), never the record. A subscription can ask for it too.
     */
    verify: z.boolean().default(false),
    /** Why an operation is disabled (e.g. an imported MANTRA `program` method). */
    note: z.string().max(4000).optional(),
    params: z.array(Parameter).default([]),
    data: DataSpec.optional(),
    proxy: ProxySpec.optional(),
    composite: CompositeSpec.optional(),
    shape: Shape.optional(),
    /** What the audit trail keeps of its calls beyond parameter names and keyed hashes. */
    audit: OperationAudit.optional(),
    /** Derived when the operation is saved (a SOAP backend's WSDL description); never caller input. */
    prepared: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((o) => o[o.kind] !== undefined, { message: 'the spec of the operation kind is required', path: ['kind'] })
  .refine((o) => !(o.verify && o.data?.write), { message: 'verification mode is for operations that read', path: ['verify'] })
  .refine((o) => new Set(o.params.map((p) => p.name)).size === o.params.length, {
    message: 'parameter names must be unique',
    path: ['params'],
  })
  .openapi('Operation');
export type Operation = z.infer<typeof Operation>;
