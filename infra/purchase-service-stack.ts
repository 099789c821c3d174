import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Stage, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  StreamViewType,
  Table,
} from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  AnyPrincipal,
  Effect,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionEnvironment } from '../functions/environment.ts';
import {
  DEFAULT_MEMORY_MB,
  type DynamoAction,
  type MainTableAccess,
  type MainTableIndex,
  ROUTES,
  type RouteDeclaration,
} from '../functions/routes.ts';
import {
  AUDIT_TABLE,
  type IndexDeclaration,
  MAIN_TABLE,
  type TableDeclaration,
} from '../functions/shared/db/tables.ts';
import { SERVICE_NAME } from '../functions/shared/metrics/metric-names.ts';
import {
  AUDIT_PROJECTOR,
  EXPIRY_INTERVAL_SECONDS,
  LOT_EXPIRY,
  PURCHASE_STATE_MACHINE,
  RECONCILER,
  RESERVATION_SWEEPER,
  SAGA_TASKS,
  type SagaTaskDeclaration,
  SWEEP_INTERVAL_SECONDS,
} from '../functions/workers.ts';
import { AdminHosting } from './admin-hosting.ts';
import { Auth, cognitoOrigins } from './auth.ts';
import { bundlingHooks, FUNCTION_BUNDLING } from './function-bundling.ts';
import { PurchaseHttpApi } from './http-api.ts';
import { Operations } from './operations.ts';
import { grantMainTable, grantTable } from './table-grants.ts';

const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface PurchaseServiceStackProps extends StackProps {
  /** Base URL of the other team's Customers/Products/Shipments API. */
  externalApiBaseUrl: string;
}

interface FunctionSpec {
  id: string;
  entry: string;
  mainTable: MainTableAccess;
  mainTableIndexes?: readonly MainTableIndex[];
  auditTable?: readonly DynamoAction[];
  /** Only the functions that call out are told where the external API is. */
  externalApi: boolean;
  timeoutSeconds: number;
  memoryMb?: number;
  environment?: FunctionEnvironment;
  packageFiles?: readonly string[];
  /** Its role, when something made before the function must name it (the audit table's policy). */
  role?: Role;
}

/** Requests per second across the stage, and the burst above it (context: apiRateLimit, apiBurstLimit). */
const DEFAULT_RATE_LIMIT = 50;
const DEFAULT_BURST_LIMIT = 100;
/** The purchase route's p99 alarm threshold (context: purchaseLatencyP99Ms); its saga times out at 25 s. */
const DEFAULT_PURCHASE_LATENCY_P99_MS = 5_000;
/** The scheduled reconciliation: it scans both tables, so daily (DESIGN.md, Operations). */
interface Tables {
  main: Table;
  audit: Table;
}

/**
 * The audit table's resource policy: what nobody may do to it, whatever their IAM policies say
 * (DESIGN.md, Audit). In a table's own resource policy, `*` is the table (its ARN does not exist
 * before it does).
 */
function auditTablePolicy(projectorRoleArn: string): PolicyDocument {
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'AuditRecordsAreNeverChangedOrRemoved',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:PartiQLUpdate',
          'dynamodb:PartiQLDelete',
          // Turning TTL on would let DynamoDB itself delete records.
          'dynamodb:UpdateTimeToLive',
        ],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'OnlyTheProjectorAppends',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        // A put over an existing key replaces the record: anyone else who may put could rewrite it.
        actions: ['dynamodb:PutItem', 'dynamodb:PartiQLInsert'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': projectorRoleArn } },
      }),
      new PolicyStatement({
        sid: 'TheTableIsNeverDroppedOrUnprotected',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        // UpdateTable is how deletion protection is turned off; changing the table's indexes later
        // takes a deployment that lifts this statement first (DESIGN.md, Audit).
        actions: ['dynamodb:UpdateTable', 'dynamodb:DeleteTable'],
        resources: ['*'],
      }),
    ],
  });
}

