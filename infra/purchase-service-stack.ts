import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ROUTES, type RouteDeclaration } from '../functions/routes.ts';
import { AUDIT_TABLE, MAIN_TABLE, type TableDeclaration } from '../functions/shared/db/tables.ts';

const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The SDK and other CommonJS dependencies call `require`; an ESM bundle must provide it. */
const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface PurchaseServiceStackProps extends StackProps {
  /** Base URL of the other team's Customers/Products/Shipments API. */
  externalApiBaseUrl: string;
}

export class PurchaseServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: PurchaseServiceStackProps) {
    super(scope, id, props);

    const mainTable = this.table(MAIN_TABLE);
    // Filled by the stream projector (a later issue); nothing else will be granted writes to it.
    this.table(AUDIT_TABLE);

    const api = new HttpApi(this, 'HttpApi', { description: 'Purchase service public API' });
    for (const route of ROUTES as readonly RouteDeclaration[]) {
      const fn = this.routeFunction(route, mainTable, props.externalApiBaseUrl);
      const integration = new HttpLambdaIntegration(`${route.operationId}Integration`, fn);
      if (route.path === '$default') {
        new HttpRoute(this, `${route.operationId}Route`, {
          httpApi: api,
          routeKey: HttpRouteKey.DEFAULT,
          integration,
        });
      } else {
        api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
  }

  private table(declaration: TableDeclaration): Table {
    const table = new Table(this, declaration.id, {
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
      });
    }
    return table;
  }

  private routeFunction(
    route: RouteDeclaration,
    mainTable: Table,
    externalApiBaseUrl: string,
  ): NodejsFunction {
    const fn = new NodejsFunction(this, route.operationId, {
      entry: join(ROOT_DIR, route.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      // Below API Gateway's 30 s, and well below the idempotency lock (60 s).
      timeout: Duration.seconds(15),
      tracing: Tracing.ACTIVE,
      logGroup: new LogGroup(this, `${route.operationId}Logs`, {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      projectRoot: ROOT_DIR,
      depsLockFilePath: join(ROOT_DIR, 'package-lock.json'),
      environment: {
        [MAIN_TABLE.nameVariable]: mainTable.tableName,
        EXTERNAL_API_BASE_URL: externalApiBaseUrl,
        POWERTOOLS_SERVICE_NAME: 'purchase-service',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        banner: ESM_REQUIRE_SHIM,
        // Ship the SDK version the tests ran against rather than the runtime's, which changes under us.
        externalModules: [],
        // The local esbuild (a devDependency) bundles; Docker is never used.
        forceDockerBundling: false,
      },
    });
    if (route.mainTable.length > 0) {
      const needsIndexes = route.mainTable.includes('Query');
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: route.mainTable.map((action) => `dynamodb:${action}`),
          resources: needsIndexes
            ? [mainTable.tableArn, `${mainTable.tableArn}/index/*`]
            : [mainTable.tableArn],
        }),
      );
    }
    return fn;
  }
}
