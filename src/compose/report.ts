import type { StepReport } from './types.ts';

/**
 * Every step's status as one HTTP header, `X-Mantra-Steps: ktp=ok;start=0.2;ms=41.3, alamat=omitted;start=0.2;ms=3000;code=10021`:
 * where the body must stay MANTRA's envelope (the compatible paths) or a SOAP answer, the per-step status rides
 * here; REST v1 has it in `meta.steps` as well.
 */
export function stepsHeader(reports: Record<string, StepReport>): string {
  let out = '';
  for (const name in reports) {
    const r = reports[name];
    out += `${out ? ', ' : ''}${name}=${r.status};start=${r.startMs};ms=${r.ms}${r.code !== undefined ? `;code=${r.code}` : ''}`;
  }
  return out;
}
