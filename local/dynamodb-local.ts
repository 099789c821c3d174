import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  type Projection,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { IndexDeclaration, TableDeclaration } from '../functions/shared/db/tables.ts';
import { spawnTiedToParent, stopChild, waitForPort } from './processes.ts';

/**
 * DynamoDB Local takes any credentials and region; the SDK only needs some to sign with.
 * The SDK also warns that from 2027 it needs Node 22: Lambda runs 22, this machine has 20.
 */
export function useLocalAwsEnvironment(): void {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** The DynamoDB Local jar that the `local-dynamo` package ships. */
function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('local-dynamo/package.json')), 'aws_dynamodb_local');
}

/**
 * The shape of the items a data directory holds. Bump it when stored items change in a way the code
 * cannot read or extend: 2 since every audited item counts its versions (an item written before has
 * none, and its next write or audit record would fail); 3 since index keys are sharded and promo
 * codes keep their counts in allotment shards (listings would not find older entries, and an older
 * code would have no shards to claim from).
 */
export const LOCAL_DATA_FORMAT = '4';
const FORMAT_FILE = 'FORMAT';

/**
 * Makes `dataDir` ready for this version of the service: a directory holding data of another format
 * (or of none recorded) is moved aside, never deleted, and a fresh one is started.
 * @returns where older data was moved, if it was
 */
export function prepareDataDir(dataDir: string): string | undefined {
  const formatFile = join(dataDir, FORMAT_FILE);
  const kept = existsSync(dataDir) && readdirSync(dataDir).length > 0;
  const format = existsSync(formatFile) ? readFileSync(formatFile, 'utf8').trim() : undefined;
  let setAside: string | undefined;
  if (kept && format !== LOCAL_DATA_FORMAT) {
    setAside = `${dataDir}-format-${format ?? '1'}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dataDir, setAside);
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(formatFile, `${LOCAL_DATA_FORMAT}\n`);
  return setAside;
}

/**
 * Starts AWS's DynamoDB Local on `port`, keeping its data in `dataDir` (or in memory).
 * The JVM's heap is capped: its default is a quarter of the machine's memory.
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string | undefined;
}): Promise<DynamoDbLocal> {
  const jars = jarDirectory();
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) {
    const setAside = prepareDataDir(options.dataDir);
    if (setAside) {
      console.error(
        `DynamoDB Local: data kept by an older version of the service moved to ${setAside}; starting afresh`,
      );
    }
  }
  const child: ChildProcess = spawnTiedToParent('java', [
    '-Xmx512m',
    `-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jars, 'DynamoDBLocal.jar'),
    '-sharedDb',
    '-port',
    String(options.port),
    ...storage,
  ]);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitForPort(options.port, 30_000, child);
  } catch (error) {
    await stopChild(child);
    throw new Error(`DynamoDB Local did not start (is Java 17+ installed?):\n${output}`, { cause: error });
  }
  return { endpoint: `http://127.0.0.1:${options.port}`, stop: () => stopChild(child) };
}

/**
 * Creates each declared table that does not exist yet, exactly as the CDK stack declares it, and
 * adds the indexes that a table kept in DATA_DIR by an older version of the code lacks.
 */
export async function createTables(
  endpoint: string,
  tables: readonly { declaration: TableDeclaration; name: string }[],
): Promise<void> {
  const client = new DynamoDBClient({ endpoint });
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  for (const { declaration, name } of tables) {
    const attributes = new Set([declaration.partitionKey, declaration.sortKey]);
    for (const index of declaration.globalSecondaryIndexes) {
      attributes.add(index.partitionKey);
      attributes.add(index.sortKey);
    }
    const AttributeDefinitions: AttributeDefinition[] = [...attributes].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    }));
    const indexes: GlobalSecondaryIndex[] = declaration.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: projectionOf(index),
    }));

    if (TableNames.includes(name)) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      const existing = new Map(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.Projection]),
      );
      // One index per UpdateTable call, as DynamoDB requires. An index kept from an older declaration
      // with another projection (data kept by `npm start`) is built again: a projection cannot change.
      for (const index of indexes) {
        const kept = existing.get(index.IndexName);
        if (existing.has(index.IndexName) && sameProjection(kept, index.Projection)) continue;
        if (existing.has(index.IndexName)) {
          await client.send(
            new UpdateTableCommand({
              TableName: name,
              GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.IndexName } }],
            }),
          );
        }
        await client.send(
          new UpdateTableCommand({
            TableName: name,
            AttributeDefinitions,
            GlobalSecondaryIndexUpdates: [{ Create: index }],
          }),
        );
      }
      continue;
    }
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions,
        KeySchema: [
          { AttributeName: declaration.partitionKey, KeyType: 'HASH' },
          { AttributeName: declaration.sortKey, KeyType: 'RANGE' },
        ],
        ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
        ...(declaration.stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: declaration.stream } }
          : {}),
      }),
    );
    if (declaration.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: declaration.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
  client.destroy();
}

function projectionOf(index: IndexDeclaration): Projection {
  if (index.projection === 'ALL' || index.projection === 'KEYS_ONLY')
    return { ProjectionType: index.projection };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] };
}

function sameProjection(a: Projection | undefined, b: Projection | undefined): boolean {
  const attributes = (p: Projection | undefined): string => [...(p?.NonKeyAttributes ?? [])].sort().join(',');
  return a?.ProjectionType === b?.ProjectionType && attributes(a) === attributes(b);
}
