// Prints "N passed, N failed" from the JUnit reports (plus the binary smoke test as one case).
import { existsSync, readFileSync } from 'node:fs';
const [bunXml, denoXml, smoke] = process.argv.slice(2);
let passed = 0, failed = 0;
for (const file of [bunXml, denoXml]) {
  if (!existsSync(file)) { console.error(`missing report ${file}`); failed++; continue; }
  const xml = readFileSync(file, 'utf8');
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const inner = m[2] ?? '';
    if (/<skipped/.test(inner)) continue;
    if (/<(failure|error)\b/.test(inner)) failed++; else passed++;
  }
}
if (smoke === '1') passed++; else failed++;
console.log(`${passed} passed, ${failed} failed`);
