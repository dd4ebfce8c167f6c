/**
 * The hub reads a node's catalogue at the very address it checked: the name is looked up once, every address is
 * judged, the connection goes to a judged one (with the URL's Host header and, over https, its name for SNI and the
 * certificate), and a name that does not resolve is refused instead of being let through to a second lookup
 * (DNS rebinding). Names under .test do not exist in DNS: a read that succeeds through one proves that the hub
 * connected to the address it was given, not to a fresh lookup.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubError } from '../../src/hub/messages.ts';
import { readNodeDocument } from '../../src/hub/read-document.ts';
import { runtime } from '../../src/runtime/index.ts';
import { inCI } from '../support/services.ts';
import { nodeDocument, serveDocument } from './document-server.ts';

const NAME = 'node-hub.test';

const rejected = async (p: Promise<unknown>): Promise<HubError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  assert.fail('no HubError');
};

/** A lookup that answers `addresses` for every name, counting its calls. */
function fakeLookup(addresses: string[]) {
  const calls: string[][] = [];
  const lookup = (urls: readonly string[]) => {
    calls.push([...urls]);
    return Promise.resolve(new Map(urls.map((u) => [new URL(u).hostname, addresses])));
  };
  return { lookup, calls };
}

describe('hub: the catalogue is read at the checked address', () => {
  const hosts: string[] = [];
  let server: Awaited<ReturnType<typeof serveDocument>>;
  let port = 0;
  before(async () => {
    server = await serveDocument((req) => {
      hosts.push(req.headers.get('host') ?? '');
      return Response.json(nodeDocument());
    });
    port = Number(new URL(server.url).port);
  });
  after(() => server?.stop());
  const allowName = { allowHosts: [], internalBackends: [NAME] };

  test('one lookup; the connection goes to the address it gave, the Host header stays the node\'s name', async () => {
    const { lookup, calls } = fakeLookup(['127.0.0.1']);
    hosts.length = 0;
    const doc = await readNodeDocument(`http://${NAME}:${port}/catalogue/openapi.json`, allowName, { lookup });
    assert.deepEqual(doc, JSON.parse(JSON.stringify(nodeDocument())));
    assert.deepEqual(calls, [[`http://${NAME}:${port}/catalogue/openapi.json`]]);
    assert.deepEqual(hosts, [`${NAME}:${port}`]);
  });

  test('an address that refuses the connection is passed over for the next checked one', async () => {
    // 127.0.0.2 is loopback too, but nothing listens there on this port.
    const { lookup } = fakeLookup(['127.0.0.2', '127.0.0.1']);
    assert.ok(await readNodeDocument(`http://${NAME}:${port}/catalogue/openapi.json`, allowName, { lookup }));
  });

  test('every address the name gives is judged: one internal address is enough to refuse', async () => {
    const { lookup } = fakeLookup(['203.0.113.7', '169.254.169.254']);
    const e = await rejected(readNodeDocument(`http://${NAME}:${port}/catalogue/openapi.json`, { allowHosts: [], internalBackends: [] }, { lookup }));
    assert.deepEqual([e.status, e.key, e.vars.reason], [403, 'hub_node_internal', 'metadata']);
    const loop = await rejected(readNodeDocument(`http://${NAME}:${port}/x`, { allowHosts: [], internalBackends: [] }, fakeLookup(['::ffff:127.0.0.1'])));
    assert.deepEqual([loop.key, loop.vars.reason], ['hub_node_internal', 'loopback']);
  });

  test('a name that gives no address (failed or too slow a lookup) is refused, not let through to a second lookup', async () => {
    const { lookup } = fakeLookup([]);
    const e = await rejected(readNodeDocument(`http://${NAME}:${port}/catalogue/openapi.json`, allowName, { lookup }));
    assert.deepEqual([e.status, e.key, e.vars.host], [502, 'hub_node_unresolved', NAME]);
    assert.equal(e.text('en'), `No IP address was found in DNS for the node host name ${NAME} within the time limit; the hub calls a node only at an address it has checked`);
    assert.match(e.text('id'), new RegExp(`^Alamat IP untuk nama host node ${NAME} tidak ditemukan di DNS`));
    // The real lookup: .invalid never resolves (RFC 6761).
    const real = await rejected(readNodeDocument('https://node.invalid/catalogue/openapi.json', { allowHosts: [], internalBackends: [] }));
    assert.deepEqual([real.status, real.key], [502, 'hub_node_unresolved']);
  });
});

interface Certs {
  ca: string;
  cert: string;
  key: string;
}

/** A private CA and a certificate for NAME only, made with openssl for this run. */
function makeCerts(): Certs | string {
  let dir = '';
  try {
    dir = mkdtempSync(join(tmpdir(), 'mantra-hub-tls-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Mantra Hub Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    run('req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', `/CN=${NAME}`);
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=DNS:${NAME}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '1', '-extfile', 'ext.cnf');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.pem'), cert: read('srv.pem'), key: read('srv.key') };
  } catch {
    if (inCI) throw new Error('openssl is required under CI for the hub TLS test');
    const reason = 'SKIPPED: openssl not available to make test certificates';
    console.warn(`\n*** ${reason} ***\n`);
    return reason;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const certs = makeCerts();

test('https: connected to the checked address, the node\'s name goes as SNI and is what the certificate must show', { skip: typeof certs === 'string' ? certs : undefined }, async () => {
  const { ca, cert, key } = certs as Certs;
  const hosts: string[] = [];
  const server = await runtime.serve({
    port: 0, hostname: '127.0.0.1', tls: { cert, key },
    fetch: (req) => (hosts.push(req.headers.get('host') ?? ''), Response.json(nodeDocument())),
  });
  try {
    const url = `https://${NAME}:${server.port}/catalogue/openapi.json`;
    const rules = { allowHosts: [], internalBackends: [NAME, 'other-hub.test'] };
    const { lookup } = fakeLookup(['127.0.0.1']);
    assert.deepEqual(await readNodeDocument(url, rules, { lookup, ca }), JSON.parse(JSON.stringify(nodeDocument())));
    assert.deepEqual(hosts, [`${NAME}:${server.port}`]);
    // The same server under a name its certificate does not carry, and without the CA: refused, with a short reason.
    const other = await rejected(readNodeDocument(`https://other-hub.test:${server.port}/catalogue/openapi.json`, rules, { lookup, ca }));
    assert.deepEqual([other.status, other.key, other.vars.reason], [502, 'hub_node_unreachable', 'ERR_TLS_CERT_ALTNAME_INVALID']);
    const untrusted = await rejected(readNodeDocument(url, rules, { lookup }));
    assert.deepEqual([untrusted.status, untrusted.key], [502, 'hub_node_unreachable']);
    assert.match(String(untrusted.vars.reason), /^[A-Z_]+$/);
    assert.equal(hosts.length, 1, 'no request was sent over a connection that failed its certificate check');
  } finally {
    await server.stop();
  }
});
