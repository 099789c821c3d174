import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  command?: unknown;
}
// What `docker compose config` would read (no Docker engine here to run it).
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Service>;
  networks?: { default?: { name?: string } };
};
const localstack = compose.services.localstack as Service;
const mock = compose.services['mock-apis'] as Service;
const pkg = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('docker-compose.yml (the LocalStack path)', () => {
  it('pins the LocalStack image to a release, never a moving tag', () => {
    expect(localstack.image).toMatch(/^localstack\/localstack:\d{4}\.\d{2}\.\d+$/);
  });

  it('refuses to start without LOCALSTACK_AUTH_TOKEN, and says why', () => {
    expect(localstack.environment?.LOCALSTACK_AUTH_TOKEN).toMatch(/^\$\{LOCALSTACK_AUTH_TOKEN:\?.+\}$/);
  });

  it('runs every service the stack deploys, DynamoDB streams and HTTP APIs included', () => {
    const services = (localstack.environment?.SERVICES ?? '').split(',');

    for (const service of [
      'lambda',
      'stepfunctions',
      'dynamodb',
      'dynamodbstreams',
      'apigateway',
      'iam',
      'logs',
      'events',
      's3',
      'cognito-idp',
      'sqs',
      'sns',
      'cloudwatch',
      'cloudformation',
      'sts',
      'ssm',
    ]) {
      expect(services).toContain(service);
    }
  });

  it('mounts the Docker socket, so LocalStack can run the Lambdas, on the network the mock is on', () => {
    expect(localstack.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(localstack.environment?.LAMBDA_DOCKER_NETWORK).toBe(compose.networks?.default?.name);
  });

  it("builds the mock API's own image and never mounts the host's tree (its node_modules)", () => {
    expect(mock.build).toEqual({ context: '.', dockerfile: 'mock-apis/Dockerfile' });
    expect(mock.volumes).toBeUndefined();
    expect(mock.environment).toMatchObject({ MOCK_API_HOST: '0.0.0.0', MOCK_API_PORT: '4010' });
  });

  it("installs in the mock's image the versions package-lock.json holds", () => {
    const dockerfile = read('mock-apis/Dockerfile');

    expect(dockerfile).toContain(`zod@${pkg.dependencies.zod}`);
    expect(dockerfile).toContain(`tsx@${pkg.devDependencies.tsx}`);
    expect(dockerfile).toMatch(/^FROM node:22\.\d+\.\d+-/m);
  });

  it('copies into the mock image every local module the mock imports', () => {
    const dockerfile = read('mock-apis/Dockerfile');
    const sources = ['mock-apis/main.ts', 'mock-apis/server.ts', 'mock-apis/seed.ts'].map(read).join('\n');
    const outside = [...sources.matchAll(/from '\.\.\/(functions\/[^']+)'/g)].map((match) => match[1]);

    expect(outside.length).toBeGreaterThan(0);
    for (const path of new Set(outside)) expect(dockerfile).toContain(`COPY ${path} `);
  });

  it('deploys to LocalStack with cdklocal, pinned, pointing the stack at the mock container', () => {
    expect(pkg.devDependencies['aws-cdk-local']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts['deploy:local']).toMatch(
      /cdklocal deploy .*-c externalApiBaseUrl=http:\/\/mock-apis:4010/,
    );
  });
});
