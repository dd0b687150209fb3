// `verify:` on a watch or one of its environments: the supply-chain gate (docs/verification.md).
// Only cosign signatures are understood. Public keys come from mounted files or environment
// variables (a Kubernetes Secret is mounted as a file), never from the config text. Keyless
// verification names an identity (issuer and subject) and a trust root the operator supplies
// (a Sigstore trusted_root.json from a file or Secret; nothing is fetched).
import type { KeylessSpec, VerifySpec } from './types.ts';
import { readSecretSource } from './parse-secret.ts';
import { compileRegex } from './parse-regex.ts';
import { child, describe, readList, readMapping, readString, report, type IssueSink } from './reader.ts';

/** More keys than this is a mistake (each candidate is checked against every key). */
export const MAX_PUBLIC_KEYS = 16;

function readKeyless(sink: IssueSink, value: unknown, path: string): KeylessSpec | undefined {
  const m = readMapping(sink, value, path, ['issuer', 'subject', 'subjectRegExp', 'trustedRoot']);
  if (m === undefined) return undefined;
  const issuer = readString(sink, m.issuer, child(path, 'issuer'));
  if ((m.subject === undefined) === (m.subjectRegExp === undefined)) {
    report(sink, path, 'give exactly one of subject (the exact identity) or subjectRegExp (a regular expression over it)');
  }
  const subject = m.subject === undefined ? undefined : readString(sink, m.subject, child(path, 'subject'));
  const regexText = m.subjectRegExp === undefined ? undefined : readString(sink, m.subjectRegExp, child(path, 'subjectRegExp'));
  const compiled = regexText === undefined ? undefined : compileRegex(sink, regexText, child(path, 'subjectRegExp'));
  if (m.trustedRoot === undefined) report(sink, child(path, 'trustedRoot'), 'missing; write trustedRoot: { file: /etc/sigstore/trusted_root.json } (nothing is fetched at run time)');
  const trustedRoot = m.trustedRoot === undefined ? undefined : readSecretSource(sink, m.trustedRoot, child(path, 'trustedRoot'));
  if (issuer === undefined || trustedRoot === undefined || (subject === undefined && compiled === undefined)) return undefined;
  return { issuer, trustedRoot, ...(subject !== undefined && { subject }), ...(compiled && { subjectRegExp: compiled.regex }) };
}

function readCosign(sink: IssueSink, value: unknown, path: string): VerifySpec['cosign'] | undefined {
  const m = readMapping(sink, value, path, ['publicKeys', 'keyless']);
  if (m === undefined) return undefined;
  const keysPath = child(path, 'publicKeys');
  const publicKeys = readList(sink, m.publicKeys, keysPath, (element, elementPath) => readSecretSource(sink, element, elementPath));
  if (Array.isArray(m.publicKeys) && m.publicKeys.length > MAX_PUBLIC_KEYS) {
    report(sink, keysPath, `${m.publicKeys.length} keys; give at most ${MAX_PUBLIC_KEYS}`);
  }
  const keyless = m.keyless === undefined ? undefined : readKeyless(sink, m.keyless, child(path, 'keyless'));
  if (m.keyless !== undefined && keyless === undefined) return undefined;
  if (m.keyless === undefined && (m.publicKeys === undefined || (Array.isArray(m.publicKeys) && m.publicKeys.length === 0))) {
    report(sink, keysPath, 'list at least one public key, e.g. publicKeys: [{ file: /etc/cosign/cosign.pub }], or give keyless: { issuer, subject, trustedRoot }');
    return undefined;
  }
  if (m.publicKeys !== undefined && publicKeys.length !== (m.publicKeys as unknown[]).length) return undefined;
  return { publicKeys, ...(keyless && { keyless }) };
}

/** `verify: { cosign: {...} }`; `verify: {}`/`null` in an environment turns the gate off there. */
export function readVerify(sink: IssueSink, value: unknown, path: string): VerifySpec | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    report(sink, path, `expected { cosign: { publicKeys: [...] } } or null, got ${describe(value)}`);
    return undefined;
  }
  const m = readMapping(sink, value, path, ['cosign']);
  if (m === undefined) return undefined;
  if (m.cosign === undefined) {
    report(sink, child(path, 'cosign'), 'missing; write cosign: { publicKeys: [{ file: /etc/cosign/cosign.pub }] } (or verify: null to turn the gate off)');
    return undefined;
  }
  const cosign = readCosign(sink, m.cosign, child(path, 'cosign'));
  return cosign === undefined ? undefined : { cosign };
}
