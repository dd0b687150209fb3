// Error codes of the supply-chain gate (docs/errors.md lists each; docs/verification.md explains them).

export type VerifyErrorCode =
  /** A configured public key is not a PEM public key (SubjectPublicKeyInfo). */
  | 'VERIFY_KEY_INVALID'
  /** `verify.cosign.keyless.trustedRoot` is not a readable Sigstore trusted_root.json. */
  | 'VERIFY_TRUST_ROOT_INVALID'
  /** Candidates passed the policy, but none of the best has a signature that verifies. */
  | 'VERIFY_NONE_VERIFIED';
