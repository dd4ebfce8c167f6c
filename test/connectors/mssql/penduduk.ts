/** The rows and columns the TDS test server answers with: one column of each type the connector maps. */
import type { Cell, Column } from './tds-server.ts';

export const columns: Column[] = [
  { name: 'nik', type: 'nvarchar' },
  { name: 'nama', type: 'nvarchar' },
  { name: 'kode', type: 'int' },
  { name: 'besar', type: 'bigint' },
  { name: 'saldo', type: 'decimal', precision: 14, scale: 2 },
  { name: 'tgl_lahir', type: 'date' },
  { name: 'terdaftar', type: 'datetime2', scale: 7 },
  { name: 'aktif', type: 'bit' },
];

export const rows: Cell[][] = Array.from({ length: 30 }, (_, i) => {
  const g = i + 1;
  return [
    String(g).padStart(16, '0'), g === 1 ? 'Müller Ñoño 日本' : `Penduduk ${g}`, g, `${9007199254740993n + BigInt(g)}`,
    g === 1 ? '-1234567890.05' : (g * 1.5).toFixed(2), `1990-01-${String((g % 28) + 1).padStart(2, '0')}`,
    `2024-01-31 10:20:${String(g).padStart(2, '0')}.1234567`, g % 2 === 0,
  ];
});

/** Row 1 as the connector gives it. */
export const first = {
  nik: '0000000000000001', nama: 'Müller Ñoño 日本', kode: 1, besar: '9007199254740994', saldo: '-1234567890.05',
  tgl_lahir: '1990-01-02', terdaftar: '2024-01-31 10:20:01.1234567', aktif: false,
};
