// Content negotiation for getparams answers (RFC 9110 §12.5.3 Accept-Encoding, §8.4.1 gzip).
// Argo CD's plugin client is Go's http.Client with the default transport, which sends
// `Accept-Encoding: gzip` and decompresses the answer transparently; any other client that does not
// ask (or refuses with `gzip;q=0`) gets the identity bytes. Pure.

/** Weight of one coding in an Accept-Encoding list, or undefined when the list does not name it. */
function weight(list: string, coding: string): number | undefined {
  let found: number | undefined;
  for (const part of list.split(',')) {
    const [name, ...params] = part.split(';');
    if (name?.trim().toLowerCase() !== coding) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    found = Math.max(found ?? 0, Number.isFinite(q) ? q : 0);
  }
  return found;
}

/** True when the request's Accept-Encoding lets the answer be gzip-coded (by name, x-gzip or `*`). */
export function acceptsGzip(header: string | readonly string[] | undefined): boolean {
  if (header === undefined) return false;
  const list = typeof header === 'string' ? header : header.join(',');
  const named = weight(list, 'gzip') ?? weight(list, 'x-gzip');
  if (named !== undefined) return named > 0;
  return (weight(list, '*') ?? 0) > 0;
}
