import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { DynamoAction, MainTableAccess, MainTableIndex } from '../functions/routes.ts';
import type { TableDeclaration } from '../functions/shared/db/tables.ts';

/**
 * Grants a function, on the main table, each declared action on the declared partitions only: one
 * statement per partition, conditioned on `dynamodb:LeadingKeys`, so an action its code needs in one
 * partition (DeleteItem of an idempotency record) is not granted in another (an account). Index
 * queries get a statement of their own, on the declared indexes only.
 *
 * What `dynamodb:LeadingKeys` covers (DynamoDB Developer Guide, "Using IAM policy conditions for
 * fine-grained access control" and "Using IAM with DynamoDB transactions"):
 * - It holds the partition key values a request names; a request may name several (BatchGetItem),
 *   hence `ForAllValues` (required with this key): every one must match. A Scan names none, so it
 *   would pass; only the reconciler is granted Scan, without a condition, read-only.
 * - TransactWriteItems has no permission of its own: each item is authorized as the PutItem,
 *   UpdateItem, DeleteItem or ConditionCheckItem it is, so the condition holds item by item, and a
 *   transaction that spans a customer and a purchase needs each action in its own partition.
 * - It cannot tell items of one partition apart (no condition key names the sort key): a delete of
 *   the customer's operation marker is a delete anywhere in `CUSTOMER#…`.
 * - For a Query on a secondary index, the guide defines the key only as "the partition key of a
 *   table" and does not say which value an index query carries. So index queries are granted without
 *   the condition: a wrong guess would deny every listing in AWS while every local test passed
 *   (DynamoDB Local evaluates no IAM). An index cannot be written, and a listing reads its items by
 *   key (BatchGetItem), which the partition statement covers.
 */
export function grantMainTable(
  fn: IFunction,
  table: Table,
  access: MainTableAccess,
  indexes: readonly MainTableIndex[] = [],
): void {
  for (const [partition, actions] of Object.entries(access)) {
    if (actions.length === 0) continue;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [partition] } },
      }),
    );
  }
  grantIndexQueries(fn, table, indexes);
}

/**
 * Grants the declared actions on a whole table (the audit table: its keys span every entity type,
 * and its resource policy decides who may write), and Query on its indexes if it queries.
 */
export function grantTable(
  fn: IFunction,
  table: Table,
  declaration: TableDeclaration,
  actions: readonly DynamoAction[],
): void {
  if (actions.length === 0) return;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((action) => `dynamodb:${action}`),
      resources: [table.tableArn],
    }),
  );
  if (actions.includes('Query')) {
    grantIndexQueries(
      fn,
      table,
      declaration.globalSecondaryIndexes.map((index) => index.indexName),
    );
  }
}

function grantIndexQueries(fn: IFunction, table: Table, indexes: readonly string[]): void {
  if (indexes.length === 0) return;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
    }),
  );
}
