/**
 * A stand-in node for tests that need only its catalogue: a real HTTP server on 127.0.0.1 answering every GET with
 * what `answer` returns, by default a node's gateway document as the catalogue writes it.
 */
import { openApiFor } from '../../src/catalogue/openapi.ts';
import { Operation } from '../../src/model/operation.ts';
import { runtime } from '../../src/runtime/index.ts';

/** One data operation of agency `a`, as a node's catalogue publishes it. */
export const nodeDocument = () => openApiFor('Mantra', [Operation.parse({
  agency: 'a', service: 'layanan', slug: 'data_by_id', kind: 'data', description: 'Data menurut id',
  params: [{ name: 'id', type: 'integer', min: 1 }],
  data: { form: 'sql', connector: 'db', sql: 'select :id as id' },
})]);

export async function serveDocument(answer: (req: Request) => Response | Promise<Response> = () => Response.json(nodeDocument())) {
  const server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => answer(req) });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
