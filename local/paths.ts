import { fileURLToPath } from 'node:url';

/** The repository's root, for the local runtime and its scripts. */
export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** Where `npm start` leaves the running stack's whereabouts (for `npm run reconcile` and `npm run token`). */
export const LOCAL_STACK_FILE = `${ROOT_DIR}/.local/stack.json`;
