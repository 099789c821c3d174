import { createMockApiServer } from './server.ts';

/** Runs the mock external API on MOCK_API_PORT (default 4010). */
const port = Number(process.env.MOCK_API_PORT ?? 4010);
/** Loopback by default; a container sets 0.0.0.0 so its published port reaches it. */
const host = process.env.MOCK_API_HOST ?? '127.0.0.1';
const server = createMockApiServer();

const stop = (): void => {
  server.close(() => process.exit(0));
  // Keep-alive and deliberately hung connections would otherwise hold close() open.
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started by the local runtime: a closed stdin means the parent is gone (even if it was killed).
if (process.env.EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', stop);
  process.stdin.resume();
}

// Its clients close idle connections first, so none races the server's close (local/keep-alive.ts says
// why; the mock runs on its own, in a container too, so it sets this itself).
server.keepAliveTimeout = 0;
server.listen(port, host, () => {
  console.log(`mock external API listening on http://${host}:${port}`);
});
