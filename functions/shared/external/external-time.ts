import { UpstreamError } from '../errors.ts';

/**
 * An external `lastModifiedAt` (epoch milliseconds) as our ISO time. The client's schema bounds
 * external times; this keeps a RangeError out if another source does not.
 * @throws UpstreamError when it is no point in time
 */
export function externalTime(operation: 'GetCustomer' | 'GetProduct', epochMillis: number): string {
  const time = new Date(epochMillis);
  if (Number.isNaN(time.getTime())) {
    throw new UpstreamError(operation, 'answered a lastModifiedAt that is no point in time');
  }
  return time.toISOString();
}
