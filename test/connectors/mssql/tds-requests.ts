/** What the test server reads from a client (MS-TDS 2.2.6): LOGIN7, SQL batch, and RPC with typed parameters. */

export interface Login {
  user: string;
  password: string;
  database: string;
  appName: string;
}

/** LOGIN7's passwords are obfuscated: each byte's nibbles swapped, then XOR 0xA5. */
function unscramble(b: Buffer): Buffer {
  return Buffer.from(b.map((x) => {
    const y = x ^ 0xa5;
    return ((y & 0x0f) << 4) | (y >> 4);
  }));
}

export function readLogin7(data: Buffer): Login {
  const field = (at: number, scrambled = false) => {
    const offset = data.readUInt16LE(at);
    const chars = data.readUInt16LE(at + 2);
    const raw = data.subarray(offset, offset + chars * 2);
    return (scrambled ? unscramble(raw) : raw).toString('utf16le');
  };
  return { user: field(40), password: field(44, true), appName: field(48), database: field(68) };
}

/** The ALL_HEADERS block before a batch or an RPC: its first 4 bytes hold its total length. */
const afterHeaders = (data: Buffer) => data.readUInt32LE(0);

export function readSqlBatch(data: Buffer): string {
  return data.subarray(afterHeaders(data)).toString('utf16le');
}

export interface Param {
  name: string;
  /** The TDS type as the client declared it. */
  type: 'NVarChar' | 'IntN' | 'BitN' | 'DecimalN' | 'FloatN' | 'DateN' | 'DateTime2N';
  /** IntN's width in bytes; DecimalN's precision and scale; DateTime2N's scale. */
  length?: number;
  precision?: number;
  scale?: number;
  value: string | number | boolean | null;
}

export interface Rpc {
  procId: number;
  params: Param[];
}

class Reader {
  constructor(private b: Buffer, public at = 0) {}
  u8() {
    return this.b.readUInt8(this.at++);
  }
  u16() {
    const v = this.b.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }
  u32() {
    const v = this.b.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number) {
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  bVarChar() {
    return this.bytes(this.u8() * 2).toString('utf16le');
  }
  /** A PLP value (nvarchar(max)): an 8-byte total, then chunks until a zero-length one. */
  plp(): Buffer | null {
    const total = this.b.readBigUInt64LE(this.at);
    this.at += 8;
    if (total === 0xffffffffffffffffn) return null;
    const chunks: Buffer[] = [];
    for (let n = this.u32(); n > 0; n = this.u32()) chunks.push(this.bytes(n));
    return Buffer.concat(chunks);
  }
}

const pad = (n: number | bigint, w = 2) => String(n).padStart(w, '0');

function dateOf(b: Buffer): string {
  const days = b[0] | (b[1] << 8) | (b[2] << 16);
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCDate(d.getUTCDate() + days);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function datetime2Of(b: Buffer, scale: number): string {
  const timeLen = b.length - 3;
  const t = Buffer.alloc(8);
  b.copy(t, 0, 0, timeLen);
  const units = t.readBigUInt64LE();
  const per = 10n ** BigInt(scale);
  const secs = units / per;
  const frac = scale > 0 ? `.${pad(units % per, scale)}` : '';
  return `${dateOf(b.subarray(timeLen))} ${pad(secs / 3600n)}:${pad((secs / 60n) % 60n)}:${pad(secs % 60n)}${frac}`;
}

function decimalOf(b: Buffer, scale: number): string {
  const sign = b[0] === 1 ? '' : '-';
  let n = 0n;
  for (let i = b.length - 1; i >= 1; i--) n = (n << 8n) | BigInt(b[i]);
  const digits = n.toString().padStart(scale + 1, '0');
  return scale > 0 ? `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}` : `${sign}${digits}`;
}

/** One parameter: its TYPE_INFO, then its value. Only the types the connector sends are read. */
function readParam(r: Reader): Param {
  const name = r.bVarChar();
  r.u8(); // status flags
  const id = r.u8();
  switch (id) {
    case 0xe7: {
      const max = r.u16();
      r.bytes(5); // collation
      if (max === 0xffff) {
        const v = r.plp();
        return { name, type: 'NVarChar', value: v === null ? null : v.toString('utf16le') };
      }
      const len = r.u16();
      return { name, type: 'NVarChar', value: len === 0xffff ? null : r.bytes(len).toString('utf16le') };
    }
    case 0x26: {
      const width = r.u8();
      const len = r.u8();
      if (len === 0) return { name, type: 'IntN', length: width, value: null };
      const b = r.bytes(len);
      const value = len === 8 ? b.readBigInt64LE().toString() : len === 4 ? b.readInt32LE() : len === 2 ? b.readInt16LE() : b.readUInt8();
      return { name, type: 'IntN', length: width, value };
    }
    case 0x68: {
      r.u8();
      const len = r.u8();
      return { name, type: 'BitN', value: len === 0 ? null : r.bytes(len)[0] === 1 };
    }
    case 0x6a:
    case 0x6c: {
      r.u8();
      const precision = r.u8();
      const scale = r.u8();
      const len = r.u8();
      return { name, type: 'DecimalN', precision, scale, value: len === 0 ? null : decimalOf(r.bytes(len), scale) };
    }
    case 0x6d: {
      const width = r.u8();
      const len = r.u8();
      if (len === 0) return { name, type: 'FloatN', length: width, value: null };
      const b = r.bytes(len);
      return { name, type: 'FloatN', length: width, value: len === 8 ? b.readDoubleLE() : b.readFloatLE() };
    }
    case 0x28: {
      const len = r.u8();
      return { name, type: 'DateN', value: len === 0 ? null : dateOf(r.bytes(len)) };
    }
    case 0x2a: {
      const scale = r.u8();
      const len = r.u8();
      return { name, type: 'DateTime2N', scale, value: len === 0 ? null : datetime2Of(r.bytes(len), scale) };
    }
    default:
      throw new Error(`test server: parameter type 0x${id.toString(16)} not understood`);
  }
}

export function readRpc(data: Buffer): Rpc {
  const r = new Reader(data, afterHeaders(data));
  const nameLen = r.u16();
  if (nameLen !== 0xffff) throw new Error('test server: only RPCs by procedure id are understood');
  const procId = r.u16();
  r.u16(); // option flags
  const params: Param[] = [];
  while (r.at < data.length) params.push(readParam(r));
  return { procId, params };
}
