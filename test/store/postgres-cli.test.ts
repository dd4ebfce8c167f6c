/**
 * Commands that write configuration into the cluster store are no nodes: `init --store` and `config import
 * --store` leave no heartbeat, no published key and no chain (the nodes' live count stays as it is); `hub
 * import-node --store` imports a running node's catalogue into the cluster's configuration without a mantra.db.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import type { PostgresStore } from '../../src/store/postgres/store.ts';
import { Agency } from '../../src/model/agency.ts';
import { Settings } from '../../src/model/settings.ts';
import { needService, pgUrl } from '../support/services.ts';
import { cliAsync } from '../support/cli.ts';
import { type Instance, instance, nodeKey, setupNode } from '../hub/support.ts';
import { freshDatabase, newMasterKey, nodeDir } from './postgres-db.ts';

const skip = await needService('postgres', pgUrl);
const dirs: string[] = [];
const masterKey = newMasterKey();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let sql: postgres.Sql;

const mantra = (args: string[], env: Record<string, string> = {}) => cliAsync(args, { MANTRA_LANG: 'en', ...env });

before(async () => {
  if (skip) return;
  db = await freshDatabase('mantra_pgcli');
  sql = postgres(db.url, { max: 1, onnotice: () => {} });
});
after(async () => {
  if (!skip) {
    await sql.end();
    await db.drop();
  }
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

describe('commands on the cluster store', { skip }, () => {
  test('init and config import --store register no node: no heartbeat, no key, no chain; the live count stays', async () => {
    const node: PostgresStore = await openPostgresStore(db.url, { dataDir: nodeDir(masterKey, dirs), node: 'serving' });
    try {
      const dir = nodeDir(masterKey, dirs);
      const seen = { nodes: 0, live: 0 };
      let running = true;
      const watch = (async () => {
        while (running) {
          const [r] = await sql`select count(*)::int as n from nodes`;
          seen.nodes = Math.max(seen.nodes, r.n);
          seen.live = Math.max(seen.live, node.liveNodes());
          await new Promise((res) => setTimeout(res, 5));
        }
      })();
      const init = await mantra(['init', '--store', db.url, '--data', dir], { MANTRA_ADMIN_PASSWORD: 'Rahasia-sekali-123' });
      assert.equal(init.code, 0, init.stderr);
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify({ mantra: 'config', version: 1, entities: { agency: [{ slug: 'bps', name: 'BPS' }] } }));
      const imported = await mantra(['config', 'import', file, '--store', db.url, '--data', dir]);
      assert.equal(imported.code, 0, imported.stderr);
      running = false;
      await watch;
      assert.deepEqual(seen, { nodes: 1, live: 1 }, 'only the serving node, all along');
      assert.deepEqual((await sql`select node from trail_keys`).map((r) => r.node), ['serving'], 'no key published by a command');
      assert.ok(!fs.existsSync(path.join(dir, 'node-id')), 'no node id made for a command');
      assert.ok(!fs.existsSync(path.join(dir, 'tracks')), 'no track log');
      const verify = await mantra(['audit', 'verify', '--store', db.url]);
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stdout, /1 chains? \(one per node\)/);
      assert.ok(await node.get('agency', 'bps'), 'the import reached the serving node');
    } finally {
      await node.close();
    }
  });

  test('hub import-node --store: a running node\'s catalogue into the cluster\'s configuration, no mantra.db needed', async () => {
    let source: Instance | undefined;
    try {
      source = await instance();
      await setupNode(source);
      await nodeKey(source, 'penduduk_by_nik');
      await nodeKey(source, 'wilayah_by_kode');
      const appKey = (await source.admin('POST', '/consumers/gsb/hub/app-key')).body.key;
      // The hub is a cluster: its configuration in PostgreSQL, written here by one of its nodes.
      const hubDir = nodeDir(masterKey, dirs);
      const hub = await openPostgresStore(db.url, { dataDir: hubDir, node: 'hub-a' });
      await hub.put('settings', Settings.parse({ internalBackends: ['127.0.0.1'] }));
      await hub.put('agency', Agency.parse({ slug: 'dukcapil', name: 'Dukcapil (di GSB)' }), 0);
      await hub.close();
      const cmdDir = nodeDir(masterKey, dirs);
      assert.ok(!fs.existsSync(path.join(cmdDir, 'mantra.db')));
      const r = await mantra(['hub', 'import-node', source.base, '--agency', 'dukcapil', '--store', db.url, '--data', cmdDir], { MANTRA_HUB_NODE_KEY: appKey });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /2 created, 0 updated, 0 unchanged, 0 no longer on the node, 0 in conflict$/m);
      const ops = await sql`select id from entities where kind = 'operation' and id like 'dukcapil/%' order by id`;
      assert.deepEqual(ops.map((o) => o.id), ['dukcapil/kependudukan/penduduk_by_nik', 'dukcapil/kependudukan/wilayah_by_kode']);
      assert.ok(!fs.existsSync(path.join(cmdDir, 'mantra.db')), 'nothing embedded made');
      const dry = await mantra(['hub', 'import-node', source.base, '--agency', 'dukcapil', '--store', db.url, '--data', cmdDir, '--dry-run'], { MANTRA_HUB_NODE_KEY: appKey });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /0 created, 0 updated, 2 unchanged/);
    } finally {
      await source?.stop();
    }
  });
});
