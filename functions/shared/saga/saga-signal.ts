/**
 * An error a saga step throws to steer the state machine (a Catch sends it elsewhere), not to report
 * a failure: it is logged as routine, and its `name` is what the state machine matches on.
 */
export class SagaSignal extends Error {
  override readonly name: string = 'SagaSignal';
}
