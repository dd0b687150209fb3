// Walks schema/config.schema.json along a parser path (`watches[0].environments.prod.filter`) to
// the schema node that describes it, following $ref, anyOf/oneOf and additionalProperties maps.
// Used by schema.test.ts to compare the schema's properties with the keys the parser accepts.
import { readFileSync } from 'node:fs';

export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Record<string, SchemaNode>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly definitions?: Record<string, SchemaNode>;
}

/** A node and the JSON pointer it lives at, so a message can say where to edit. */
export interface Located {
  readonly node: SchemaNode;
  readonly pointer: string;
}

export const SCHEMA_FILE = new URL('../../schema/config.schema.json', import.meta.url);

export function loadSchema(): SchemaNode {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as SchemaNode;
}

function deref(root: SchemaNode, at: Located): Located {
  let current = at;
  while (current.node.$ref !== undefined) {
    const name = /^#\/definitions\/(\w+)$/.exec(current.node.$ref)?.[1];
    const target = name === undefined ? undefined : root.definitions?.[name];
    if (target === undefined) throw new Error(`unresolvable $ref ${current.node.$ref} at ${current.pointer}`);
    current = { node: target, pointer: `#/definitions/${name}` };
  }
  return current;
}

/** The branch of an anyOf/oneOf that can hold a mapping (for keys) or a list (for indexes). */
function branch(root: SchemaNode, at: Located, want: 'object' | 'array'): Located {
  const here = deref(root, at);
  const options = here.node.anyOf ?? here.node.oneOf;
  if (options === undefined) return here;
  for (const [index, option] of options.entries()) {
    const resolved = deref(root, { node: option, pointer: `${here.pointer}/${here.node.anyOf ? 'anyOf' : 'oneOf'}/${index}` });
    const types = [resolved.node.type ?? []].flat();
    if (types.includes(want) || (want === 'object' && resolved.node.properties !== undefined)) return resolved;
  }
  return here;
}

/** `a.b[0]["x.y"]` → ['a', 'b', 0, 'x.y']. */
export function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else out.push(JSON.parse(match[3]!) as string);
  }
  return out;
}

/** The schema node for a parser path, or undefined (with the deepest node reached) when the schema has none. */
export function resolve(root: SchemaNode, path: string): Located | undefined {
  let at: Located = { node: root, pointer: '#' };
  for (const segment of segments(path)) {
    if (typeof segment === 'number') {
      const list = branch(root, at, 'array');
      if (list.node.items === undefined) return undefined;
      at = { node: list.node.items, pointer: `${list.pointer}/items` };
      continue;
    }
    const map = branch(root, at, 'object');
    const property = map.node.properties?.[segment];
    const extra = map.node.additionalProperties;
    if (property !== undefined) at = { node: property, pointer: `${map.pointer}/properties/${segment}` };
    else if (typeof extra === 'object') at = { node: extra, pointer: `${map.pointer}/additionalProperties` };
    else return undefined;
  }
  return branch(root, at, 'object');
}

/** Every object node with declared properties reachable from the root, by its JSON pointer. */
export function objectShapes(root: SchemaNode): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  const visit = (at: Located): void => {
    const here = deref(root, at);
    if (out.has(here.pointer)) return;
    if (here.node.properties !== undefined) out.set(here.pointer, here.node);
    for (const [key, child] of Object.entries(here.node.properties ?? {})) visit({ node: child, pointer: `${here.pointer}/properties/${key}` });
    if (typeof here.node.additionalProperties === 'object') visit({ node: here.node.additionalProperties, pointer: `${here.pointer}/additionalProperties` });
    if (here.node.items !== undefined) visit({ node: here.node.items, pointer: `${here.pointer}/items` });
    for (const [kind, list] of [['anyOf', here.node.anyOf], ['oneOf', here.node.oneOf]] as const) {
      list?.forEach((option, index) => visit({ node: option, pointer: `${here.pointer}/${kind}/${index}` }));
    }
  };
  visit({ node: root, pointer: '#' });
  return out;
}
