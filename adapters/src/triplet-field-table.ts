import { TRIPLET_JSON_SCHEMA } from './triplet-json-schema.ts';

interface JsonSchemaNode {
  type?: string | string[];
  anyOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  enum?: unknown[];
  description?: string;
}

/** The Markdown between these markers in docs/triplets.md is this module's output; a test keeps them equal. */
export const FIELD_TABLE_MARKERS = ['<!-- triplet-fields:start -->', '<!-- triplet-fields:end -->'] as const;

/** The field table of docs/triplets.md: one row per field of the triplet's JSON Schema, nested fields by path. */
export function tripletFieldTable(): string {
  const rows = fieldRows(TRIPLET_JSON_SCHEMA as JsonSchemaNode, '');
  return ['| field | type | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

function fieldRows(node: JsonSchemaNode, prefix: string): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const path = `${prefix}${name}`;
    const object = objectOf(child);
    const row = `| \`${path}\` | ${typeOf(child)} | ${(child.description ?? '').replaceAll('|', '\\|')} |`;
    const items = child.items && objectOf(child.items);
    return [
      row,
      ...(object?.properties ? fieldRows(object, `${path}.`) : []),
      ...(items?.properties ? fieldRows(items, `${path}[].`) : []),
    ];
  });
}

/** The object schema of a field, looking through `anyOf` with null. */
function objectOf(node: JsonSchemaNode): JsonSchemaNode | undefined {
  if (node.properties) return node;
  return node.anyOf?.find((n) => n.properties);
}

function typeOf(node: JsonSchemaNode): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (node.type === undefined) return 'any JSON';
  const types = Array.isArray(node.type) ? node.type : [node.type];
  return types
    .map((t) => {
      if (t === 'array') return `array of ${node.items ? typeOf(node.items) : 'any'}`;
      if (t === 'object' && typeof node.additionalProperties === 'object')
        return `object of ${typeOf(node.additionalProperties)}`;
      return t;
    })
    .join(' or ');
}
