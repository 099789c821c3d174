import { systemClock } from '#shared/clock.ts';
import { newId } from '#shared/ids.ts';
import { logger } from '#shared/logger.ts';
import type { Runtime } from '#shared/runtime.ts';
import { accountReader, accountRetry } from '../../ledger/ledger.deps.ts';
import { DynamoReservationRepository } from './reservation.repository.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/**
 * What the saga steps and the sweeper work with; built once per cold start. Shipments are CreateShipment's
 * alone (it adds them): the other steps are not given the external API.
 */
export function sagaStepDeps(runtime: Runtime): Omit<SagaStepDeps, 'shipments'> {
  return {
    reservations: new DynamoReservationRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
    accounts: accountReader(runtime),
    clock: systemClock,
    newId,
    // Commit and Reserve contend on the account with grants, deductions and each other.
    retry: accountRetry(),
    logger,
  };
}
