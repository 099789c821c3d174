import fc from 'fast-check';
import type { RouteDeclaration } from '../../functions/routes.ts';

/**
 * fast-check generators of HTTP requests for any route of the route table: path parameters, query
 * strings and bodies that mix valid values with the ones that break storage (unsafe integers,
 * numbers DynamoDB cannot hold, deep nesting, empty keys and strings, lone surrogates, huge strings)
 * and cursors of every kind (forged positions, real cursors of other lists, garbage).
 */

export interface FuzzRequest {
  method: string;
  path: string;
  query: [string, string][];
  /** The body as sent, when there is one. */
  rawBody?: string;
  headers: Record<string, string>;
}

/** The ids a request may name: those of a probe that exists, and ones that exist nowhere. */
export interface KnownIds {
  /** By path or field name (`customerId`, `purchaseId`, `productId`): ids that exist. */
  existing: Record<string, readonly string[]>;
  /**
   * Real cursors by the operationId of the list that gave them out (on another list, each is a forged
   * one). A route's own cursors are the ones mutated most: they get past its first checks.
   */
  cursors: Readonly<Record<string, readonly string[]>>;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id that names nothing (the alphabet's ids are issued by the service). */
const unissuedId = fc
  .string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 })
  .map((id) => `7${id.slice(1)}`);

/** Strings that are hard on storage and on parsers. */
const nastyString = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('\ud800', 'a\udfffb', '\u0000', 'é😀', '%', '#', 'SEQ#', 'TXN#', 'CUSTOMER#x', ' '),
  fc.string({ minLength: 101, maxLength: 1_200 }),
);

/** Text JSON numbers, written raw: most cannot be written by JSON.stringify. */
const RAW_NUMBERS = [
  '9007199254740993',
  '-9007199254740993',
  '9007199254740992',
  '1e-200',
  '1e-130',
  '1e-131',
  '1e200',
  '9.99e125',
  '1e126',
  '1e400',
  '-1e400',
  '1e-400',
  '5e-324',
  '-0',
  '0.1',
  '1.7976931348623157e308',
  '123456789012345678901234567890123456789',
  '0.30000000000000004',
] as const;

const rawNumber = fc.constantFrom(...RAW_NUMBERS).map((text) => `@@RAW(${text})@@`);

const nastyNumber = fc.oneof(
  rawNumber,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, -1, 0.5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);

const jsonKey = fc.oneof(
  { weight: 12, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '\ud800',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toJSON',
      'then',
      'valueOf',
    ),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 101, maxLength: 120 }) },
);

/** Leaves are mostly storable, so that many bodies pass validation and reach DynamoDB. */
const leaf = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fc.integer(), fc.double({ min: -1e6, max: 1e6, noNaN: true })) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: nastyNumber },
  { weight: 1, arbitrary: nastyString },
);

const { json: nastyJson } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(jsonKey, tie('json'), { maxKeys: 4 }),
  ),
}));

/** Nesting to `depth` levels, in objects or arrays. */
const deeplyNested = fc.tuple(fc.integer({ min: 1, max: 45 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'leaf';
  for (let level = 1; level < depth; level++) value = arrays && level % 2 === 0 ? [value] : { a: value };
  return { deep: value };
});

const metadata = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(jsonKey, nastyJson, { maxKeys: 5 }) },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: nastyJson },
);

const validAmount = fc.integer({ min: 1, max: 500 });
const reason = fc.oneof({ weight: 3, arbitrary: fc.constant('fuzz') }, { weight: 1, arbitrary: nastyString });

function idValue(name: string, ids: KnownIds): fc.Arbitrary<string> {
  const existing = ids.existing[name] ?? [];
  return fc.oneof(
    { weight: 6, arbitrary: existing.length > 0 ? fc.constantFrom(...existing) : unissuedId },
    { weight: 1, arbitrary: unissuedId },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: nastyString },
  );
}

