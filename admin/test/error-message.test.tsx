import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api.ts';
import { Theme } from '../src/app.tsx';
import { ErrorMessage } from '../src/components.tsx';

describe('ErrorMessage', () => {
  it("shows a validation error's details, one line per field", () => {
    const error = new ApiError(
      400,
      'VALIDATION_FAILED',
      'The request is not valid; see details for each field.',
      [
        { path: 'customerId', message: 'must be a customer id' },
        { path: '', message: 'give amountCents or quantity' },
      ],
      'req-1',
    );
    render(
      <Theme>
        <ErrorMessage error={error} />
      </Theme>,
    );
    const details = screen.getByRole('list', { name: 'Field details' });
    expect([...details.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'customerId: must be a customer id',
      'request: give amountCents or quantity',
    ]);
    expect(screen.getByRole('alert').textContent).toContain('VALIDATION_FAILED, request req-1');
  });

  it('shows no details list for an error without field issues', () => {
    render(
      <Theme>
        <ErrorMessage error={new ApiError(404, 'CUSTOMER_NOT_FOUND', 'No customer has this id.', {})} />
      </Theme>,
    );
    expect(screen.queryByRole('list', { name: 'Field details' })).toBeNull();
  });
});
