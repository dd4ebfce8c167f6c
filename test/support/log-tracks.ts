/** Child process of test/store/track-log.test.ts: logs tracks r1…r300, says so, then waits to be killed. */
import { openSqliteStore, type TrackInput } from '../../src/store/index.ts';

const [dir, template] = process.argv.slice(-2);
const store = openSqliteStore(dir);
for (let i = 1; i <= 300; i++) await store.appendTracks([{ ...(JSON.parse(template) as TrackInput), requestId: `r${i}` }]);
console.log('logged');
setInterval(() => {}, 1000);
