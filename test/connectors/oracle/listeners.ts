/**
 * TCP servers that are not Oracle, for the failure paths: a listener that refuses the service or SID (a TNS
 * REFUSE packet carrying ERR=12514 or 12505, as a real listener sends), one that answers garbage, one that
 * closes at once, and one that accepts and never answers.
 */
import net from 'node:net';

export type Behaviour = 'refuse-service' | 'refuse-sid' | 'garbage' | 'close' | 'silent';

/** A TNS REFUSE packet (type 4) with its connect data, as node-oracledb reads it. */
function refuse(err: number): Buffer {
  const data = Buffer.from(`(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=${err})(ERROR_STACK=(ERROR=(CODE=${err})(EMFI=4))))`, 'ascii');
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt16BE(b.length, 0);
  b.writeUInt8(4, 4);
  b.writeUInt8(1, 8);
  b.writeUInt8(0, 9);
  b.writeUInt16BE(data.length, 10);
  data.copy(b, 12);
  return b;
}

export async function listener(behaviour: Behaviour): Promise<{ port: number; accepted: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    if (behaviour === 'close') return void s.destroy();
    s.once('data', () => {
      if (behaviour === 'refuse-service') s.end(refuse(12514));
      else if (behaviour === 'refuse-sid') s.end(refuse(12505));
      else if (behaviour === 'garbage') s.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
