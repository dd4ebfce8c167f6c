import { Connection, type ConnectionConfiguration } from 'tedious';
import { ConnectorError, messages } from '../errors.ts';
import { classify } from './errors.ts';

/** A tedious connection and what the driver tracks about it. */
export interface Conn {
  tedious: Connection;
  /** The server or the network closed it. */
  dead: boolean;
}

/**
 * Opens one connection. tedious keeps the connect timeout itself (connectTimeout); `limitMs` is a second bound in
 * case the server stops answering between the steps of a login. A refused login is reported with its SQL Server
 * error number, which tedious's ELOGIN alone does not tell (18456: user or password, 4060: unknown database).
 */
export function connect(settings: ConnectionConfiguration, limitMs: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const tedious = new Connection(settings);
    const conn: Conn = { tedious, dead: false };
    let loginNumber: number | undefined;
    const onLoginError = (token: { number?: number }) => (loginNumber = token.number);
    tedious.on('errorMessage', onLoginError);
    // An EventEmitter without an 'error' listener would throw; errors reach the request that meets them.
    tedious.on('error', () => (conn.dead = true));
    tedious.on('end', () => (conn.dead = true));
    const timer = setTimeout(() => {
      conn.dead = true;
      tedious.close();
      reject(new ConnectorError('unavailable', messages.unavailable, 'mssql: login did not finish in time', 'ETIMEOUT'));
    }, limitMs + 1000);
    tedious.connect((err) => {
      clearTimeout(timer);
      tedious.removeListener('errorMessage', onLoginError);
      if (err) {
        conn.dead = true;
        tedious.close();
        return reject(classify(err, loginNumber));
      }
      resolve(conn);
    });
  });
}
