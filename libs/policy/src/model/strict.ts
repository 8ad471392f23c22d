/**
 * Strict structural validation of a document against the field tables of
 * schema.ts, before any meaning is read: unknown fields (as `kubectl apply`
 * with strict field validation: `unknown field "spec.rules[0].foo"`), wrong
 * types, enum values outside the CRD's, missing required fields, and fields
 * notary-gate refuses. Fields with no effect are logged with their reason.
 */
import { describe as describeValue, type Node } from './reader';
import { SCHEMAS, type FieldSpec, type Shape, type TypeName } from './schema';

/** The required fields of each table, computed once. */
const REQUIRED = new Map<TypeName, string[]>(
  (Object.keys(SCHEMAS) as TypeName[]).map((type) => [type, Object.entries(SCHEMAS[type]).filter(([, spec]) => spec.required).map(([key]) => key)]),
);

/** Checks `node` (a mapping of type `type`) and everything under it; throws the first problem. */
export function checkFields(node: Node, type: TypeName): void {
  const schema = SCHEMAS[type];
  if (!node.isMap()) node.fail(`must be a mapping, got ${describeValue(node.value)}`);
  const children: Array<[Node, FieldSpec]> = [];
  // Unknown and refused keys first, so a misspelt required field is reported as the misspelling.
  for (const key of node.keys()) {
    const spec: FieldSpec | undefined = Object.hasOwn(schema, key) ? schema[key] : undefined;
    const child = node.child(key);
    if (spec === undefined) return child.fail(unknownField(child.path, key, Object.keys(schema)));
    if (typeof spec.treatment === 'object' && 'refused' in spec.treatment && child.present) child.fail(spec.treatment.refused);
    children.push([child, spec]);
  }
  for (const [child, spec] of children) {
    checkShape(child, spec.shape);
    if (typeof spec.treatment === 'object' && 'noEffect' in spec.treatment && child.present) child.log.noEffect.set(child.path, spec.treatment.noEffect);
  }
  // Missing required fields last, so the problem reported is the first one in document order.
  for (const key of REQUIRED.get(type)!) {
    if (!node.child(key).present) node.child(key).fail('is required');
  }
}

function checkShape(node: Node, shape: Shape): void {
  if (!node.present) return;
  switch (shape.kind) {
    case 'string': {
      if (typeof node.value !== 'string') node.fail(`must be a string, got ${describeValue(node.value)}`);
      if (shape.enum && !shape.enum.includes(node.value)) node.fail(`must be one of ${shape.enum.join(', ')}, got "${node.value}"`);
      return;
    }
    case 'boolean':
      if (typeof node.value !== 'boolean') node.fail(`must be true or false, got ${describeValue(node.value)}`);
      return;
    case 'integer': {
      if (typeof node.value !== 'number' || !Number.isInteger(node.value)) node.fail(`must be an integer, got ${describeValue(node.value)}`);
      if (shape.minimum !== undefined && node.value < shape.minimum) node.fail(`must be ≥ ${shape.minimum}`);
      if (shape.maximum !== undefined && node.value > shape.maximum) node.fail(`must be ≤ ${shape.maximum}`);
      return;
    }
    case 'object':
      checkFields(node, shape.type);
      return;
    case 'list':
      if (!Array.isArray(node.value)) node.fail(`must be a list, got ${describeValue(node.value)}`);
      for (const item of node.list()) checkShape(item, shape.items);
      return;
    case 'map':
      if (!node.isMap()) node.fail(`must be a mapping, got ${describeValue(node.value)}`);
      for (const key of node.keys()) checkShape(node.child(key), shape.values);
      return;
    case 'conditions':
      if (Array.isArray(node.value)) {
        for (const item of node.list()) checkFields(item, 'Condition');
      } else if (node.isMap()) {
        checkFields(node, 'AnyAllConditions');
      } else {
        node.fail(`must be a mapping with any/all, or a list of conditions, got ${describeValue(node.value)}`);
      }
      return;
    case 'json':
      return;
  }
}

/** kubectl's wording (`unknown field "spec.foo"`), with the nearest known field when it looks like a typo. */
function unknownField(path: string, key: string, known: string[]): string {
  const suggestion = nearest(key, known);
  return `unknown field "${path}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
}

/** The known name a typo most likely meant (case-insensitive, at most two edits), if any. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const limit = Math.min(2, Math.max(1, Math.floor(Math.max(key.length, best.name.length) / 4)));
  return best.distance <= limit ? best.name : undefined;
}

/** Edit distance with adjacent transpositions (optimal string alignment): `lables` is one step from `labels`. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