/** Base64url of random JSON, of forged positions shaped like ours, real cursors, and their mutants. */
function cursor(route: RouteDeclaration, ids: KnownIds): fc.Arbitrary<string> {
  const positionField = fc.oneof(
    // An empty string is what a key refuses first.
    { weight: 5, arbitrary: fc.constant('') },
    nastyString,
    unissuedId,
    fc.integer({ min: 0, max: 999 }).map((n) => `TXN#${String(n).padStart(12, '0')}`),
    fc.integer({ min: 0, max: 999 }).map((n) => `SEQ#${String(n).padStart(12, '0')}`),
    unissuedId.map((id) => `REFUND#${id}`),
    unissuedId.map((id) => `PURCHASE#${id}`),
    fc.constantFrom('2024-01-01T00:00:00.000Z#e', '9999-99-99T00:00:00.000Z#', 'x#y'),
  );
  // The field sets of our lists' cursors, so that forged ones get past the first check.
  const forged = fc
    .tuple(fc.constantFrom(['id'], ['SK'], ['PK', 'SK', 'at'], ['PK', 'SK'], ['at']), fc.boolean())
    .chain(([names, extra]) =>
      fc.record(
        Object.fromEntries([...names, ...(extra ? ['extra'] : [])].map((name) => [name, positionField])),
      ),
    );
  const base64url = (value: unknown): string =>
    Buffer.from(JSON.stringify(value) ?? 'null', 'utf8').toString('base64url');
  const every = Object.values(ids.cursors).flat();
  const own = ids.cursors[route.operationId] ?? [];
  const real = every.length > 0 ? fc.constantFrom(...every) : fc.constant('');
  // A real cursor, as a client can read it (base64url JSON), with some of its fields forged.
  const decoded = (texts: readonly string[]): object[] =>
    texts.map((text) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as object);
  // One field forged (most often), or each field forged or kept.
  const mutatedFrom = (positions: object[]) =>
    fc.constantFrom(...(positions.length > 0 ? positions : [{}])).chain((position) => {
      const entries = Object.entries(position);
      const one = fc
        .tuple(fc.nat(), positionField)
        .map(([at, value]) =>
          Object.fromEntries(
            entries.map(([name, kept], index) => [name, index === at % entries.length ? value : kept]),
          ),
        );
      const each = fc.record(
        Object.fromEntries(
          entries.map(([name, value]) => [name, fc.oneof(fc.constant(value), positionField)]),
        ),
      );
      return fc.oneof({ weight: 3, arbitrary: one }, { weight: 1, arbitrary: each });
    });
  const mutated = fc.oneof(
    { weight: 3, arbitrary: mutatedFrom(decoded(own.length > 0 ? own : every)) },
    { weight: 1, arbitrary: mutatedFrom(decoded(every)) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: mutated.map(base64url) },
    { weight: 2, arbitrary: forged.map(base64url) },
    nastyJson.map(base64url),
    real,
    fc
      .tuple(real, fc.nat(), fc.constantFrom(...'ABCxyz019-_='))
      .map(([text, at, char]) =>
        text === '' ? char : `${text.slice(0, at % text.length)}${char}${text.slice((at % text.length) + 1)}`,
      ),
    nastyString,
  );
}

function queryValue(route: RouteDeclaration, name: string, ids: KnownIds): fc.Arbitrary<string> {
  switch (name) {
    case 'limit':
      return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }).map(String) },
        { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), nastyString) },
      );
    case 'cursor':
      return cursor(route, ids);
    case 'entityType':
      return fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom('CREDIT', 'CREDIT_TRANSACTION', 'RESERVATION', 'PURCHASE', 'REFUND'),
        },
        { weight: 1, arbitrary: nastyString },
      );
    case 'entityId':
      return fc.oneof(idValue('customerId', ids), idValue('purchaseId', ids));
    default:
      return idValue(name, ids);
  }
}

/**
 * The query parameters of each list in the contract; a route not named here (a new one) gets all of
 * them. Mostly its own, so that most queries pass validation and their cursor reaches the database.
 */
const QUERY_NAMES: Readonly<Record<string, readonly string[]>> = {
  ListPurchases: ['cursor', 'limit', 'customerId', 'productId'],
  ListAudit: ['cursor', 'limit', 'entityType', 'entityId'],
  ListCreditTransactions: ['cursor', 'limit'],
  ListRefunds: ['cursor', 'limit'],
};
const ALL_QUERY_NAMES = ['cursor', 'limit', 'customerId', 'productId', 'entityType', 'entityId'];

