import { z, type ZodType } from 'zod';

export type JsonSchema = Record<string, unknown>;

const isZod = (value: unknown): value is ZodType => value instanceof z.ZodType;

/** `productPageSchema` → `ProductPage`. */
const componentName = (exportName: string) => exportName.replace(/Schema$/, '').replace(/^./, (c) => c.toUpperCase());

/** Drops `$schema`: a component or a payload inside a document has the document's dialect. */
function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _, ...rest } = schema;
  return rest;
}

/** A request's schema as its own JSON Schema, inline (what a client may send: defaults make fields optional). */
export const inputSchema = (schema: ZodType): JsonSchema =>
  withoutDialect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);

/**
 * Answers' and events' schemas, each named once in `components.schemas`: the contract modules' exports
 * give the names (`orderSchema` → `Order`), a schema used inside another is a `$ref` to its component.
 * Exports of the same name in two modules that are different schemas are told apart by their cell.
 */
export class SchemaNames {
  readonly #names = new Map<ZodType, string>();
  readonly #taken = new Set<string>();
  readonly #used = new Set<ZodType>();

  /** Names the schemas a module exports (`*Schema`). */
  add(owner: string, module: Readonly<Record<string, unknown>> | undefined): this {
    for (const [exportName, value] of Object.entries(module ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      if (!exportName.endsWith('Schema') || !isZod(value) || this.#names.has(value)) continue;
      let name = componentName(exportName);
      if (this.#taken.has(name)) name = `${componentName(owner)}${name}`;
      this.#names.set(value, name);
      this.#taken.add(name);
    }
    return this;
  }

  /** A `$ref` to the component of `schema` (named after it when no module exports it). */
  ref(schema: ZodType, fallbackName: string): JsonSchema {
    if (!this.#names.has(schema)) {
      let name = fallbackName;
      for (let i = 2; this.#taken.has(name); i++) name = `${fallbackName}${i}`;
      this.#names.set(schema, name);
      this.#taken.add(name);
    }
    this.#used.add(schema);
    return { $ref: `#/components/schemas/${this.#names.get(schema)}` };
  }

  /** Every component a `ref` reached, with the ones they use, sorted by name. */
  components(): Record<string, JsonSchema> {
    const registry = z.registry<{ id: string }>();
    for (const [schema, id] of this.#names) registry.add(schema, { id });
    const converted = z.toJSONSchema(registry, {
      io: 'output',
      unrepresentable: 'any',
      uri: (id) => `#/components/schemas/${id}`,
    }).schemas as Record<string, JsonSchema>;
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      for (const ref of JSON.stringify(converted[name]).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) visit(ref[1]!);
    };
    for (const schema of this.#used) visit(this.#names.get(schema)!);
    return Object.fromEntries([...reached].sort().map((name) => [name, withoutDialect(converted[name]!)]));
  }
}
