import { existsSync, readFileSync } from 'node:fs';
import { useLocalAwsEnvironment } from '../local/dynamodb-local.ts';
import { LOCAL_STACK_FILE } from '../local/paths.ts';

/**
 * The tables an operator's script reads: the running `npm start` stack by default (it leaves its
 * whereabouts in .local/stack.json), or any tables named by DYNAMODB_ENDPOINT (omit for AWS),
 * MAIN_TABLE_NAME and AUDIT_TABLE_NAME. Exits 2 with a hint when there are none.
 */
export function tablesToRead(what: string): { endpoint: string | undefined; main: string; audit: string } {
  const env = process.env;
  if (env.MAIN_TABLE_NAME && env.AUDIT_TABLE_NAME) {
    return { endpoint: env.DYNAMODB_ENDPOINT, main: env.MAIN_TABLE_NAME, audit: env.AUDIT_TABLE_NAME };
  }
  if (existsSync(LOCAL_STACK_FILE)) {
    const stack = JSON.parse(readFileSync(LOCAL_STACK_FILE, 'utf8')) as {
      dynamoDbEndpoint: string;
      tables: { main: string; audit: string };
    };
    useLocalAwsEnvironment();
    return { endpoint: stack.dynamoDbEndpoint, ...stack.tables };
  }
  console.error(
    `Nothing to ${what}: start the stack (npm start) or set MAIN_TABLE_NAME and AUDIT_TABLE_NAME.`,
  );
  process.exit(2);
}

/** The sweeper's age limit as the deployment sets it (RESERVATION_MAX_AGE_SECONDS), if it does. */
export const sweeperMaxAge = (): number | undefined =>
  process.env.RESERVATION_MAX_AGE_SECONDS === undefined
    ? undefined
    : Number(process.env.RESERVATION_MAX_AGE_SECONDS);
