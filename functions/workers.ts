/**
 * The functions that no route calls: the purchase saga's steps and the reservation sweeper, with
 * the state machine they belong to. The CDK stack deploys them from here and the local runtime binds
 * the same modules, so both read one list. Dependency-free on purpose: `infra/` imports it.
 */
import { CUSTOMER_ITEMS, type DynamoAction, PROMO_CODE_ITEMS, PURCHASE_ITEMS } from './routes.ts';

export interface WorkerDeclaration {
  /** The Lambda function's construct id. */
  readonly id: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly mainTable: readonly DynamoAction[];
  /** As in the route table: the main-table partitions it touches, for its `LeadingKeys` condition. */
  readonly mainTableKeys?: readonly string[];
  /** Actions on the audit table: only the projector is given them. */
  readonly auditTable?: readonly DynamoAction[];
  readonly externalApi: boolean;
  /**
   * Lambda's timeout. For a saga task it is below the Task state's TimeoutSeconds, so the function
   * is gone before the state machine moves on (to a compensation, say) without it.
   */
  readonly timeoutSeconds: number;
  /** As in the route table: Lambda's memory (MB), DEFAULT_MEMORY_MB unless given. */
  readonly memoryMb?: number;
}

export interface SagaTaskDeclaration extends WorkerDeclaration {
  /** The `${...}` placeholder in the state machine file that stands for this function's ARN. */
  readonly arnPlaceholder: string;
}

export const PURCHASE_STATE_MACHINE = {
  id: 'PurchaseStateMachine',
  definitionFile: 'statemachines/purchase.asl.json',
} as const;

export const SAGA_TASKS = [
  {
    id: 'ReserveCredit',
    arnPlaceholder: 'ReserveCreditFunctionArn',
    entry: 'functions/purchases/saga/reserve-credit.task.ts',
    // BatchGetItem: a promo code's counter shards (the quote, and a claim moving to another shard).
    mainTable: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
    mainTableKeys: [CUSTOMER_ITEMS, PURCHASE_ITEMS, PROMO_CODE_ITEMS],
    // It quotes first: customer and product, read now (3 s at most), then holds.
    externalApi: true,
    timeoutSeconds: 8,
  },
  {
    id: 'CreateShipment',
    arnPlaceholder: 'CreateShipmentFunctionArn',
    entry: 'functions/purchases/saga/create-shipment.task.ts',
    mainTable: ['GetItem', 'UpdateItem'],
    mainTableKeys: [PURCHASE_ITEMS],
    externalApi: true,
    timeoutSeconds: 9,
  },
  {
    id: 'CommitPurchase',
    arnPlaceholder: 'CommitPurchaseFunctionArn',
    entry: 'functions/purchases/saga/commit-purchase.task.ts',
    mainTable: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
    mainTableKeys: [CUSTOMER_ITEMS, PURCHASE_ITEMS, PROMO_CODE_ITEMS],
    externalApi: false,
    timeoutSeconds: 9,
  },
  {
    id: 'ReleaseCredit',
    arnPlaceholder: 'ReleaseCreditFunctionArn',
    entry: 'functions/purchases/saga/release-credit.task.ts',
    mainTable: ['GetItem', 'UpdateItem', 'DeleteItem'],
    mainTableKeys: [CUSTOMER_ITEMS, PURCHASE_ITEMS, PROMO_CODE_ITEMS],
    externalApi: false,
    timeoutSeconds: 4,
  },
] as const satisfies readonly SagaTaskDeclaration[];

/** Releases or rolls forward the holds of sagas that died; runs every minute. */
export const RESERVATION_SWEEPER = {
  id: 'SweepReservations',
  entry: 'functions/purchases/saga/sweep-reservations.schedule.ts',
  mainTable: ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  mainTableKeys: [CUSTOMER_ITEMS, PURCHASE_ITEMS, PROMO_CODE_ITEMS],
  externalApi: false,
  timeoutSeconds: 60,
} as const satisfies WorkerDeclaration;

/**
 * Turns the main table's stream into the audit table; the only function that may put there, and it
 * may not update or delete.
 */
export const AUDIT_PROJECTOR = {
  id: 'ProjectAudit',
  entry: 'functions/audit/project-audit.stream.ts',
  mainTable: [],
  auditTable: ['GetItem', 'PutItem'],
  externalApi: false,
  timeoutSeconds: 60,
  // A batch is up to 100 records unmarshalled, compared and written: more CPU than a route's request.
  memoryMb: 512,
} as const satisfies WorkerDeclaration;

/**
 * `npm run reconcile`'s checks on a daily schedule (ops/reconciliation.ts), publishing the breaches
 * it finds. The one function that may Scan both tables (granted in the stack); no item action.
 */
export const RECONCILER = {
  id: 'ReconcileBooks',
  entry: 'functions/ops/reconcile.schedule.ts',
  mainTable: [],
  // An empty list still tells it the audit table's name.
  auditTable: [],
  externalApi: false,
  timeoutSeconds: 900,
  // Scans and folds every trail in memory.
  memoryMb: 1024,
} as const satisfies WorkerDeclaration;
