import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { Role } from '../../functions/auth/roles.ts';
import { newQueryClient, Theme } from '../src/app.tsx';
import { SessionContextProvider, sessionFor } from '../src/session.tsx';

/** A token the app can read its roles from (it never verifies one: the service does). */
export function fakeToken(sub: string, role: Role): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replaceAll('=', '');
  return `${part({ alg: 'none' })}.${part({ sub, 'cognito:groups': [role] })}.x`;
}

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error';

/** A fake API: each call is recorded and answered by `answer` (which may wait on a promise). */
export function fakeApi(answer: (call: Call) => Answer | Promise<Answer>) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const call: Call = {
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    };
    calls.push(call);
    const result = await answer(call);
    if (result === 'network-error') throw new TypeError('Failed to fetch');
    return new Response(result.body === undefined ? null : JSON.stringify(result.body), {
      status: result.status,
      headers: { 'content-type': 'application/json', ...result.headers },
    });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

export function renderApp(
  ui: ReactNode,
  options: { role: Role; fetchImpl: typeof fetch; path?: string; route?: string },
) {
  const token = fakeToken(`demo-${options.role}`, options.role);
  const session = sessionFor(
    'http://api.test',
    () => token,
    () => undefined,
    options.fetchImpl,
  );
  return render(
    <Theme>
      <QueryClientProvider client={newQueryClient()}>
        <SessionContextProvider session={session}>
          <MemoryRouter initialEntries={[options.path ?? '/']}>
            <Routes>
              <Route path={options.route ?? '*'} element={ui} />
            </Routes>
          </MemoryRouter>
        </SessionContextProvider>
      </QueryClientProvider>
    </Theme>,
  );
}

export const errorBody = (code: string, message: string) => ({
  error: { code, message, details: {}, requestId: 'req-1' },
});
