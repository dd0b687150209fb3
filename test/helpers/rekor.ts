// A transparency-log entry as Rekor would return it for a cosign keyless signature, signed by a test
// log key with openssl: the hashedrekord v0.0.1 body (Rekor's pkg/types/hashedrekord schema: sha256
// of the payload, the signature, the certificate) and the SignedEntryTimestamp, an ECDSA signature
// over the canonical JSON of {body, integratedTime, logID, logIndex}. cosign stores both in the
// `dev.sigstore.cosign/bundle` annotation (its pkg/cosign/bundle RekorBundle).
import { createHash } from 'node:crypto';
import { opensslSign, type KeyPair } from './cosign.ts';
import { logId } from './test-ca.ts';

export function rekorBundle(log: KeyPair, dir: string, payload: Buffer, signature: Buffer, certPem: string, logIndex = 1): string {
  const body = Buffer.from(JSON.stringify({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
      signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(certPem).toString('base64') } },
    },
  })).toString('base64');
  const integratedTime = Math.floor(Date.now() / 1000);
  const entry = { body, integratedTime, logID: logId(log).toString('hex'), logIndex };
  // Canonical JSON (RFC 8785) of this object is its keys in this order, no spaces: the values are strings and integers.
  const set = opensslSign(log.privateKey, Buffer.from(JSON.stringify(entry)), dir);
  return JSON.stringify({ SignedEntryTimestamp: set.toString('base64'), Payload: entry });
}
