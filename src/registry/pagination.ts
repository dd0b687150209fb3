// Tag-list pagination (OCI distribution-spec "Listing Tags"; Link header syntax RFC 8288 §3).
// The `Link: <url>; rel="next"` target is followed verbatim (registries use opaque tokens), resolved
// against the URL of the page that carried it, and refused when it leaves the registry's origin:
// a listing must never send our credentials, or any request, somewhere the config does not name.
// Pure: no I/O.

export interface LinkValue {
  readonly target: string;
  readonly params: Readonly<Record<string, string>>;
}

export type NextPage =
  | { readonly kind: 'none' }
  | { readonly kind: 'next'; readonly url: URL }
  | { readonly kind: 'refused'; readonly target: string; readonly reason: string };

/** Every link-value of one or more Link header field values, in order. Malformed parts are skipped. */
export function parseLinkHeader(header: string | readonly string[] | undefined): LinkValue[] {
  if (header === undefined) return [];
  const text = typeof header === 'string' ? header : header.join(', ');
  const out: LinkValue[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<', i);
    if (open < 0) break;
    const close = text.indexOf('>', open + 1);
    if (close < 0) break;
    const target = text.slice(open + 1, close).trim();
    const params: Record<string, string> = {};
    i = close + 1;
    // link-params: ; name[=value|"quoted value"] … up to the next top-level comma
    for (;;) {
      const m = /^\s*;\s*([A-Za-z0-9!#$&+.^_`|~*-]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;,]*)))?/.exec(text.slice(i));
      if (!m || m[1] === undefined) break;
      const name = m[1].toLowerCase();
      if (!(name in params)) params[name] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
      i += m[0].length;
    }
    const comma = text.indexOf(',', i);
    out.push({ target, params });
    if (comma < 0) break;
    i = comma + 1;
  }
  return out;
}

/** The next page from a tags-list reply's Link header, resolved against `current`; same origin only. */
export function nextPage(current: URL, header: string | readonly string[] | undefined): NextPage {
  const link = parseLinkHeader(header).find((l) => (l.params.rel ?? '').toLowerCase().split(/\s+/).includes('next'));
  if (!link) return { kind: 'none' };
  let url: URL;
  try {
    url = new URL(link.target, current);
  } catch {
    return { kind: 'refused', target: link.target, reason: 'the next link is not a valid URL' };
  }
  if (url.origin !== current.origin) return { kind: 'refused', target: url.origin, reason: `the next link points at another origin (${url.origin})` };
  if (url.username !== '' || url.password !== '') return { kind: 'refused', target: url.origin, reason: 'the next link carries credentials' };
  return { kind: 'next', url };
}
