import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { pricedProduct } from '../functions/products/product.ts';
import { createDocumentClient } from '../functions/shared/db/document-client.ts';
import {
  FIRST_VERSION,
  NEXT_VERSION,
  VERSION_NAMES,
  VERSION_VALUES,
} from '../functions/shared/db/item-version.ts';
import {
  allPurchasesPartition,
  creditAccountKey,
  creditOperationKey,
  KNOWN_CUSTOMERS_PARTITION,
  ledgerEntryKey,
  openReservationsPartition,
  purchaseKey,
  purchasesOfCustomerPartition,
  purchasesOfProductPartition,
  reservationKey,
} from '../functions/shared/db/keys.ts';
import type { TransactItem } from '../functions/shared/db/transactions.ts';
import { ExternalApiClient } from '../functions/shared/external/external-api.client.ts';
import type { LocalStack } from '../local/stack.ts';

/**
 * The floor of a purchase: the round trips it cannot do without, through the same adapters the
 * service uses (the document client, the external API client), against the same DynamoDB Local and
 * mock API. The two external reads in parallel, the hold (3 items, as Reserve writes them with an
 * Idempotency-Key: the account's conditional hold, the reservation with its quote, the operation
 * marker), CreateShipment, and the commit (4 items, as Commit writes them: the account, the ledger
 * entry, the reservation closed, the purchase with its snapshots). The items carry the same
 * attributes, index keys and conditions as functions/ledger/ledger-writes.ts and
 * functions/purchases/saga/reservation.repository.ts write; the bench mirrors them rather than
 * calling them, so it measures what the writes must be, not what they are today.
 */

export interface FloorAccount {
  customerId: string;
  availableCents: number;
  heldCents: number;
  version: number;
}

const ACTOR = 'bench-floor';

export class SagaFloor {
  readonly client: DynamoDBDocumentClient;
  private readonly external: ExternalApiClient;
  private readonly table: string;

  constructor(stack: LocalStack) {
    this.client = createDocumentClient({ endpoint: stack.dynamoDbEndpoint, requestTimeoutMs: 5_000 });
    this.external = new ExternalApiClient(stack.mockApiUrl, 3_000);
    this.table = stack.tables.main;
  }

