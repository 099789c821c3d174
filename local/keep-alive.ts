import type { Server } from 'node:http';

/** How long the local endpoints keep an idle keep-alive connection. */
const IDLE_CONNECTION_MS = 65_000;

/**
 * Makes `server` keep idle connections 65 s, as AWS's endpoints keep them far longer than Node's 5 s.
 * Clients keep idle sockets open too (the SDK's agent until the server closes them, undici's fetch for
 * the server's `Keep-Alive` hint less 1 s): a server that closes one first races the client's next
 * request on it into ECONNRESET or "other side closed", most often on a busy machine, where the client
 * reads the server's close late. A one-attempt client (the purchase's StartSyncExecution, a test's
 * token request) cannot retry that. Every local HTTP server the stack's clients reuse calls this.
 */
export function keepIdleConnections(server: Server): void {
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  server.headersTimeout = IDLE_CONNECTION_MS + 1_000;
}
