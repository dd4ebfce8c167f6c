/**
 * deploy/mantra.service as systemd itself reads it: `systemd-analyze verify` must accept it without a single
 * warning (its ExecStart pointed at an executable this test makes, since verify checks that the binary exists), and
 * `systemd-analyze security --offline` must rate it OK; the same for the nightly backup's service and timer, whose
 * commands are also run as systemd would hand them to the shell. No unit is run under systemd here (no systemd as
 * PID 1 on this machine): what the hardening does to a running Mantra is not tested.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { needTool, runs } from '../support/tools.ts';
import { runtimeArgs } from '../support/cli.ts';
import { openSqliteStore } from '../../src/store/index.ts';

const ANALYZE = '/usr/bin/systemd-analyze';
const skip = needTool('systemd-analyze (apt install systemd)', () => runs(ANALYZE, ['--version']));
const unitFile = new URL('../../deploy/mantra.service', import.meta.url).pathname;
const unit = fs.readFileSync(unitFile, 'utf8');
const backupUnit = fs.readFileSync(new URL('../../deploy/mantra-backup.service', import.meta.url), 'utf8');
const backupTimer = fs.readFileSync(new URL('../../deploy/mantra-backup.timer', import.meta.url), 'utf8');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-unit-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The unit (or `text`) as mantra.service in a folder of its own, its ExecStart binary made there. */
function placed(text = unit): string {
  const folder = fs.mkdtempSync(path.join(dir, 'u-'));
  const binary = path.join(folder, 'mantra');
  fs.writeFileSync(binary, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const file = path.join(folder, 'mantra.service');
  fs.writeFileSync(file, text.replace(/^ExecStart=\/usr\/local\/bin\/mantra /m, `ExecStart=${binary} `));
  return file;
}

/** What verify says: its exit status and every line it printed (a warning is a line, whatever the status). */
function verify(file: string) {
  const r = spawnSync(ANALYZE, ['verify', file], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, said: (r.stdout + r.stderr).trim() };
}

/** A unit's settings of one section, `Key` → values in order. */
function settings(section: string, text = unit): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) { current = head[1]; continue; }
    if (current !== section) continue;
    const at = line.indexOf('=');
    found.set(line.slice(0, at), [...(found.get(line.slice(0, at)) ?? []), line.slice(at + 1)]);
  }
  return found;
}

