// Where a secret lives, as config.yaml names it: a mounted file or an environment variable. The
// config's types and the secret reader both use this shape; reading happens in secrets.ts. Pure.

export type SecretSource = { readonly file: string } | { readonly env: string };

/** How messages name a source (never its value). */
export function describeSecretSource(source: SecretSource): string {
  return 'file' in source ? `file ${source.file}` : `environment variable ${source.env}`;
}
