/** Every scenario, in the order of a full run. */
import type { Scenario } from '../types.ts';
import { ceiling } from './ceiling.ts';
import { dataMysql, dataPg, list } from './data.ts';
import { proxy } from './proxy.ts';
import { composite } from './composite.ts';
import { exportCsv } from './export.ts';
import { tracks } from './tracks.ts';
import { workers } from './workers.ts';
import { soap } from './soap.ts';

export const scenarios: Scenario[] = [ceiling, dataPg, dataMysql, list, soap, proxy, composite, exportCsv, tracks, workers];
