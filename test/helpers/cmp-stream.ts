// A YAML stream of many small Pods, each holding one image: the shape that exposes per-document
// costs in the CMP rewrite (every document is parsed). Used by tests and bench/cmp-stream.ts.

export const STREAM_IMAGE = 'ghcr.io/acme/web:1.0.0';

export function smallDocument(i: number): string {
  return `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n  - name: c\n    image: ${STREAM_IMAGE}\n`;
}

/** At least `bytes` characters of small documents. */
export function smallDocumentStream(bytes: number): { text: string; documents: number } {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const doc = smallDocument(parts.length);
    parts.push(doc);
    size += doc.length;
  }
  return { text: parts.join(''), documents: parts.length };
}
