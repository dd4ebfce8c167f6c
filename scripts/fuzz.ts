/**
 * The long fuzz run: `npm run fuzz -- [--cases N] [--seed S] [--part gateway|admin|http] [--case I] [--verbose]`.
 * Runs the parts of test/fuzz (all by default) with N cases each; --case replays one case of a failing run.
 * Needs PostgreSQL for the gateway and http parts (MANTRA_TEST_PG). Exit status 1 when any case failed.
 */
import { parseArgs } from 'node:util';
import { fuzzSeed } from '../test/fuzz/seed.ts';
import { adminPart, gatewayPart, httpPart, type Part, type PartName, partNames } from '../test/fuzz/parts.ts';
import { summary } from '../test/fuzz/run.ts';
import { describeCase } from '../test/fuzz/case.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    cases: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    part: { type: 'string', multiple: true },
    case: { type: 'string' },
    generator: { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  },
});

const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : fuzzSeed();
const cases = Number(values.cases);
const only = values.case !== undefined ? Number(values.case) : undefined;
const parts = (values.part?.length ? values.part : [...partNames]) as PartName[];
for (const p of parts) if (!partNames.includes(p)) throw new Error(`unknown part ${p}; parts: ${partNames.join(', ')}`);

const open: Record<PartName, () => Promise<Part>> = { gateway: gatewayPart, admin: adminPart, http: httpPart };
const utf8 = new TextDecoder();
let failed = 0;
console.log(`fuzz: seed ${seed}, ${only !== undefined ? `case ${only}` : `${cases} cases`} per part: ${parts.join(', ')}`);
for (const name of parts) {
  const part = await open[name]();
  try {
    const report = await part.run({
      seed, cases, only, generatorNames: values.generator,
      trace: values.verbose || only !== undefined
        ? (c, answers) => console.log(`${describeCase(c)}\n${(answers ?? []).map((a) => `→ HTTP ${a.status} ${a.headers.get('content-type') ?? ''}\n${utf8.decode(a.body.subarray(0, 2000))}`).join('\n')}\n`)
        : undefined,
    });
    console.log(summary(report));
    failed += report.failures.length;
  } finally {
    await part.close();
  }
}
process.exit(failed ? 1 : 0);
