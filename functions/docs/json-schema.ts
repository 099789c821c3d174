import * as z from 'zod';

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) as a plain object. */
export type JsonSchema = Record<string, unknown>;

/** Requests are documented as zod accepts them (`input`), answers as zod describes them (`output`). */
export type Io = 'input' | 'output';

/** Where the document keeps named schemas. */
export const COMPONENT_PREFIX = '#/components/schemas/';

/** zod's registry mode puts schemas that no registered one owns (cycles) under this id. */
const SHARED_ID = '__shared';

/**
 * zod's own JSON Schema output, with three things it cannot say by itself:
 * - a pipe into a transform (e.g. `withSortedKeys`) is documented, in answers, by what goes into the
 *   transform: our transforms keep the shape (the e2e check would catch one that did not);
 * - a pipe that checks `unknown` first (`storableJsonObject`) is documented, in requests, by what
 *   it pipes into, since only that passes;
 * - `z.json()` (recursive) is any JSON value, `{}`, so no schema needs `$defs` of its own.
 */
function override(io: Io): (context: { zodSchema: unknown; jsonSchema: JsonSchema }) => void {
  return ({ zodSchema, jsonSchema }) => {
    const def = (zodSchema as z.ZodType)._zod.def;
    if (def.type === 'lazy') return replace(jsonSchema, {});
    if (def.type !== 'pipe') return;
    const { in: from, out: to } = def as z.core.$ZodPipeDef;
    if (io === 'output' && to._zod.def.type === 'transform') replace(jsonSchema, render(from, io));
    if (io === 'input' && from._zod.def.type === 'unknown') replace(jsonSchema, render(to, io));
  };
}

function replace(target: JsonSchema, source: JsonSchema): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

const options = (io: Io): Parameters<typeof z.toJSONSchema>[1] => ({
  target: 'draft-2020-12',
  io,
  // A transform at the top of a schema (none today) has no shape to show; the override covers pipes.
  unrepresentable: 'any',
  override: override(io),
});

/** One schema, inline. */
export function render(schema: z.core.$ZodType, io: Io): JsonSchema {
  return inlineDefs(strip(z.toJSONSchema(schema, options(io)) as JsonSchema));
}

/**
 * Every schema of `named`, each under its name, with `$ref`s to the others: the document's
 * `components.schemas`. Two schemas of one name, or one schema under two names, is a mistake.
 */
export function renderComponents(
  named: ReadonlyMap<string, z.core.$ZodType>,
  io: Io,
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) {
    if (registry.has(schema)) throw new Error(`schema ${id} is already named ${registry.get(schema)?.id}`);
    registry.add(schema, { id });
  }
  const { schemas } = z.toJSONSchema(registry, {
    ...options(io),
    uri: (id) => (id === SHARED_ID ? SHARED_ID : `${COMPONENT_PREFIX}${id}`),
  }) as { schemas: Record<string, JsonSchema> };
  const shared = (schemas[SHARED_ID]?.$defs ?? {}) as Record<string, JsonSchema>;
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    if (id !== SHARED_ID) components[id] = inlineDefs(strip(schema), shared);
  }
  return components;
}

/** `$schema` and zod's `$id`s belong to standalone schemas, not to a document's parts. */
function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * Replaces `$ref`s to local or shared `$defs` by the definitions themselves. The override leaves
 * no recursive definition, so this ends; a recursive one is a new case and fails loudly.
 */
function inlineDefs(schema: JsonSchema, shared: Record<string, JsonSchema> = {}): JsonSchema {
  const { $defs, ...rest } = schema;
  const local = ($defs ?? {}) as Record<string, JsonSchema>;
  const definitionOf = (ref: string): JsonSchema | undefined => {
    const [base, pointer] = ref.split('#');
    const name = pointer?.startsWith('/$defs/') ? pointer.slice('/$defs/'.length) : undefined;
    if (name === undefined) return undefined;
    if (base === '') return local[name];
    if (base === SHARED_ID) return shared[name];
    return undefined;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 64) throw new Error('a recursive schema cannot be inlined');
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    if (typeof value !== 'object' || value === null) return value;
    const object = value as JsonSchema;
    const definition = typeof object.$ref === 'string' ? definitionOf(object.$ref) : undefined;
    if (definition !== undefined) {
      const { $ref: _ref, ...siblings } = object;
      return walk({ ...definition, ...siblings }, depth + 1);
    }
    return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, walk(item, depth + 1)]));
  };
  return walk(rest, 0) as JsonSchema;
}

/**
 * A request schema with each `default` said in its property's description instead. A request may
 * leave such a property out, but generators (openapi-typescript with its default settings) make a
 * property with a `default` required; zod still fills the default in.
 */
export function defaultsInDescriptions(schema: JsonSchema): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const { default: fallback, ...rest } = value as JsonSchema;
    const walked = Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, walk(item)]));
    if (fallback === undefined) return walked;
    const said = `Default: ${JSON.stringify(fallback)}.`;
    return {
      ...walked,
      description: typeof rest.description === 'string' ? `${rest.description} ${said}` : said,
    };
  };
  return walk(schema) as JsonSchema;
}
