import { describe, expect, it } from '@jest/globals';
import { ExternalApiClient } from '../../functions/shared/external/external-api.client.ts';
import { type Runtime, requireExternalApi } from '../../functions/shared/runtime.ts';

describe('requireExternalApi', () => {
  it('fails, naming the variable, in a function deployed without the external API', () => {
    const runtime = { externalApi: undefined } as Runtime;

    expect(() => requireExternalApi(runtime)).toThrow(/EXTERNAL_API_BASE_URL is required/);
  });

  it('gives the client to a function that has it', () => {
    const externalApi = new ExternalApiClient('https://external.example', 1_000);

    expect(requireExternalApi({ externalApi } as Runtime)).toBe(externalApi);
  });
});
