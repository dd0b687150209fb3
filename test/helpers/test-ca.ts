// A private Sigstore for tests, built with openssl: a root CA standing in for Fulcio, leaf
// certificates shaped like Fulcio's (empty subject, code-signing EKU, the OIDC issuer in extension
// 1.3.6.1.4.1.57264.1.8 as a UTF8String and/or the legacy 1.3.6.1.4.1.57264.1.1 as raw bytes, the
// identity in a SAN email or URI), and a log key standing in for Rekor. trustedRoot() writes these as a
// Sigstore trusted_root.json (sigstore protobuf-specs TrustedRoot, JSON mapping). No SCTs and no
// certificate-transparency log: the root lists none, so none is required (docs/verification.md).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeKeyPair, type KeyPair } from './cosign.ts';

export interface TestCa {
  readonly name: string;
  readonly key: KeyPair;
  readonly certPem: string;
  readonly certFile: string;
}

export interface LeafOptions {
  readonly issuer: string;
  /** `email:ci@acme.test` or `URI:https://github.com/acme/web/...` */
  readonly san: string;
  /** Which issuer extensions to write: Fulcio's current one, the legacy one, or both. */
  readonly issuerExtensions?: 'v2' | 'legacy' | 'both';
}

const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

export function makeCa(dir: string, name: string): TestCa {
  const key = makeKeyPair(dir, `${name}-ca`);
  const certFile = join(dir, `${name}-ca.crt`);
  run(['req', '-x509', '-new', '-key', key.privateKey, '-subj', `/O=${name}/CN=${name}-fulcio`, '-days', '2', '-out', certFile,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash']);
  return { name, key, certFile, certPem: readFileSync(certFile, 'utf8') };
}

/** A Fulcio-style leaf certificate for a fresh key, issued by `ca`; returns the key and the PEM. */
export function issueLeaf(dir: string, ca: TestCa, id: string, options: LeafOptions): { key: KeyPair; certPem: string } {
  const key = makeKeyPair(dir, `leaf-${id}`);
  const csr = join(dir, `leaf-${id}.csr`);
  const ext = join(dir, `leaf-${id}.cnf`);
  const cert = join(dir, `leaf-${id}.crt`);
  const which = options.issuerExtensions ?? 'both';
  const lines = ['[leaf]', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=codeSigning',
    `subjectAltName=critical,${options.san}`, 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
  if (which !== 'v2') lines.push(`1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(options.issuer).toString('hex')}`);
  if (which !== 'legacy') lines.push(`1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${options.issuer}`);
  writeFileSync(ext, `${lines.join('\n')}\n`);
  run(['req', '-new', '-key', key.privateKey, '-subj', `/O=sigstore-test`, '-out', csr]);
  run(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.key.privateKey, '-CAcreateserial', '-days', '1', '-extfile', ext, '-extensions', 'leaf', '-out', cert]);
  return { key, certPem: readFileSync(cert, 'utf8') };
}

/** The log key's id as Rekor computes it: sha256 of its DER SubjectPublicKeyInfo. */
export function logId(log: KeyPair): Buffer {
  return createHash('sha256').update(der(readFileSync(log.publicKey, 'utf8'))).digest();
}

/** A trusted_root.json trusting `cas` as certificate authorities and `log` as the transparency log. */
export function trustedRoot(cas: readonly TestCa[], log: KeyPair): string {
  const since = { start: '2020-01-01T00:00:00Z' };
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: 'https://rekor.test', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: der(readFileSync(log.publicKey, 'utf8')).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: since }, logId: { keyId: logId(log).toString('base64') } }],
    certificateAuthorities: cas.map((ca) => ({ subject: { organization: ca.name, commonName: `${ca.name}-fulcio` }, uri: 'https://fulcio.test', certChain: { certificates: [{ rawBytes: der(ca.certPem).toString('base64') }] }, validFor: since })),
    ctlogs: [],
    timestampAuthorities: [],
  });
}
