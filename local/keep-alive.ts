import type { Server } from 'node:http';

/**
 * Makes `server` never close an idle keep-alive connection: its clients close theirs first. A server
 * that closes an idle socket races the client's next request on it into ECONNRESET or "other side
 * closed", most often on a busy machine, where the client reads the close late. Any finite timeout
 * only moves the window: with 65 s, a test that used the issuer, then ran 64 s without it, met the
 * race on its next token request. Without a timeout the server sends no `Keep-Alive` hint, so fetch
 * (undici) closes a socket idle for 4 s itself, and the SDK's agent keeps its few sockets for the
 * life of its process, as AWS's endpoints let it. A one-attempt client (the purchase's
 * StartSyncExecution, a test's token request) cannot retry the race. Every local HTTP server the
 * stack's clients reuse calls this.
 */
export function keepIdleConnections(server: Server): void {
  server.keepAliveTimeout = 0;
}
