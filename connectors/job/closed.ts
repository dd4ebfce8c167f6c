import { ConnectorError, type JobError } from '../errors.ts';

/** What jobs and calls get when their pool or worker is gone. */
export const stopped = (message: string): JobError => ({ kind: 'unavailable', message });
export const poolClosed = stopped('the connector pool is closed');

/** A JobError from the other thread as a throwable ConnectorError again. */
export const fromJobError = (e: JobError) => new ConnectorError(e.kind, e.message, e.detail, e.code);