  /** The account as the service left it (read once, untimed). */
  async account(customerId: string): Promise<FloorAccount> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: creditAccountKey(customerId), ConsistentRead: true }),
    );
    if (!Item) throw new Error(`no account for ${customerId}`);
    return {
      customerId,
      availableCents: Number(Item.availableCents),
      heldCents: Number(Item.heldCents),
      version: Number(Item.version),
    };
  }

  /** One floor purchase of one unit of `productId` by `account`'s customer; returns its ms. */
  async sample(account: FloorAccount, productId: string): Promise<number> {
    const started = performance.now();
    const purchaseId = randomUUID();
    const quote = await this.quoteFor(account.customerId, productId);
    const snapshot = quote.product;
    const now = new Date().toISOString();
    await this.transact(this.holdItems(account, purchaseId, productId, quote, now));
    const shipment = await this.external.createShipment(
      { shippingAddress: quote.customer.shippingAddress, products: [{ sku: snapshot.sku, quantity: 1 }] },
      `floor-${purchaseId}`,
    );
    await this.transact(
      this.commitItems(account, { purchaseId, productId, quote, shipmentId: shipment.id, now }),
    );
    return performance.now() - started;
  }

  /** Seeds an open reservation for a commit-only transaction (the emulator rate), untimed. */
  async seedReservation(purchaseId: string, customerId: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...reservationKey(purchaseId),
          entity: 'RESERVATION',
          ...FIRST_VERSION,
          purchaseId,
          customerId,
          totalCents: 0,
          status: 'PENDING',
          GSI3PK: openReservationsPartition(purchaseId),
          GSI3SK: `${new Date().toISOString()}#${purchaseId}`,
        },
      }),
    );
  }

  /**
   * A commit-shaped 4-item transaction on its own account (the emulator rate's unit). The seeded
   * reservation holds nothing, so the account pays from available credit.
   */
  commit(account: FloorAccount, purchaseId: string, quote: FloorQuote): Promise<unknown> {
    return this.transact(
      this.commitItems(account, {
        purchaseId,
        productId: quote.product.id,
        quote,
        shipmentId: `SHP-${purchaseId}`,
        now: new Date().toISOString(),
      }),
    );
  }

  private transact(items: TransactItem[]): Promise<unknown> {
    return this.client.send(new TransactWriteCommand({ TransactItems: items }));
  }

  private holdItems(
    account: FloorAccount,
    purchaseId: string,
    productId: string,
    quote: FloorQuote,
    now: string,
  ): TransactItem[] {
    const { customerId } = account;
    const totalCents = quote.totalCents;
    account.availableCents -= totalCents;
    account.heldCents += totalCents;
    account.version += 1;
    return [
      {
        Update: {
          TableName: this.table,
          Key: creditAccountKey(customerId),
          UpdateExpression:
            'SET availableCents = availableCents - :total, heldCents = heldCents + :total, ' +
            'updatedAt = :now, changedBy = :actor ADD #version :one',
          ConditionExpression: 'availableCents >= :total',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':total': totalCents, ':now': now, ':actor': ACTOR, ':one': 1 },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...reservationKey(purchaseId),
            entity: 'RESERVATION',
            ...FIRST_VERSION,
            purchaseId,
            customerId,
            productId,
            quote,
            totalCents,
            status: 'PENDING',
            actor: ACTOR,
            operationId: randomUUID(),
            shipmentKey: `floor-${purchaseId}`,
            createdAt: now,
            updatedAt: now,
            GSI3PK: openReservationsPartition(purchaseId),
            GSI3SK: `${now}#${purchaseId}`,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...creditOperationKey(customerId, randomUUID()),
            entity: 'PURCHASE_OPERATION',
            purchaseId,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }

  private commitItems(
    account: FloorAccount,
    purchase: { purchaseId: string; productId: string; quote: FloorQuote; shipmentId: string; now: string },
  ): TransactItem[] {
    const { customerId } = account;
    const { purchaseId, quote, now } = purchase;
    const before = account.version;
    if (account.heldCents >= quote.totalCents) account.heldCents -= quote.totalCents;
    else account.availableCents -= quote.totalCents;
    account.version += 1;
    return [
      {
        Update: {
          TableName: this.table,
          Key: creditAccountKey(customerId),
          UpdateExpression:
            'SET #entity = :entity, customerId = :customerId, availableCents = :available, heldCents = :held, ' +
            '#version = :version, updatedAt = :updatedAt, changedBy = :actor, GSI1PK = :known, GSI1SK = :customerId',
          ConditionExpression: '#version = :expectedVersion',
          ExpressionAttributeNames: { '#entity': 'entity', '#version': 'version' },
          ExpressionAttributeValues: {
            ':entity': 'CREDIT_ACCOUNT',
            ':customerId': customerId,
            ':available': account.availableCents,
            ':held': account.heldCents,
            ':version': account.version,
            ':updatedAt': now,
            ':actor': ACTOR,
            ':known': KNOWN_CUSTOMERS_PARTITION,
            ':expectedVersion': before,
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...ledgerEntryKey(customerId, account.version),
            entity: 'CREDIT_TRANSACTION',
            ...FIRST_VERSION,
            id: randomUUID(),
            customerId,
            type: 'PURCHASE',
            amountCents: -quote.totalCents,
            balanceAfterCents: account.availableCents + account.heldCents,
            availableAfterCents: account.availableCents,
            reason: `Purchase of 1 × ${quote.product.name}`,
            actor: ACTOR,
            purchaseId,
            createdAt: now,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: reservationKey(purchaseId),
          UpdateExpression: `SET #status = :status, updatedAt = :at, changedBy = :actor, ${NEXT_VERSION} REMOVE GSI3PK, GSI3SK`,
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status', ...VERSION_NAMES },
          ExpressionAttributeValues: {
            ...VERSION_VALUES,
            ':status': 'COMMITTED',
            ':expected': 'PENDING',
            ':at': now,
            ':actor': ACTOR,
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...purchaseKey(purchaseId),
            entity: 'PURCHASE',
            ...FIRST_VERSION,
            id: purchaseId,
            customerId,
            productId: purchase.productId,
            sku: quote.product.sku,
            quantity: quote.quantity,
            unitPriceCents: quote.unitPriceCents,
            subtotalCents: quote.subtotalCents,
            discountCents: quote.discountCents,
            totalCents: quote.totalCents,
            refundedCents: 0,
            status: 'COMPLETED',
            shipmentId: purchase.shipmentId,
            product: quote.product,
            customer: quote.customer,
            createdAt: now,
            updatedAt: now,
            refundedQuantity: 0,
            changedBy: ACTOR,
            GSI1PK: purchasesOfCustomerPartition(customerId),
            GSI1SK: purchaseId,
            GSI2PK: purchasesOfProductPartition(purchase.productId, purchaseId),
            GSI2SK: purchaseId,
            GSI3PK: allPurchasesPartition(purchaseId),
            GSI3SK: purchaseId,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }

  /** A quote of the same shape and size as the real one, for the emulator rate's commits. */
  async quoteFor(customerId: string, productId: string): Promise<FloorQuote> {
    const [customer, product] = await Promise.all([
      this.external.getCustomer(customerId),
      this.external.getProduct(productId),
    ]);
    const snapshot = pricedProduct(product);
    return {
      product: snapshot,
      customer: {
        id: customer.id,
        name: customer.name,
        email: customer.email,
        shippingAddress: customer.shippingAddress,
        lastModifiedAt: customer.lastModifiedAt,
      },
      quantity: 1,
      unitPriceCents: snapshot.priceCents,
      subtotalCents: snapshot.priceCents,
      discountCents: 0,
      totalCents: snapshot.priceCents,
    };
  }
}

export interface FloorQuote {
  product: ReturnType<typeof pricedProduct>;
  customer: Record<string, unknown> & {
    shippingAddress: Parameters<ExternalApiClient['createShipment']>[0]['shippingAddress'];
  };
  quantity: number;
  unitPriceCents: number;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
}
