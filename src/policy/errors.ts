// Error codes of tag selection, recorded as a resolution's last error (docs/errors.md lists each).

export type PolicyErrorCode =
  /** No listed tag passes the filter and the policy, or a held tag is not in the registry. */
  | 'POLICY_NO_MATCH'
  /** The best tags lack a platform the watch requires. */
  | 'POLICY_NO_PLATFORM';
