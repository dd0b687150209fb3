// Error codes of the persisted resolved-tag cache (docs/errors.md lists each).

export type CacheErrorCode =
  /** The file is not a snapshot this version reads; it is set aside and the service starts empty. */
  | 'CACHE_CORRUPT'
  /** The file exists but cannot be read. */
  | 'CACHE_UNREADABLE'
  /** A snapshot could not replace the file. */
  | 'CACHE_WRITE_FAILED';
