// Error codes of the config domain (docs/errors.md lists each).

export type ConfigErrorCode =
  /** The file was read but has problems; `details.issues` lists every one with its path. */
  | 'CFG_INVALID'
  /** The file could not be read (missing, permissions, not a file). */
  | 'CFG_UNREADABLE'
  /** The file is larger than a ConfigMap can hold (1 MiB); refused before it is read or parsed. */
  | 'CFG_TOO_LARGE'
  /** No config path: neither --config nor ARGOCD_IMAGE_PLUGINS_CONFIG was given. */
  | 'CFG_NO_PATH';

export const CFG_INVALID: ConfigErrorCode = 'CFG_INVALID';
export const CFG_UNREADABLE: ConfigErrorCode = 'CFG_UNREADABLE';
export const CFG_TOO_LARGE: ConfigErrorCode = 'CFG_TOO_LARGE';
export const CFG_NO_PATH: ConfigErrorCode = 'CFG_NO_PATH';
