// Malformed getparams bodies: hand-written ones for each known hazard, and generated ones (seeded
// mutations of a valid body: byte flips, cuts, insertions, and wrong-typed values at every path).
export interface BodyCase {
  readonly name: string;
  readonly body: string | Buffer;
  readonly contentType?: string;
  /** A 2xx is acceptable only for a body that is still a valid request. */
  readonly mayBeValid?: boolean;
}

/** mulberry32, so every generated case can be replayed from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function validBody(watch: string): Record<string, unknown> {
  return { applicationSetName: 'apps', input: { parameters: { images: [watch], clusterSelector: { matchLabels: { environment: 'prod' } }, allowEmpty: false } } };
}

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

export function handWrittenBodies(watch: string, tripwireUrl: string): BodyCase[] {
  const ok = validBody(watch);
  const withParams = (parameters: unknown): string => JSON.stringify({ applicationSetName: 'apps', input: { parameters } });
  const cases: BodyCase[] = [
    { name: 'empty body', body: '' },
    { name: 'whitespace', body: '   \n' },
    { name: 'open brace', body: '{' },
    { name: 'null', body: 'null' },
    { name: 'string', body: '"apps"' },
    { name: 'number', body: '42' },
    { name: 'array', body: '[]' },
    { name: 'trailing garbage', body: `${JSON.stringify(ok)}x` },
    { name: 'two documents', body: `${JSON.stringify(ok)}${JSON.stringify(ok)}` },
    { name: 'single quotes', body: "{'applicationSetName':'apps','input':{}}" },
    { name: 'NaN', body: '{"applicationSetName":"apps","input":{"parameters":{"allowEmpty":NaN}}}' },
    { name: 'invalid UTF-8', body: Buffer.concat([Buffer.from('{"applicationSetName":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('","input":{}}')]), mayBeValid: true }, // decoded with U+FFFD: the name is free text
    { name: 'NUL bytes', body: '{"applicationSetName":"a\u0000b","input":{"parameters":{"images":["\u0000"]}}}' },
    { name: 'text/plain', body: JSON.stringify(ok), contentType: 'text/plain' },
    { name: 'form encoded', body: 'applicationSetName=apps', contentType: 'application/x-www-form-urlencoded' },
    { name: 'no applicationSetName', body: JSON.stringify({ input: {} }) },
    { name: 'no input', body: JSON.stringify({ applicationSetName: 'apps' }) },
    { name: 'applicationSetName number', body: JSON.stringify({ applicationSetName: 1, input: {} }) },
    { name: 'applicationSetName null', body: JSON.stringify({ applicationSetName: null, input: {} }) },
    { name: 'applicationSetName object', body: JSON.stringify({ applicationSetName: {}, input: {} }) },
    { name: 'applicationSetName empty', body: JSON.stringify({ applicationSetName: '', input: {} }) },
    { name: 'input string', body: JSON.stringify({ applicationSetName: 'apps', input: 'x' }) },
    { name: 'input array', body: JSON.stringify({ applicationSetName: 'apps', input: [] }) },
    { name: 'input null', body: JSON.stringify({ applicationSetName: 'apps', input: null }) },
    { name: 'parameters string', body: withParams('images=web') },
    { name: 'parameters array', body: withParams([watch]) },
    { name: 'parameters number', body: withParams(1) },
    { name: 'images string', body: withParams({ images: watch }) },
    { name: 'images numbers', body: withParams({ images: [1, 2] }) },
    { name: 'images empty string', body: withParams({ images: [''] }) },
    { name: 'images objects', body: withParams({ images: [{ name: watch }] }) },
    { name: 'images unknown watch', body: withParams({ images: ['nope'] }) },
    { name: 'images a registry URL', body: withParams({ images: [`${tripwireUrl}/acme/web`] }) },
    { name: 'images a host/repo', body: withParams({ images: [`${tripwireUrl.slice(7)}/acme/web:1.0.0`] }) },
    { name: 'image registry key', body: withParams({ images: [watch], registry: tripwireUrl }) },
    { name: 'url key', body: withParams({ url: tripwireUrl }) },
    { name: 'regex key', body: withParams({ images: [watch], include: '.*' }) },
    { name: 'clusterSelector string', body: withParams({ clusterSelector: 'environment=prod' }) },
    { name: 'matchLabels number value', body: withParams({ clusterSelector: { matchLabels: { environment: 1 } } }) },
    { name: 'matchLabels array', body: withParams({ clusterSelector: { matchLabels: ['prod'] } }) },
    { name: 'matchExpressions bad operator', body: withParams({ clusterSelector: { matchExpressions: [{ key: 'a', operator: 'Like', values: ['x'] }] } }) },
    { name: 'matchExpressions In without values', body: withParams({ clusterSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }) },
    { name: 'matchExpressions not a list', body: withParams({ clusterSelector: { matchExpressions: {} } }) },
    { name: 'selector unknown key', body: withParams({ clusterSelector: { matchFields: {} } }) },
    { name: 'allowEmpty yes', body: withParams({ allowEmpty: 'yes' }) },
    { name: 'allowEmpty number', body: withParams({ allowEmpty: 1 }) },
    { name: 'selector matching nothing', body: withParams({ images: [watch], clusterSelector: { matchLabels: { environment: 'nowhere' } } }) },
    { name: '__proto__ top level', body: `{"applicationSetName":"apps","input":{},"__proto__":{"polluted":"yes"}}` },
    { name: '__proto__ in input', body: `{"applicationSetName":"apps","input":{"__proto__":{"parameters":{"allowEmpty":true}}}}` },
    { name: '__proto__ in parameters', body: `{"applicationSetName":"apps","input":{"parameters":{"__proto__":{"allowEmpty":true}}}}` },
    { name: '__proto__ in matchLabels', body: `{"applicationSetName":"apps","input":{"parameters":{"clusterSelector":{"matchLabels":{"__proto__":{"environment":"prod"}}}}}}` },
    { name: 'constructor.prototype', body: `{"applicationSetName":"apps","input":{"parameters":{"constructor":{"prototype":{"allowEmpty":true}}}}}` },
    { name: 'deep nesting (arrays, 10 000)', body: `{"applicationSetName":"apps","input":{"parameters":{"images":${nested(10_000, '[', ']', '')}}}}` },
    { name: 'deep nesting (objects, 10 000)', body: `{"applicationSetName":"apps","input":{"parameters":${nested(10_000, '{"a":', '}', '1')}}}` },
    { name: 'deep nesting (100 000)', body: `{"applicationSetName":"apps","input":{"parameters":{"x":${nested(100_000, '[', ']', '')}}}}` },
    { name: '100 000 image names', body: withParams({ images: Array.from({ length: 100_000 }, (_, i) => `w${i}`) }) },
    { name: 'huge body (2 MiB)', body: withParams({ images: [watch], pad: 'x'.repeat(2 * 1024 * 1024) }) },
    { name: 'huge body (20 MiB)', body: withParams({ images: [watch], pad: 'x'.repeat(20 * 1024 * 1024) }) },
    // A name is free text to the service (Argo CD sends its ApplicationSet's name); only the body limit bounds it.
    { name: 'long applicationSetName (1 MiB)', body: JSON.stringify({ applicationSetName: 'a'.repeat(1024 * 1024 - 100), input: {} }), mayBeValid: true },
    { name: 'valid body with BOM', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(ok))]), mayBeValid: true },
  ];
  return cases;
}

const WRONG_VALUES: readonly unknown[] = [null, 0, -1, 1e308, '', 'x', true, [], {}, [null], { a: 1 }, '__proto__', 'true', '../../etc/passwd', 'http://127.0.0.1:1/'];

/** Every path of a JSON value, as key lists. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/** Wrong-typed values at every path of a valid body, then `count` seeded byte-level mutations. */
export function generatedBodies(watch: string, count: number, seed: number): BodyCase[] {
  const random = prng(seed);
  const ok = validBody(watch);
  const cases: BodyCase[] = [];
  for (const p of paths(ok)) {
    for (const v of WRONG_VALUES) cases.push({ name: `${p.join('.') || '(root)'} = ${JSON.stringify(v)}`, body: JSON.stringify(setAt(ok, p, v)), mayBeValid: true });
  }
  const text = JSON.stringify(ok);
  const junk = ['{', '}', '[', ']', '"', ':', ',', '\\', '\u0000', 'null', '1e999', '\ud800', '__proto__', ' '];
  for (let i = 0; i < count; i++) {
    const at = Math.floor(random() * text.length);
    const kind = Math.floor(random() * 3);
    const piece = junk[Math.floor(random() * junk.length)]!;
    const body = kind === 0 ? text.slice(0, at) : kind === 1 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + 1);
    cases.push({ name: `mutation ${i} (${['cut', 'insert', 'replace'][kind]} at ${at})`, body, mayBeValid: true });
  }
  return cases;
}