/** How long the locked vault keeps the audit table's daily copies, and its monthly ones. */
const AUDIT_DAILY_COPY_DAYS = 35;
const AUDIT_MONTHLY_COPY_DAYS = 7 * 365;
/** The vault lock's grace period: after it, compliance mode makes the lock immutable (3 days at least). */
const AUDIT_VAULT_LOCK_GRACE_DAYS = 3;

export class PurchaseServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: PurchaseServiceStackProps) {
    super(scope, id, props);

    // First: without the admin app's build it fails at once, before bundling anything.
    const domainPrefix = this.contextString('authDomainPrefix', `purchase-service-${this.account}`);
    const signIn = cognitoOrigins(this, domainPrefix);
    const hosting = new AdminHosting(this, 'AdminApp', {
      assetPath: this.contextString('adminAppAssetPath', join(ROOT_DIR, 'admin', 'dist')),
      // Any API of the region: naming this one's id would make the distribution depend on the API
      // while the API's CORS names the distribution (DESIGN.md, Admin app in AWS).
      connectOrigins: [
        `https://*.execute-api.${this.region}.${this.urlSuffix}`,
        signIn.issuer,
        signIn.hostedUi,
      ],
      ...this.customDomain(),
    });

    // Made before the tables: the audit table's policy names it as the one role that may put there.
    const auditProjectorRole = this.functionRole(AUDIT_PROJECTOR.id);
    const tables: Tables = {
      main: this.table(MAIN_TABLE),
      audit: this.table(AUDIT_TABLE, auditTablePolicy(auditProjectorRole.roleArn)),
    };
    this.auditBackups(tables.audit);
    const functions: { id: string; fn: NodejsFunction }[] = [];
    const fn = (spec: FunctionSpec): NodejsFunction => {
      const created = this.lambda(spec, tables, props.externalApiBaseUrl);
      functions.push({ id: spec.id, fn: created });
      return created;
    };

    const audit = this.auditProjector(fn, tables.main, auditProjectorRole);

    const purchaseSaga = this.purchaseStateMachine(fn);

    const sweeper = fn(RESERVATION_SWEEPER);
    new Rule(this, 'SweepReservationsSchedule', {
      description: 'Releases or completes the credit holds of purchase sagas that died',
      schedule: Schedule.rate(Duration.seconds(SWEEP_INTERVAL_SECONDS)),
      targets: [new LambdaFunction(sweeper, { retryAttempts: 0 })],
    });
    new Rule(this, 'ExpireLotsSchedule', {
      description: 'Expires what remains of credit lots past their expiry',
      schedule: Schedule.rate(Duration.seconds(EXPIRY_INTERVAL_SECONDS)),
      targets: [new LambdaFunction(fn(LOT_EXPIRY), { retryAttempts: 0 })],
    });
    this.scheduledReconcile(fn, tables);

    const auth = new Auth(this, 'Auth', {
      adminAppCallbackUrls: this.contextList('adminAppCallbackUrls', [`${hosting.origin}/callback`]),
      adminAppLogoutUrls: this.contextList('adminAppLogoutUrls', [`${hosting.origin}/`]),
      domainPrefix,
    });
    const authEnvironment: FunctionEnvironment = {
      AUTH_ISSUER: auth.issuer,
      AUTH_AUDIENCE: auth.audiences.join(','),
      AUTH_JWKS_URL: auth.jwksUrl,
      AUTH_TOKEN_URL: auth.tokenUrl,
      AUTH_AUTHORIZATION_URL: auth.authorizationUrl,
    };
    const api = new PurchaseHttpApi(this, 'Api', {
      issuer: auth.issuer,
      audiences: auth.audiences,
      // The distribution's origin, and any other from context (a dev server calling this API).
      adminAppOrigins: [hosting.origin, ...this.contextList('adminAppOrigin', [])],
      throttle: {
        rateLimit: Number(this.contextString('apiRateLimit', String(DEFAULT_RATE_LIMIT))),
        burstLimit: Number(this.contextString('apiBurstLimit', String(DEFAULT_BURST_LIMIT))),
      },
    });
    for (const route of ROUTES as readonly RouteDeclaration[]) {
      const handler = fn({
        ...route,
        id: route.operationId,
        environment: {
          ...authEnvironment,
          ...(route.startsPurchaseSaga ? { PURCHASE_STATE_MACHINE_ARN: purchaseSaga.stateMachineArn } : {}),
        },
      });
      if (route.startsPurchaseSaga) purchaseSaga.grantStartSyncExecution(handler);
      api.addRoute(route, handler);
    }
    api.addPreflightRoute(
      fn({
        id: 'CorsPreflight',
        entry: 'functions/ops/cors-preflight.http.ts',
        mainTable: {},
        externalApi: false,
        timeoutSeconds: 3,
      }),
    );

