/**
 * Reading a node's catalogue: its address, the document's rules (read back from what catalogue/openapi.ts writes,
 * so the hub's parameters are the node's), and every way a node's answer can be unusable, over real HTTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApiFor } from '../../src/catalogue/openapi.ts';
import { HubError } from '../../src/hub/messages.ts';
import { nodeOperations } from '../../src/hub/node-document.ts';
import { nodeAddress } from '../../src/hub/node-url.ts';
import { readNodeDocument } from '../../src/hub/read-document.ts';
import { Operation } from '../../src/model/operation.ts';
import { nodeDocument, serveDocument } from './document-server.ts';

const thrown = (fn: () => unknown): HubError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  assert.fail('no HubError');
};
const rejected = async (p: Promise<unknown>): Promise<HubError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  assert.fail('no HubError');
};

const every = Operation.parse({
  agency: 'dukcapil', service: 'kependudukan', slug: 'semua_jenis', kind: 'data', description: 'Semua jenis parameter',
  params: [
    { name: 'nik', pattern: '\\d{16}', minLength: 16, maxLength: 16, description: 'NIK' },
    { name: 'umur', type: 'integer', min: 0, max: 150, required: false },
    { name: 'berat', type: 'number', min: 0.5 },
    { name: 'hidup', type: 'boolean', required: false },
    { name: 'lahir', type: 'date' },
    { name: 'waktu', type: 'datetime', required: false, default: '2026-01-01T00:00:00Z' },
    { name: 'kota', default: 'Bogor' },
  ],
  data: { form: 'sql', connector: 'db', sql: 'select 1' },
});

describe('hub: the node address', () => {
  test('the base, from the base or any catalogue address, path prefix kept', () => {
    for (const given of ['https://node.go.id/mantra', 'https://node.go.id/mantra/', 'https://node.go.id/mantra/catalogue/openapi.json', 'https://node.go.id/mantra/catalogue']) {
      assert.deepEqual(nodeAddress(given), { base: 'https://node.go.id/mantra', document: 'https://node.go.id/mantra/catalogue/openapi.json' }, given);
    }
    assert.deepEqual(nodeAddress('http://10.0.0.5:8080'), { base: 'http://10.0.0.5:8080', document: 'http://10.0.0.5:8080/catalogue/openapi.json' });
  });

  test('refused: other schemes, credentials, queries, no URL at all', () => {
    for (const given of ['ftp://node.go.id', 'file:///etc/passwd', 'https://u:p@node.go.id', 'https://node.go.id/?x=1', 'node.go.id', '']) {
      const e = thrown(() => nodeAddress(given));
      assert.deepEqual([e.status, e.key], [400, 'hub_url'], given);
    }
  });
});

describe('hub: the node document', () => {
  test('parameters read back as the node declared them; v1 paging is not a parameter', () => {
    const [op] = nodeOperations(JSON.parse(JSON.stringify(openApiFor('Mantra', [every]))));
    assert.deepEqual([op.agency, op.service, op.slug, op.description], ['dukcapil', 'kependudukan', 'semua_jenis', 'Semua jenis parameter']);
    // What the node's gateway enforces, the hub's enforces: a default makes a parameter optional there too.
    const expected = every.params.map((p) => ({ ...p, required: p.required && p.default === undefined }));
    assert.deepEqual(op.params, expected);
  });

  test('a proxy operation\'s own parameter named limit is kept; a description that is only the name is none', () => {
    const proxy = Operation.parse({
      agency: 'a', service: 's', slug: 'cari', kind: 'proxy', params: [{ name: 'limit', type: 'integer' }],
      proxy: { style: 'get', endpoint: 'https://backend.go.id' },
    });
    const [op] = nodeOperations(openApiFor('Mantra', [proxy]));
    assert.deepEqual(op.params.map((p) => p.name), ['limit']);
    assert.equal(op.description, '');
  });

  test('an answer that is not even shaped as OpenAPI 3 is "not a Mantra catalogue", naming nothing inside it', () => {
    // What an internal service might answer: its structure must not come back to whoever asked for the import.
    for (const doc of [{ swagger: '2.0' }, { status: 'UP', components: { db: { status: 'UP' } } }, [1, 2], 'text', null, { openapi: '3.0.3' }, { openapi: 3, paths: {} }]) {
      const e = thrown(() => nodeOperations(doc));
      assert.deepEqual([e.status, e.key, e.issues], [502, 'hub_node_not_catalogue', undefined], JSON.stringify(doc));
    }
    const e = thrown(() => nodeOperations({ status: 'UP' }, 'en'));
    assert.equal(e.text('id'), 'Alamat ini tidak mengirim katalog Mantra (dokumen OpenAPI gateway dari GET /catalogue/openapi.json); periksa alamat node');
    assert.equal(e.text('en'), 'This address did not send a Mantra catalogue (the gateway OpenAPI document of GET /catalogue/openapi.json); check the node address');
  });

  test('a document that is not a Mantra gateway document is refused, naming where, in Indonesian or English', () => {
    const notOpenApi = thrown(() => nodeOperations({ openapi: '3.1.0', paths: { '/v1/a/b/c': { post: {} } } }));
    assert.deepEqual([notOpenApi.status, notOpenApi.key], [502, 'hub_node_document']);
    assert.match(notOpenApi.text('id'), /bukan dokumen OpenAPI gateway Mantra/);
    assert.equal(notOpenApi.text('en').startsWith('The node catalogue is not a usable Mantra gateway OpenAPI document'), true);
    assert.deepEqual(notOpenApi.issues!.map((i) => i.path), ['paths./v1/a/b/c.get']);

    // A proxy operation's document: no paging parameters after its own.
    const doc = JSON.parse(JSON.stringify(openApiFor('Mantra', [Operation.parse({
      agency: 'a', service: 'layanan', slug: 'data_by_id', kind: 'proxy', params: [{ name: 'id' }], proxy: { style: 'get', endpoint: 'https://b.go.id' },
    })])));
    const path = '/v1/a/layanan/data_by_id';
    doc.paths['/pets/{id}'] = structuredClone(doc.paths[path]);
    doc.paths[path].get.parameters.push(
      { name: 'x', in: 'header', required: true, description: '', schema: { type: 'string' } },
      { name: 'obj', in: 'query', required: true, description: '', schema: { type: 'object' } },
      { name: 'pola', in: 'query', required: true, description: '', schema: { type: 'string', pattern: '^(?:[a-)$' } },
    );
    const en = thrown(() => nodeOperations(doc, 'en'));
    assert.deepEqual(en.issues!.map((i) => i.path), [`paths.${path}.get.parameters.1.in`]);
    doc.paths[path].get.parameters.splice(1, 1);
    const more = thrown(() => nodeOperations(doc, 'en'));
    assert.deepEqual(more.issues, [
      { path: `paths.${path}.get.parameters.1.schema`, message: 'Unknown parameter type: object' },
      { path: `paths.${path}.get.parameters.2.schema.pattern`, message: 'The pattern is not a valid regular expression' },
      { path: 'paths./pets/{id}', message: 'Not a Mantra operation path /v1/{agency}/{service}/{operation}' },
    ]);
    const id = thrown(() => nodeOperations(doc));
    assert.equal(id.issues![0].message, 'Jenis parameter tidak dikenal: object');
  });

  test('a node with no public operations has none to offer (everything imported before is reported gone)', () => {
    assert.deepEqual(nodeOperations(openApiFor('Mantra', [])), []);
  });
});

describe('hub: reading the document over HTTP', () => {
  const allow = { allowHosts: [], internalBackends: ['127.0.0.1'] };
  let mode = 'ok';
  let server: Awaited<ReturnType<typeof serveDocument>>;
  before(async () => {
    server = await serveDocument(async () => {
      switch (mode) {
        case 'garbage': return new Response('<html>not json</html>', { headers: { 'content-type': 'text/html' } });
        case 'missing': return Response.json({ error: 'not_found' }, { status: 404 });
        case 'redirect': return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
        case 'large': return new Response('{"a":"' + 'x'.repeat(4096) + '"}');
        case 'endless': return new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(8192).fill(0x20)) }, { highWaterMark: 0 }));
        case 'slow': await new Promise((r) => setTimeout(r, 1500)); return Response.json(nodeDocument());
        case 'latin1': return new Response(new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
        default: return Response.json(nodeDocument());
      }
    });
  });
  after(() => server?.stop());
  const read = (limits = {}) => readNodeDocument(`${server.url}/catalogue/openapi.json`, allow, limits);

  test('a good document arrives parsed', async () => {
    mode = 'ok';
    assert.deepEqual(await read(), JSON.parse(JSON.stringify(nodeDocument())));
  });

  test('each bad answer has its own error', async () => {
    const cases: [string, Record<string, number>, number, string][] = [
      ['garbage', {}, 502, 'hub_node_not_json'],
      ['latin1', {}, 502, 'hub_node_not_json'],
      ['missing', {}, 502, 'hub_node_status'],
      ['redirect', {}, 502, 'hub_node_status'],
      ['large', { maxBytes: 1024 }, 502, 'hub_node_too_large'],
      ['endless', { maxBytes: 64 * 1024 }, 502, 'hub_node_too_large'],
      ['slow', { timeoutMs: 300 }, 504, 'hub_node_timeout'],
    ];
    for (const [m, limits, status, key] of cases) {
      mode = m;
      const started = performance.now();
      const e = await rejected(read(limits));
      assert.deepEqual([e.status, e.key], [status, key], m);
      assert.ok(performance.now() - started < 1200, `${m} answered in time`);
    }
    mode = 'missing';
    assert.equal((await rejected(read())).text('en'), `The node answered HTTP 404 for ${server.url}/catalogue/openapi.json; expected 200 with its public catalogue`);
    mode = 'slow';
    assert.equal((await rejected(read({ timeoutMs: 300 }))).text('id'), 'Node tidak mengirim katalognya dalam 0.3 detik');
  });

  test('a node that does not answer at all is unreachable, with a short reason and no address', async () => {
    const gone = await serveDocument();
    const url = `${gone.url}/catalogue/openapi.json`;
    await gone.stop();
    const e = await rejected(readNodeDocument(url, allow));
    assert.deepEqual([e.status, e.key], [502, 'hub_node_unreachable']);
    assert.match(String(e.vars.reason), /^[A-Za-z_]+$/);
  });

  test('the settings decide which nodes the hub may read: internalBackends and backendAllowlist', async () => {
    mode = 'ok';
    const internal = await rejected(readNodeDocument(`${server.url}/catalogue/openapi.json`, { allowHosts: [], internalBackends: [] }));
    assert.deepEqual([internal.status, internal.key, internal.vars.reason], [403, 'hub_node_internal', 'loopback']);
    const listed = await rejected(readNodeDocument(`${server.url}/catalogue/openapi.json`, { allowHosts: ['node.go.id'], internalBackends: ['127.0.0.1'] }));
    assert.deepEqual([listed.status, listed.key], [403, 'hub_node_not_allowed']);
    const local = await rejected(readNodeDocument('http://localhost:1/catalogue/openapi.json', { allowHosts: [], internalBackends: [] }));
    assert.deepEqual([local.key, local.vars.reason], ['hub_node_internal', 'loopback']);
  });
});