describe('deploy/mantra.service', () => {
  test('systemd-analyze verify accepts it without a warning', { skip }, () => {
    assert.match(unit, /^ExecStart=\/usr\/local\/bin\/mantra serve --data \/var\/lib\/mantra$/m);
    const r = verify(placed());
    assert.equal(r.said, '', 'no warning');
    assert.equal(r.status, 0);
  });

  test('the check can fail: an unknown key, a wrong value and a missing binary are each reported', { skip }, () => {
    const unknown = verify(placed(unit.replace('[Service]\n', '[Service]\nProtectEverything=yes\n')));
    assert.match(unknown.said, /Unknown key 'ProtectEverything'/);
    const wrong = verify(placed(unit.replace(/^ProtectSystem=strict$/m, 'ProtectSystem=very')));
    // systemd ignores a value it cannot parse and still exits 0: only the warning tells.
    assert.match(wrong.said, /Failed to parse protect system value, ignoring: very/);
    assert.equal(wrong.status, 0);
    const missing = verify(placed(unit.replace(/^ExecStart=\/usr\/local\/bin\/mantra /m, 'ExecStart=/nonexistent/mantra ')));
    assert.notEqual(missing.status, 0);
  });

  test('a dedicated user, the data directory, the environment file, restart and a graceful stop', () => {
    const s = settings('Service');
    const one = (key: string) => s.get(key)?.at(-1);
    assert.equal(one('User'), 'mantra');
    assert.equal(one('Group'), 'mantra');
    assert.equal(one('StateDirectory'), 'mantra');
    assert.equal(one('StateDirectoryMode'), '0700');
    assert.equal(one('EnvironmentFile'), '-/etc/mantra/mantra.env');
    assert.equal(one('Restart'), 'on-failure');
    assert.equal(one('KillSignal'), 'SIGTERM');
    assert.ok(Number(one('TimeoutStopSec')) >= 10);
  });

  test('hardening: what is set, and MemoryDenyWriteExecute is not', () => {
    const s = settings('Service');
    const one = (key: string) => s.get(key)?.at(-1);
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'ProtectKernelTunables',
      'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectControlGroups', 'RestrictNamespaces', 'RestrictSUIDSGID',
      'LockPersonality']) assert.equal(one(key), 'true', key);
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('CapabilityBoundingSet'), '');
    assert.equal(one('AmbientCapabilities'), '');
    assert.deepEqual(one('RestrictAddressFamilies')?.split(' ').sort(), ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX']);
    assert.deepEqual(s.get('SystemCallFilter'), ['@system-service', '~@privileged']);
    // A JIT writes machine code and then runs it: both runtimes need that (see the unit's comment).
    assert.equal(s.has('MemoryDenyWriteExecute'), false);
    assert.match(unit, /#.*MemoryDenyWriteExecute=true is NOT set/);
  });

  test('systemd-analyze security rates it OK', { skip }, () => {
    const r = spawnSync(ANALYZE, ['security', '--offline=true', placed()], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const level = /Overall exposure level for mantra\.service: ([\d.]+) (\w+)/.exec(r.stdout);
    assert.ok(level, r.stdout.slice(-500));
    assert.ok(Number(level[1]) <= 2, `exposure ${level[1]} ${level[2]}`);
    assert.equal(level[2], 'OK');
  });

  test('the nightly backup: mantra-backup.service and .timer pass verify without a warning and rate OK', { skip }, () => {
    const folder = fs.mkdtempSync(path.join(dir, 'b-'));
    fs.writeFileSync(path.join(folder, 'mantra-backup.service'), backupUnit);
    fs.writeFileSync(path.join(folder, 'mantra-backup.timer'), backupTimer);
    const r = spawnSync(ANALYZE, ['verify', path.join(folder, 'mantra-backup.service'), path.join(folder, 'mantra-backup.timer')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal((r.stdout + r.stderr).trim(), '', 'no warning');
    assert.equal(r.status, 0);
    const sec = spawnSync(ANALYZE, ['security', '--offline=true', path.join(folder, 'mantra-backup.service')], { encoding: 'utf8', timeout: 30_000 });
    assert.match(sec.stdout, /Overall exposure level for mantra-backup\.service: [\d.]+ OK/);
    const s = settings('Service', backupUnit);
    assert.equal(s.get('User')?.[0], 'mantra');
    assert.equal(s.get('Type')?.[0], 'oneshot');
    assert.deepEqual(s.get('ReadWritePaths'), ['/var/backups/mantra']);
    assert.equal(settings('Timer', backupTimer).get('Persistent')?.[0], 'true');
  });

  test('both units keep the data directory at mode 0700 (without it systemd wants its default 0755 at each start)', () => {
    for (const [name, text] of [['mantra.service', unit], ['mantra-backup.service', backupUnit]]) {
      const s = settings('Service', text);
      assert.deepEqual(s.get('StateDirectory'), ['mantra'], name);
      assert.deepEqual(s.get('StateDirectoryMode'), ['0700'], name);
    }
  });

  test('the backup unit\'s commands, as systemd hands them over, make a backup and keep two weeks of them', () => {
    const s = settings('Service', backupUnit);
    // systemd's own unescaping of these lines: %% is %, $$ is $; the single-quoted rest goes to sh as one word.
    const unescape = (line: string) => line.replaceAll('%%', '%').replaceAll('$$', '$');
    const start = /^\/bin\/sh -c '(.*)'$/.exec(unescape(s.get('ExecStart')![0]));
    assert.ok(start, s.get('ExecStart')![0]);
    const data = path.join(dir, 'backup-data');
    const backups = path.join(dir, 'backups');
    fs.mkdirSync(backups);
    openSqliteStore(data).close();
    // The binary: this runtime running src/main.ts, in place of /usr/local/bin/mantra.
    const mantra = path.join(dir, 'mantra-bin');
    fs.writeFileSync(mantra, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${runtimeArgs.join(' ')} ${JSON.stringify(new URL('../../src/main.ts', import.meta.url).pathname)} "$@"\n`, { mode: 0o755 });
    const script = start[1].replace('/usr/local/bin/mantra', mantra).replace('/var/lib/mantra', data).replace('/var/backups/mantra', backups);
    const old = path.join(backups, 'mantra-20200101-021500.tar.gz');
    fs.writeFileSync(old, 'an old backup');
    fs.utimesSync(old, new Date('2020-01-02'), new Date('2020-01-02'));
    const made = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(made.status, 0, made.stderr);
    const fresh = fs.readdirSync(backups).filter((f) => f !== path.basename(old));
    assert.equal(fresh.length, 1, fresh.join(' '));
    assert.match(fresh[0], /^mantra-\d{8}-\d{6}\.tar\.gz$/);
    const post = unescape(s.get('ExecStartPost')![0]).replace('/var/backups/mantra', backups).split(' ');
    const pruned = spawnSync(post[0], post.slice(1), { encoding: 'utf8' });
    assert.equal(pruned.status, 0, pruned.stderr);
    assert.deepEqual(fs.readdirSync(backups), fresh, 'the old one is gone, the new one kept');
  });
});