function query(route: RouteDeclaration, ids: KnownIds): fc.Arbitrary<[string, string][]> {
  const own = QUERY_NAMES[route.operationId] ?? ALL_QUERY_NAMES;
  const name = fc.oneof(
    // The cursor most often: it is the parameter most easily forged.
    { weight: 4, arbitrary: fc.constant('cursor') },
    { weight: 4, arbitrary: fc.constantFrom(...own) },
    { weight: 1, arbitrary: fc.constantFrom(...ALL_QUERY_NAMES) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
  );
  return fc
    .uniqueArray(name, { minLength: 1, maxLength: 3 })
    .chain((names) =>
      fc.tuple(
        ...names.map((name) =>
          queryValue(route, name, ids).map((value) => [name, value] as [string, string]),
        ),
      ),
    );
}

/** Field sets of the contract's bodies, so that some generated bodies are valid and reach storage. */
const BODY_SHAPES: readonly (readonly string[])[] = [
  ['amountCents', 'reason', 'metadata'],
  ['amountCents', 'reason', 'metadata'],
  ['amountCents', 'reason'],
  ['quantity', 'reason'],
  ['reason'],
  ['customerId', 'productId', 'quantity'],
  ['customerId', 'productId', 'promoCode'],
  ['amountCents', 'quantity', 'reason', 'extra'],
  ['code', 'kind', 'percentOff', 'maxRedemptions'],
  ['code', 'kind', 'amountOffCents', 'productIds', 'validUntil'],
  ['active', 'validUntil', 'maxRedemptions'],
];

function field(name: string, ids: KnownIds): fc.Arbitrary<unknown> {
  switch (name) {
    case 'amountCents':
      return fc.oneof({ weight: 4, arbitrary: validAmount }, { weight: 1, arbitrary: nastyNumber });
    case 'quantity':
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) },
        { weight: 1, arbitrary: nastyNumber },
      );
    case 'reason':
      return reason;
    case 'metadata':
      return metadata;
    case 'customerId':
    case 'productId':
      return idValue(name, ids);
    case 'promoCode':
    case 'code':
      return fc.oneof(fc.constant('SAVE10'), fc.stringMatching(/^[A-Za-z0-9_-]{3,32}$/), nastyString);
    case 'kind':
      return fc.oneof(fc.constantFrom('PERCENT', 'FIXED'), nastyString);
    case 'percentOff':
    case 'maxRedemptions':
      return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }) },
        { weight: 1, arbitrary: nastyNumber },
      );
    case 'amountOffCents':
      return fc.oneof({ weight: 3, arbitrary: validAmount }, { weight: 1, arbitrary: nastyNumber });
    case 'productIds':
      return fc.oneof(fc.array(idValue('productId', ids), { maxLength: 3 }), nastyJson);
    case 'active':
      return fc.oneof(fc.boolean(), nastyJson);
    case 'validUntil':
      return fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        nastyString,
      );
    default:
      return nastyJson;
  }
}

/** The body, as text: raw numbers are put in after JSON.stringify, which cannot write them. */
export const serialize = (value: unknown): string =>
  (JSON.stringify(value) ?? 'null').replace(/"@@RAW\(([^)]*)\)@@"/g, '$1');

function body(ids: KnownIds): fc.Arbitrary<string> {
  const shaped = fc.constantFrom(...BODY_SHAPES).chain((names) =>
    fc.record(Object.fromEntries(names.map((name) => [name, field(name, ids)])), {
      requiredKeys: names.filter((name) => name !== 'metadata'),
    }),
  );
  return fc.oneof(
    { weight: 12, arbitrary: shaped.map(serialize) },
    { weight: 2, arbitrary: nastyJson.map(serialize) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

const printable = fc.constantFrom(...Array.from({ length: 95 }, (_, code) => String.fromCharCode(code + 32)));

/** Latin-1 without the controls a header cannot carry (fetch refuses NUL, CR and LF; HTTP, code points past 0xFF). */
export const headerText = (options: { minLength?: number; maxLength: number }) =>
  fc.string({
    unit: fc.oneof(
      { weight: 8, arbitrary: printable },
      { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)) },
      { weight: 1, arbitrary: fc.constantFrom('\t', '\u0080', '\u0085', '\u00ff') },
    ),
    ...options,
  });

/** Bigger than Node's 16 KiB limit on a request's head (431) now and then, under it most of the time. */
export const hugeHeaderValue = fc
  .oneof(fc.integer({ min: 1_000, max: 12_000 }), fc.integer({ min: 17_000, max: 64_000 }))
  .chain((size) => fc.constantFrom('a', 'Z', '0', '.', ' ').map((char) => `x${char.repeat(size)}x`));

/** `x-actor` names whoever the caller likes: it must change nothing (the actor is the token's `sub`). */
const actorHeader = fc.oneof(
  fc.constantFrom('fuzzer', 'test-admin', 'fuzz-support', 'storefront', 'system', ''),
  headerText({ maxLength: 120 }),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);

/** Header names a client may set (fetch forbids host, content-length and the like). */
const headerName = fc
  .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 1, maxLength: 20 })
  .map((name) => `x-fuzz-${name}`);

