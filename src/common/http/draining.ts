/**
 * Emitted on the HTTP server when shutdown begins, before `server.close()` waits for connections
 * to end. Owners of upgraded sockets (provisioner daemons) close them on it: Node counts upgraded
 * sockets as open connections, so without this `close()` would wait for them forever.
 */
export const HTTP_DRAINING_EVENT = 'coder:draining';
