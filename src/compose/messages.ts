import type { Catalogue } from '../i18n/index.ts';

/** What the admin API says about a composite it refuses or cannot run, Bahasa Indonesia first. */
export const compositeMessages = {
  composite_step_duplicate: { id: 'Nama langkah "{step}" dipakai lebih dari sekali', en: 'Step name "{step}" is used more than once' },
  composite_needs_unknown: {
    id: 'Langkah "{step}" menunggu "{need}", yang bukan langkah komposit ini',
    en: 'Step "{step}" waits for "{need}", which is not a step of this composite',
  },
  composite_needs_cycle: { id: 'Langkah "{step}" saling menunggu: {cycle}', en: 'Step "{step}" waits for itself: {cycle}' },
  composite_expression: {
    id: 'Langkah "{step}", parameter "{param}": ekspresi JSONata tidak dapat dikompilasi: {reason}',
    en: 'Step "{step}", parameter "{param}": the JSONata expression does not compile: {reason}',
  },
  composite_result_expression: {
    id: 'Ekspresi hasil tidak dapat dikompilasi: {reason}',
    en: 'The result expression does not compile: {reason}',
  },
  composite_operation_missing: {
    id: 'Langkah "{step}": operasi {id} tidak ada',
    en: 'Step "{step}": operation {id} does not exist',
  },
  composite_cycle: {
    id: 'Langkah "{step}": operasi {id} memanggil komposit ini lagi ({cycle})',
    en: 'Step "{step}": operation {id} calls this composite again ({cycle})',
  },
  composite_param_missing: {
    id: 'Langkah "{step}": parameter wajib "{param}" dari operasi {id} tidak diberikan oleh langkah ini',
    en: 'Step "{step}": the required parameter "{param}" of operation {id} is not given by the step',
  },
  composite_param_unknown: {
    id: 'Langkah "{step}": operasi {id} tidak memiliki parameter "{param}"',
    en: 'Step "{step}": operation {id} has no parameter "{param}"',
  },
  composite_caller_param_unknown: {
    id: 'Langkah "{step}", parameter "{param}": params.{name} bukan parameter operasi komposit ini',
    en: 'Step "{step}", parameter "{param}": params.{name} is not a parameter of this composite operation',
  },
  composite_step_ref_unknown: {
    id: 'Langkah "{step}", parameter "{param}": steps.{ref} bukan langkah komposit ini',
    en: 'Step "{step}", parameter "{param}": steps.{ref} is not a step of this composite',
  },
  composite_step_ref_not_needed: {
    id: 'Langkah "{step}", parameter "{param}": memakai hasil langkah "{ref}" tanpa menunggunya (tambahkan "{ref}" ke needs)',
    en: 'Step "{step}", parameter "{param}": uses the result of step "{ref}" without waiting for it (add "{ref}" to needs)',
  },
  composite_field_not_provided: {
    id: 'Langkah "{step}", parameter "{param}": langkah "{ref}" tidak menghasilkan kolom "{field}" (kolomnya: {fields})',
    en: 'Step "{step}", parameter "{param}": step "{ref}" gives no field "{field}" (its fields: {fields})',
  },
  composite_not_composite: { id: 'Operasi {id} bukan operasi komposit', en: 'Operation {id} is not a composite operation' },
  composites_unavailable: {
    id: 'Uji coba komposit tidak tersedia di proses ini',
    en: 'Composite dry runs are not available in this process',
  },
} satisfies Catalogue;

export type CompositeMessageKey = keyof typeof compositeMessages;

/** One problem of a composite, at a dotted path of the operation (`composite.steps.1.params.nik`). */
export interface CompositeIssue {
  path: string;
  key: CompositeMessageKey;
  vars: Record<string, string | number>;
}
