import { serviceUnavailable } from '../../common/errors.js';

/** `GET /healthz` when PostgreSQL does not answer a ping within the timeout. */
export const databaseUnreachable = () => serviceUnavailable('The database is unreachable.', 'database ping failed');
