import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { InvalidContextError, readAppContext } from '../../infra/context.ts';
import { TEST_CONTEXT } from './synth.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const problemsOf = (context: Record<string, unknown>): readonly string[] => {
  try {
    readAppContext(new App({ context }).node);
    return [];
  } catch (error) {
    if (error instanceof InvalidContextError) return error.problems;
    throw error;
  }
};

/** The CDK app as `cdk synth` runs it, with the CLI's context (none unless given). */
function runApp(context: Record<string, unknown> | undefined): { status: number | null; stderr: string } {
  const env = { ...process.env };
  delete env.CDK_CONTEXT_JSON;
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/app.ts'], {
    cwd: ROOT,
    env: { ...env, ...(context ? { CDK_CONTEXT_JSON: JSON.stringify(context) } : {}) },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

describe("the CDK app's context", () => {
  it('requires the external API base URL', () => {
    expect(problemsOf({})).toEqual([expect.stringContaining('externalApiBaseUrl is missing')]);
  });

  it('names every malformed setting at once', () => {
    const problems = problemsOf({
      externalApiBaseUrl: 'external-api',
      alarmEmail: 'oncall',
      apiRateLimit: '-3',
      authDomainPrefix: 'Purchase_Service',
      adminAppOrigin: 'http://localhost:5173,localhost:5174',
      adminAppDomainName: 'admin.example.com',
    });

    expect(problems).toEqual([
      expect.stringContaining('externalApiBaseUrl is not an http(s) URL'),
      expect.stringContaining('alarmEmail is not an e-mail address'),
      expect.stringContaining('authDomainPrefix'),
      expect.stringContaining('apiRateLimit must be a positive whole number'),
      expect.stringContaining('adminAppOrigin holds what is not an http(s) URL: localhost:5174'),
      expect.stringContaining('adminAppDomainName and adminAppCertificateArn go together'),
    ]);
  });

  it('accepts a complete context', () => {
    expect(
      readAppContext(
        new App({
          context: { externalApiBaseUrl: 'https://api.example.com', alarmEmail: 'oncall@example.com' },
        }).node,
      ),
    ).toEqual({ externalApiBaseUrl: 'https://api.example.com', alarmEmail: 'oncall@example.com' });
  });

  it('stops `cdk synth` with that message and no stack trace when a required setting is missing', () => {
    const { status, stderr } = runApp(undefined);

    expect(status).toBe(1);
    expect(stderr).toContain('externalApiBaseUrl is missing');
    expect(stderr).toContain('-c externalApiBaseUrl=');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('runs under cdklocal (LocalStack), which lists the stack', () => {
    const result = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'cdklocal'),
      [
        'ls',
        '-c',
        'externalApiBaseUrl=http://mock-apis:4010',
        '-c',
        `adminAppAssetPath=${TEST_CONTEXT.adminAppAssetPath}`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );

    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    expect(result.stdout).toContain('PurchaseService');
    // The CLI and the app's synthesis under load: well past Jest's default.
  }, 180_000);
});
