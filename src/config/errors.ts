// Error codes of the config domain (listed in docs/config.md, "Errors").

/** The file was read but has problems; `details.issues` lists every one with its path. */
export const CFG_INVALID = 'CFG_INVALID';
/** The file could not be read (missing, permissions, not a file). */
export const CFG_UNREADABLE = 'CFG_UNREADABLE';
/** No config path: neither --config nor ARGOCD_IMAGE_PLUGINS_CONFIG was given. */
export const CFG_NO_PATH = 'CFG_NO_PATH';
