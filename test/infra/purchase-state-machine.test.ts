import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import aslValidator from 'asl-validator';
import { PURCHASE_STATE_MACHINE, SAGA_TASKS } from '../../functions/workers.ts';
import { substitute } from '../../local/step-functions.ts';

const file = readFileSync(PURCHASE_STATE_MACHINE.definitionFile, 'utf8');
const exampleArns = Object.fromEntries(
  SAGA_TASKS.map((task) => [
    task.arnPlaceholder,
    `arn:aws:lambda:us-east-1:123456789012:function:${task.id}`,
  ]),
);

interface State {
  Type: string;
  Next?: string;
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Error?: string;
}
const definition = JSON.parse(substitute(file, exampleArns)) as { States: Record<string, State> };

describe('statemachines/purchase.asl.json', () => {
  it('is valid Amazon States Language once its placeholders are filled', () => {
    const { isValid, errorsText } = aslValidator(structuredClone(definition));

    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses only placeholders that a saga task declares', () => {
    const placeholders = [...file.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]);

    expect(new Set(placeholders)).toEqual(new Set(SAGA_TASKS.map((task) => task.arnPlaceholder)));
  });

  it('releases the hold after any failure of Reserve or CreateShipment, and never after Commit', () => {
    const { Reserve, CreateShipment, Commit } = definition.States;

    expect(Reserve?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Release' }),
    ]);
    expect(CreateShipment?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'ReleaseAfterShipmentFailure' }),
    ]);
    expect(definition.States.ReleaseAfterShipmentFailure?.Next).toBe('ShipmentFailed');
    expect(definition.States.ShipmentFailed).toMatchObject({ Type: 'Fail', Error: 'ShipmentFailed' });
    // After Commit nothing is released: its only way out but success is the review list.
    expect(Commit?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['PurchaseHeldForReviewError'], Next: 'PurchaseHeldForReview' }),
    ]);
    expect(definition.States.PurchaseHeldForReview).toMatchObject({ Type: 'Fail' });
  });

  it("times out when the declaration says, which the reconciliation takes as the saga's budget", () => {
    expect((definition as unknown as { TimeoutSeconds: number }).TimeoutSeconds).toBe(
      PURCHASE_STATE_MACHINE.timeoutSeconds,
    );
  });

  it('rolls forward to Commit, never fails, when the compensation after a shipment failure finds it shipped', () => {
    const release = definition.States.ReleaseAfterShipmentFailure;

    expect(release?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['ReservationShippedError'], Next: 'Commit' }),
    ]);
    expect(release?.Retry?.[0]).toEqual({ ErrorEquals: ['ReservationShippedError'], MaxAttempts: 0 });
  });

  it('retries Commit after a Lambda timeout as after a state timeout (the goods are out)', () => {
    const retried = (definition.States.Commit?.Retry ?? []).flatMap((retry) => retry.ErrorEquals);

    expect(retried).toEqual(expect.arrayContaining(['States.Timeout', 'Sandbox.Timedout']));
  });

  it('retries CreateShipment only on failures the API did not process', () => {
    const retried = (definition.States.CreateShipment?.Retry ?? []).flatMap((retry) => retry.ErrorEquals);

    expect(retried.sort()).toEqual(['Lambda.TooManyRequestsException', 'UpstreamUnavailableError']);
  });
});
