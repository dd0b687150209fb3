// WWW-Authenticate parsing (RFC 9110 §11.6.1: a header may hold several challenges, each a scheme
// followed by comma-separated auth-params whose quoted values may themselves contain commas) and the
// Docker token scope grammar (distribution spec/auth/scope: `repository:<name>:<actions>`). Pure.

export interface Challenge {
  /** Lower case: 'bearer', 'basic', … */
  readonly scheme: string;
  /** Parameter names lower case; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*(?=\s*(,|$))/;

/** Every challenge in one or more WWW-Authenticate values, in order; unparseable tails are dropped. */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap(parseOne);
}

function parseOne(text: string): Challenge[] {
  const out: Challenge[] = [];
  let rest = text;
  const skip = (re: RegExp): void => {
    rest = rest.replace(re, '');
  };
  for (;;) {
    skip(/^[\s,]+/);
    const scheme = TOKEN.exec(rest)?.[0];
    if (scheme === undefined) break;
    rest = rest.slice(scheme.length);
    const params: Record<string, string> = {};
    let token68: string | undefined;
    skip(/^ +/);
    const t68 = TOKEN68.exec(rest)?.[0];
    if (t68 !== undefined && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*=\s*[^=]/.test(rest)) {
      token68 = t68;
      rest = rest.slice(t68.length);
    } else {
      // auth-param = token BWS "=" BWS ( token / quoted-string ), separated by commas
      for (;;) {
        const m = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9!#$%&'*+.^_`|~:/@-]*))\s*/.exec(rest);
        if (!m || m[1] === undefined) break;
        params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
        rest = rest.slice(m[0].length);
        if (!rest.startsWith(',')) break;
        // a comma ends this param; if a "scheme " (token then space, no '=') follows, a new challenge starts
        const after = rest.slice(1).replace(/^\s+/, '');
        if (/^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s+[^=\s]|\s*$)/.test(after) && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*=/.test(after)) break;
        rest = rest.slice(1);
      }
    }
    out.push({ scheme: scheme.toLowerCase(), params, ...(token68 !== undefined ? { token68 } : {}) });
  }
  return out;
}

/** The challenge we answer: Bearer (token) before Basic; undefined when neither is offered. */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
}

/** The pull scope for a repository, as Docker clients request it. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** `Basic base64(user:pass)` (RFC 7617). */
export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
