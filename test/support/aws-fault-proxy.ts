import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of an AWS JSON endpoint (DynamoDB Local, the local Step Functions) that
 * misbehaves on request, as the real service does under load. Faults are on the wire, so the SDK
 * meets them as it would in AWS: its own deserializer builds the real error class, its own retry
 * policy retries, its own timeouts fire.
 */
export type AwsFault =
  /** Answers with the service's error shape (e.g. 400 ProvisionedThroughputExceededException). */
  | { kind: 'error'; status: number; type: string; message: string }
  /** Takes the request and never answers; nothing reaches the service. */
  | { kind: 'hang' }
  /** Forwards the request (the service acts on it) and never passes the answer back. */
  | { kind: 'lose-response' };

export interface AwsFaultRule {
  /** The operation, as in `X-Amz-Target` after the dot: `TransactWriteItems`, `StartSyncExecution`. */
  operation: string;
  /** Narrows the rule to some requests of that operation (the raw JSON body). */
  matches?: (body: string) => boolean;
  fault: AwsFault;
}

export interface AwsFaultProxy {
  url: string;
  /** Where requests that no rule catches go. */
  forwardTo(url: string): void;
  setRules(rules: AwsFaultRule[]): void;
  /** How many requests each operation's rules have caught since the rules were set. */
  faulted(operation: string): number;
  close(): Promise<void>;
}

/** A DynamoDB error on the wire, as DynamoDB spells it. */
export const dynamoDbError = (type: string, message = 'simulated by the fault proxy'): AwsFault => ({
  kind: 'error',
  status: 400,
  type: `com.amazonaws.dynamodb.v20120810#${type}`,
  message,
});

export async function startAwsFaultProxy(target?: string): Promise<AwsFaultProxy> {
  let forwardTo = target;
  let rules: AwsFaultRule[] = [];
  let counts = new Map<string, number>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation =
      String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const text = body.toString('utf8');
    const rule = rules.find(
      (candidate) => candidate.operation === operation && (candidate.matches?.(text) ?? true),
    );
    if (rule) counts.set(operation, (counts.get(operation) ?? 0) + 1);

    switch (rule?.fault.kind) {
      case 'error':
        response
          .writeHead(rule.fault.status, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: rule.fault.type, message: rule.fault.message }));
        return;
      case 'hang':
        return;
      case 'lose-response':
        await forward(request, body);
        return;
      default: {
        const answer = await forward(request, body);
        response.writeHead(answer.status, answer.headers).end(answer.body);
      }
    }
  }

  function forward(
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    if (forwardTo === undefined) throw new Error('the fault proxy has nowhere to forward to');
    const url = new URL(request.url ?? '/', forwardTo);
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        url,
        { method: request.method, headers: { ...request.headers, host: url.host } },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (part: Buffer) => parts.push(part));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(parts),
            }),
          );
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwardTo: (url) => {
      forwardTo = url;
    },
    setRules: (next) => {
      rules = next;
      counts = new Map();
    },
    faulted: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