const headers = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        'idempotency-key': fc.oneof(
          { weight: 4, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: fc.string({ unit: printable, minLength: 250, maxLength: 300 }) },
          { weight: 1, arbitrary: headerText({ maxLength: 40 }) },
        ),
        'x-actor': actorHeader,
        'content-type': contentType,
        accept: fc.constantFrom('*/*', 'text/html', 'application/xml', ''),
        cookie: headerText({ maxLength: 60 }),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 2, arbitrary: fc.dictionary(headerName, headerText({ maxLength: 80 }), { maxKeys: 30 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x-actor', 'x-fuzz-padding', 'cookie', 'idempotency-key'), hugeHeaderValue)
      .map(([name, value]) => ({ [name]: value })),
  },
);

/** A lone surrogate cannot be in a URL (`encodeURIComponent` throws): it becomes U+FFFD, as a decoder would. */
const wellFormed = (value: string): string =>
  value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const encodeSegment = (value: string): string => encodeURIComponent(wellFormed(value));

/** What fetch can send (it refuses CONNECT, TRACE and TRACK). */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** fetch sends no body with these. */
const BODILESS = new Set<string>(['GET', 'HEAD']);

/** The words of our paths, so that random paths come near real routes. */
const PATH_WORDS = [
  'v1',
  'customers',
  'credit',
  'grants',
  'deductions',
  'transactions',
  'purchases',
  'refunds',
  'audit',
  'health',
  'openapi.json',
  'docs',
  '.',
  '..',
  '%2e%2e',
  'V1',
] as const;

/**
 * Requests for one route of the table: its method most of the time, any other now and then (which
 * reaches another route of the same path, or `$default`); `$default` gets random methods and paths.
 */
export function requestFor(route: RouteDeclaration, ids: KnownIds): fc.Arbitrary<FuzzRequest> {
  if (route.path === '$default') {
    return fc
      .record({
        method: fc.constantFrom(...METHODS),
        segments: fc.array(
          fc.oneof(
            { weight: 2, arbitrary: fc.constantFrom(...PATH_WORDS) },
            { weight: 1, arbitrary: idValue('customerId', ids) },
            { weight: 1, arbitrary: nastyString },
          ),
          { maxLength: 6 },
        ),
        // Words as they are (`%2e%2e` and all); anything else encoded.
        raw: fc.boolean(),
        query: fc.oneof({ weight: 3, arbitrary: fc.constant<[string, string][]>([]) }, query(route, ids)),
        rawBody: fc.option(body(ids), { nil: undefined }),
        headers,
      })
      .map(({ method, segments, raw, query: pairs, rawBody, headers: sent }) => ({
        method,
        path: `/${segments.map((segment) => (raw && (PATH_WORDS as readonly string[]).includes(segment) ? segment : encodeSegment(segment))).join('/')}`,
        query: pairs.map(([name, value]): [string, string] => [wellFormed(name), wellFormed(value)]),
        ...(rawBody === undefined || BODILESS.has(method) ? {} : { rawBody }),
        headers: sent,
      }));
  }
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const params = fc.tuple(...names.map((name) => idValue(name, ids)));
  const withBody = route.method === 'POST' || route.method === 'PATCH';
  return fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      params: names.length > 0 ? params : fc.constant([] as string[]),
      query: query(route, ids),
      rawBody: withBody ? body(ids).map((text): string | undefined => text) : fc.constant(undefined),
      headers,
    })
    .map(({ method, params: values, query: pairs, rawBody, headers: sent }) => {
      let index = 0;
      const path = route.path.replace(/\{\w+\}/g, () => encodeSegment(values[index++] ?? ''));
      return {
        method,
        path,
        query: pairs.map(([name, value]): [string, string] => [wellFormed(name), wellFormed(value)]),
        ...(rawBody === undefined || BODILESS.has(method) ? {} : { rawBody }),
        headers: sent,
      };
    });
}
