import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { DynamoAction } from '../functions/routes.ts';
import type { TableDeclaration } from '../functions/shared/db/tables.ts';

/**
 * Grants a function exactly the declared actions on a table, and, where its key space is declared
 * (`mainTableKeys` in the route table and workers.ts), only on the items whose partition key matches.
 *
 * What `dynamodb:LeadingKeys` covers (DynamoDB Developer Guide, "Using IAM policy conditions for
 * fine-grained access control" and "Using IAM with DynamoDB transactions"):
 * - It holds the partition key values a request names; a request may name several, hence
 *   `ForAllValues` (required with this key): every one must match. A Scan names none, so it would
 *   pass; no function is granted Scan.
 * - TransactWriteItems has no permission of its own: each item is authorized as the PutItem,
 *   UpdateItem, DeleteItem or ConditionCheckItem it is, so the condition holds item by item, and a
 *   function whose transactions span a customer and a purchase must be allowed both prefixes.
 * - For a Query on a secondary index, the guide defines the key only as "the partition key of a
 *   table" and does not say which value an index query carries. So index queries get a statement of
 *   their own (Query only, on the declared indexes' ARNs) without the condition: a wrong guess would deny every
 *   listing in AWS while every local test passed (DynamoDB Local evaluates no IAM). The index
 *   partitions (`PURCHASES#…`, `RESERVATIONS#…`) hold no item the table statement protects from a
 *   write, since an index cannot be written.
 */
export function grantTable(
  fn: IFunction,
  table: Table,
  declaration: TableDeclaration,
  actions: readonly DynamoAction[],
  leadingKeys?: readonly string[],
): void {
  if (actions.length === 0) return;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((action) => `dynamodb:${action}`),
      resources: [table.tableArn],
      ...(leadingKeys
        ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } } }
        : {}),
    }),
  );
  if (actions.includes('Query')) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: declaration.globalSecondaryIndexes.map(
          (index) => `${table.tableArn}/index/${index.indexName}`,
        ),
      }),
    );
  }
}