    const purchaseRoute = (ROUTES as readonly RouteDeclaration[]).find((route) => route.startsPurchaseSaga);
    if (!purchaseRoute) throw new Error('no route starts the purchase saga in routes.ts');
    const alarmEmail = this.node.tryGetContext('alarmEmail') as unknown;
    const operations = new Operations(this, 'Operations', {
      stage: api.stage,
      purchaseRoute: { method: purchaseRoute.method, resource: purchaseRoute.path },
      stateMachine: purchaseSaga,
      functions,
      auditProjector: audit.projector,
      auditDeadLetters: audit.deadLetters,
      alarmEmail: alarmEmail === undefined ? undefined : String(alarmEmail),
      purchaseLatencyP99Ms: Number(
        this.contextString('purchaseLatencyP99Ms', String(DEFAULT_PURCHASE_LATENCY_P99_MS)),
      ),
    });

    hosting.deploy({
      authority: auth.issuer,
      clientId: auth.adminAppClient.userPoolClientId,
      apiBaseUrl: api.api.apiEndpoint,
    });

    new CfnOutput(this, 'AdminAppUrl', { value: `${hosting.origin}/` });
    new CfnOutput(this, 'ApiUrl', { value: api.api.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: auth.userPool.userPoolId });
    new CfnOutput(this, 'AdminAppClientId', { value: auth.adminAppClient.userPoolClientId });
    new CfnOutput(this, 'StorefrontClientId', { value: auth.storefrontClient.userPoolClientId });
    new CfnOutput(this, 'MainTableName', { value: tables.main.tableName });
    new CfnOutput(this, 'AuditTableName', { value: tables.audit.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: operations.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: operations.dashboard.dashboardName });
  }

  /** Context `adminAppDomainName` and `adminAppCertificateArn` (us-east-1), both or neither. */
  private customDomain(): { customDomain?: { domainName: string; certificateArn: string } } {
    const domainName: unknown = this.node.tryGetContext('adminAppDomainName');
    const certificateArn: unknown = this.node.tryGetContext('adminAppCertificateArn');
    if (domainName === undefined && certificateArn === undefined) return {};
    if (domainName === undefined || certificateArn === undefined) {
      throw new Error(
        'Context adminAppDomainName and adminAppCertificateArn go together: give both or neither.',
      );
    }
    return { customDomain: { domainName: String(domainName), certificateArn: String(certificateArn) } };
  }

  private contextString(key: string, fallback: string): string {
    const value: unknown = this.node.tryGetContext(key);
    return value === undefined ? fallback : String(value);
  }

  /** A list from context: a JSON array (cdk.json) or a comma-separated string (`-c key=a,b`). */
  private contextList(key: string, fallback: readonly string[]): string[] {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined) return [...fallback];
    const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
    return items.map((item) => item.trim()).filter((item) => item !== '');
  }

  private table(declaration: TableDeclaration, resourcePolicy?: PolicyDocument): Table {
    const table = new Table(this, declaration.id, {
      ...(resourcePolicy ? { resourcePolicy } : {}),
      partitionKey: { name: declaration.partitionKey, type: AttributeType.STRING },
      sortKey: { name: declaration.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(declaration.stream ? { stream: StreamViewType[declaration.stream] } : {}),
      ...(declaration.timeToLiveAttribute ? { timeToLiveAttribute: declaration.timeToLiveAttribute } : {}),
    });
    for (const index of declaration.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...projectionOf(index),
      });
    }
    return table;
  }

  /**
   * The purchase saga as an Express state machine: the same file the local runner executes, its
   * `${...}ARN` placeholders filled with the task functions' ARNs. Inline (not an S3 asset), so the
   * template shows the definition that runs.
   */
  private purchaseStateMachine(fn: (spec: FunctionSpec) => NodejsFunction): StateMachine {
    const tasks = (SAGA_TASKS as readonly SagaTaskDeclaration[]).map((task) => ({
      task,
      handler: fn(task),
    }));
    const stateMachine = new StateMachine(this, PURCHASE_STATE_MACHINE.id, {
      stateMachineType: StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromString(
        readFileSync(join(ROOT_DIR, PURCHASE_STATE_MACHINE.definitionFile), 'utf8'),
      ),
      definitionSubstitutions: Object.fromEntries(
        tasks.map(({ task, handler }) => [task.arnPlaceholder, handler.functionArn]),
      ),
      logs: {
        destination: new LogGroup(this, `${PURCHASE_STATE_MACHINE.id}Logs`, {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        // Failed executions with their data (what debugging needs); successful ones would put every
        // customer's name and address in the logs, at a cost per state transition.
        level: LogLevel.ERROR,
        includeExecutionData: true,
      },
      tracingEnabled: true,
    });
    // The definition invokes each task by its unqualified ARN; `grantInvoke` would add `:*` (every
    // version and alias) as well.
    stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: tasks.map(({ handler }) => handler.functionArn),
      }),
    );
    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Logging at ERROR with execution data on purpose: every successful execution would otherwise write a customer name and address to the logs, at a cost per state transition.',
    });
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Log delivery to CloudWatch Logs (logs:CreateLogDelivery and the like) and X-Ray tracing have no resource-level permissions; Step Functions documents these statements on *.',
    });
    return stateMachine;
  }

  /**
   * The main table's stream feeds the audit projector: failing batches are split to find the bad
   * record, partial batch responses keep the good ones, retries and record age are capped, and what
   * still fails goes to a dead-letter queue whose first message raises an alarm.
   */
  private auditProjector(
    fn: (spec: FunctionSpec) => NodejsFunction,
    mainTable: Table,
    role: Role,
  ): { projector: NodejsFunction; deadLetters: Queue } {
    const projector = fn({ ...AUDIT_PROJECTOR, role });
    const deadLetters = new Queue(this, 'AuditDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the dead-letter destination itself (the stream mapping's onFailure); its first message raises an alarm, and a queue behind it would only move the problem.",
    });
    projector.addEventSource(
      // `Table` is an `ITable`; only `exactOptionalPropertyTypes` (strict about `?:` vs `| undefined`
      // in the library's own declarations) says otherwise.
      new DynamoEventSource(mainTable as ITable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(deadLetters),
      }),
    );
    // Its alarm (first message) and the stream's iterator age are in Operations.
    return { projector, deadLetters };
  }

  /**
   * `npm run reconcile`'s checks on a daily schedule, publishing the breaches it finds as a metric
   * (alarm: ReconcileBreaches). The one function that may Scan, and only that: read-only, on both
   * tables, with no key condition (a scan names no partition).
   */
  private scheduledReconcile(fn: (spec: FunctionSpec) => NodejsFunction, tables: Tables): void {
    const reconciler = fn(RECONCILER);
    reconciler.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Scan'],
        resources: [tables.main.tableArn, tables.audit.tableArn],
      }),
    );
    new Rule(this, 'ReconcileBooksSchedule', {
      description: 'Checks that the ledger, balances, refunds and audit trail agree; publishes the breaches',
      schedule: Schedule.rate(Duration.days(1)),
      targets: [new LambdaFunction(reconciler, { retryAttempts: 0 })],
    });
  }

  /**
   * A function's own role, allowed to write its own log group only (instead of the managed
   * AWSLambdaBasicExecutionRole, which may write to every log group of the account).
   */
  private functionRole(id: string): Role {
    return new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  }

  /**
   * A copy of the audit trail nobody can delete: AWS Backup copies the table into a vault whose lock
   * is in compliance mode (ChangeableForDays set), so once the grace days are over no one, the
   * account's root included, can delete a recovery point before its retention ends or lift the lock.
   * Daily copies for a month, monthly ones for seven years.
   */
  private auditBackups(auditTable: Table): void {
    const vault = new BackupVault(this, 'AuditBackupVault', {
      lockConfiguration: {
        minRetention: Duration.days(AUDIT_DAILY_COPY_DAYS),
        changeableFor: Duration.days(AUDIT_VAULT_LOCK_GRACE_DAYS),
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new BackupPlan(this, 'AuditBackupPlan', {
      backupVault: vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'AuditDaily',
          scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }),
          deleteAfter: Duration.days(AUDIT_DAILY_COPY_DAYS),
        }),
        new BackupPlanRule({
          ruleName: 'AuditMonthly',
          scheduleExpression: Schedule.cron({ day: '1', hour: '4', minute: '0' }),
          deleteAfter: Duration.days(AUDIT_MONTHLY_COPY_DAYS),
        }),
      ],
    });
    // Backups only: a restore makes a new table, and is an operator's act with their own rights.
    const selection = plan.addSelection('AuditTable', {
      resources: [BackupResource.fromDynamoDbTable(auditTable)],
    });
    Validations.of(selection.grantPrincipal as Role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's own service-role policy for taking backups, as its guide prescribes; it is the role AWS Backup assumes, and grants no restore.",
    });
  }

  private lambda(spec: FunctionSpec, tables: Tables, externalApiBaseUrl: string): NodejsFunction {
    const environment: FunctionEnvironment = {
      [MAIN_TABLE.nameVariable]: tables.main.tableName,
      ...(spec.auditTable ? { [AUDIT_TABLE.nameVariable]: tables.audit.tableName } : {}),
      ...(spec.externalApi ? { EXTERNAL_API_BASE_URL: externalApiBaseUrl } : {}),
      ...spec.environment,
    };
    const logGroup = new LogGroup(this, `${spec.id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = spec.role ?? this.functionRole(spec.id);
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, spec.id, {
      role,
      entry: join(ROOT_DIR, spec.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot: ROOT_DIR,
      depsLockFilePath: join(ROOT_DIR, 'package-lock.json'),
      environment: {
        ...environment,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      },
      bundling: {
        ...FUNCTION_BUNDLING,
        // The local esbuild (a devDependency) bundles; Docker is never used.
        forceDockerBundling: false,
        commandHooks: bundlingHooks({
          rootDir: ROOT_DIR,
          packageFiles: spec.packageFiles,
          sourceMapDir: join(
            Stage.of(this)?.outdir ?? join(ROOT_DIR, 'cdk.out'),
            'source-maps',
            this.stackName,
            spec.id,
          ),
        }),
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, nor has dynamodb:ListStreams (the stream consumer); an infra test checks that nothing else is granted on *.',
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is a supported Lambda runtime; moving to 24 is its own change (bundle target, the runtime the suite is reasoned against), not part of this one.',
    });
    grantMainTable(fn, tables.main, spec.mainTable, spec.mainTableIndexes);
    // No LeadingKeys on the audit table: its keys span every entity type, and its resource policy
    // already forbids changing what is there; only the projector may put.
    grantTable(fn, tables.audit, AUDIT_TABLE, spec.auditTable ?? []);
    return fn;
  }
}

function projectionOf(index: IndexDeclaration): {
  projectionType: ProjectionType;
  nonKeyAttributes?: string[];
} {
  if (index.projection === 'ALL') return { projectionType: ProjectionType.ALL };
  if (index.projection === 'KEYS_ONLY') return { projectionType: ProjectionType.KEYS_ONLY };
  return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] };
}
