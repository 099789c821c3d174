import { describe, expect, it } from '@jest/globals';
import { AppError, InsufficientCreditError, UpstreamError } from '../../functions/shared/errors.ts';
import { responseForError } from '../../functions/shared/http/responses.ts';

describe('responseForError', () => {
  it('shows a business error with its code, message and details', () => {
    const response = responseForError(
      new InsufficientCreditError({ customerId: 'c', availableCents: 1, requestedCents: 2 }),
      'req-1',
    );

    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'INSUFFICIENT_CREDIT',
        message: expect.any(String),
        details: { customerId: 'c', availableCents: 1, requestedCents: 2 },
        requestId: 'req-1',
      },
    });
  });

  it('maps an upstream failure to 502', () => {
    expect(responseForError(new UpstreamError('GetCustomer', 'answered HTTP 500'), 'r').statusCode).toBe(502);
  });

  it('never shows the internals of an unexpected error', () => {
    const response = responseForError(new Error('ValidationException: secret table name'), 'req-2');

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(JSON.parse(response.body).error.code).toBe('INTERNAL');
  });

  it('keeps the cause of a wrapped error', () => {
    const cause = new Error('socket hang up');
    expect(new AppError('UPSTREAM_ERROR', 'failed', {}, { cause }).cause).toBe(cause);
  });
});
