/**
 * The functions that no route calls: the purchase saga's steps and the reservation sweeper, with
 * the state machine they belong to. The CDK stack deploys them from here and the local runtime binds
 * the same modules, so both read one list. Dependency-free on purpose: `infra/` imports it.
 */
import {
  CUSTOMER_ITEMS,
  type DynamoAction,
  type MainTableAccess,
  type MainTableIndex,
  PROMO_CODE_ITEMS,
  PURCHASE_ITEMS,
} from './routes.ts';

export interface WorkerDeclaration {
  /** The Lambda function's construct id. */
  readonly id: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** As in the route table: the actions its code uses on the main table, partition by partition. */
  readonly mainTable: MainTableAccess;
  readonly mainTableIndexes?: readonly MainTableIndex[];
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
  /**
   * The file's TimeoutSeconds (an infra test holds the two equal): no saga holds credit longer
   * than this unless it died.
   */
  timeoutSeconds: 25,
} as const;

/**
 * Commit (saga/commit-purchase.ts): the reservation, the account and the purchase read; one
 * transaction updates the account and the reservation, puts the ledger entry and the purchase, and
 * counts the promo code's redemption.
 */
const COMMIT = {
  [CUSTOMER_ITEMS]: ['GetItem', 'PutItem', 'UpdateItem'],
  [PURCHASE_ITEMS]: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
  [PROMO_CODE_ITEMS]: ['UpdateItem'],
} as const satisfies MainTableAccess;

/**
 * Release (saga/release-credit.ts): the reservation and the account read; one transaction updates
 * the reservation, the account (the draws back to their lots; an EXPIRY entry for a lot that expired
 * meanwhile) and the promo counts, and deletes the purchase's operation marker (the Idempotency-Key given back). IAM
 * cannot tell that marker from the rest of the customer's partition: the one DeleteItem outside
 * idempotency records (DESIGN.md, Authentication in AWS).
 */
const RELEASE = {
  [CUSTOMER_ITEMS]: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  [PURCHASE_ITEMS]: ['GetItem', 'UpdateItem'],
  [PROMO_CODE_ITEMS]: ['UpdateItem'],
} as const satisfies MainTableAccess;

const union = (...lists: readonly (readonly DynamoAction[] | undefined)[]): DynamoAction[] => [
  ...new Set(lists.flatMap((list) => list ?? [])),
];

export const SAGA_TASKS = [
  {
    id: 'ReserveCredit',
    arnPlaceholder: 'ReserveCreditFunctionArn',
    entry: 'functions/purchases/saga/reserve-credit.task.ts',
    // One transaction: the hold, the operation marker, the reservation, the promo claims (on a
    // counter shard, and the customer's count in the customer's partition). The marker, the account
    // and the code are read only to explain a refusal (and the code by the quote), a code's counter
    // shards (BatchGetItem) when a claim moves to another shard, and a duplicate's earlier
    // reservation to answer one held for review.
    mainTable: {
      [CUSTOMER_ITEMS]: ['GetItem', 'PutItem', 'UpdateItem'],
      [PURCHASE_ITEMS]: ['GetItem', 'PutItem'],
      [PROMO_CODE_ITEMS]: ['GetItem', 'BatchGetItem', 'UpdateItem'],
    },
    // It quotes first: customer and product, read now (3 s at most), then holds.
    externalApi: true,
    timeoutSeconds: 8,
  },
  {
    id: 'CreateShipment',
    arnPlaceholder: 'CreateShipmentFunctionArn',
    entry: 'functions/purchases/saga/create-shipment.task.ts',
    // The reservation's SHIPPING and SHIPPED marks, and a read when SHIPPING was already set.
    mainTable: { [PURCHASE_ITEMS]: ['GetItem', 'UpdateItem'] },
    externalApi: true,
    timeoutSeconds: 9,
  },
  {
    id: 'CommitPurchase',
    arnPlaceholder: 'CommitPurchaseFunctionArn',
    entry: 'functions/purchases/saga/commit-purchase.task.ts',
    mainTable: COMMIT,
    externalApi: false,
    timeoutSeconds: 9,
  },
  {
    id: 'ReleaseCredit',
    arnPlaceholder: 'ReleaseCreditFunctionArn',
    entry: 'functions/purchases/saga/release-credit.task.ts',
    mainTable: RELEASE,
    externalApi: false,
    timeoutSeconds: 4,
  },
] as const satisfies readonly SagaTaskDeclaration[];

/** How often the reservation sweeper runs (the stack's schedule, the local timer). */
export const SWEEP_INTERVAL_SECONDS = 60;

/** Releases or rolls forward the holds of sagas that died; runs every SWEEP_INTERVAL_SECONDS. */
export const RESERVATION_SWEEPER = {
  id: 'SweepReservations',
  entry: 'functions/purchases/saga/sweep-reservations.schedule.ts',
  // Open reservations from GSI3, read by key; then a Release, a Commit or a move to the review list.
  mainTable: {
    [CUSTOMER_ITEMS]: union(COMMIT[CUSTOMER_ITEMS], RELEASE[CUSTOMER_ITEMS]),
    [PURCHASE_ITEMS]: union(COMMIT[PURCHASE_ITEMS], RELEASE[PURCHASE_ITEMS], ['BatchGetItem']),
    [PROMO_CODE_ITEMS]: union(COMMIT[PROMO_CODE_ITEMS], RELEASE[PROMO_CODE_ITEMS]),
  },
  mainTableIndexes: ['GSI3'],
  externalApi: false,
  timeoutSeconds: 60,
} as const satisfies WorkerDeclaration;

/**
 * How often the lot expiry runs (the stack's schedule, the local timer): a lot's remainder leaves
 * the balance at most this long after its `expiresAt` (it is never spendable after it).
 */
export const EXPIRY_INTERVAL_SECONDS = 300;

/** Expires what remains of due credit lots; runs every EXPIRY_INTERVAL_SECONDS (ledger/expire-lots.ts). */
export const LOT_EXPIRY = {
  id: 'ExpireLots',
  entry: 'functions/ledger/expire-lots.schedule.ts',
  // Due accounts from GSI2's shards; each account read, then written with its EXPIRY entries.
  mainTable: { [CUSTOMER_ITEMS]: ['GetItem', 'PutItem', 'UpdateItem'] },
  mainTableIndexes: ['GSI2'],
  externalApi: false,
  timeoutSeconds: 120,
} as const satisfies WorkerDeclaration;

/**
 * Turns the main table's stream into the audit table; the only function that may put there, and it
 * may not update or delete.
 */
export const AUDIT_PROJECTOR = {
  id: 'ProjectAudit',
  entry: 'functions/audit/project-audit.stream.ts',
  mainTable: {},
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
  mainTable: {},
  // An empty list still tells it the audit table's name.
  auditTable: [],
  externalApi: false,
  timeoutSeconds: 900,
  // Scans and folds every trail in memory.
  memoryMb: 1024,
} as const satisfies WorkerDeclaration;
