// The gzip coding of one getparams answer, made once and kept with the answer, so the answer book's
// lifetime (one state revision, a bounded number of answers) bounds it too. Small answers are
// compressed on the spot; a large one is compressed once on the libuv thread pool, started after the
// first asker's identity answer has been sent, so the first answer after a change costs what it
// cost before and later askers get the cached gzip bytes.
import { constants, gzip, gzipSync, type ZlibOptions } from 'node:zlib';

export interface Compressed {
  /** The gzip bytes when ready (small answers are made on the spot); undefined means: send identity. */
  get(): Buffer | undefined;
  /** Start compressing off the request path (once; later calls do nothing). */
  prepare(): void;
}

/** Answers up to this size compress in well under a millisecond: no reason to defer them. */
export const INLINE_GZIP_BYTES = 64 * 1024;
// Level 6 (zlib's default): answers are repetitive JSON, so higher levels save little and cost more.
const OPTIONS: ZlibOptions = { level: constants.Z_DEFAULT_COMPRESSION };

export function lazyGzip(text: string): Compressed {
  let ready: Buffer | undefined;
  let started = false;
  // UTF-8 never takes fewer bytes than UTF-16 code units, so the length bounds the byte count from below.
  const small = text.length <= INLINE_GZIP_BYTES && Buffer.byteLength(text) <= INLINE_GZIP_BYTES;
  return {
    get() {
      if (small && !started) {
        started = true;
        ready = gzipSync(text, OPTIONS);
      }
      return ready;
    },
    prepare() {
      if (started) return;
      started = true;
      // A failure here (out of memory) leaves the identity answer in service; nothing is lost.
      gzip(text, OPTIONS, (err, out) => {
        if (!err) ready = out;
      });
    },
  };
}
