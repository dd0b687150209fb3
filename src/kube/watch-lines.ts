// A watch body as the API server sends it: one JSON-encoded watch event per line
// (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
// The bytes are decoded as one UTF-8 stream, so a character split across two chunks stays whole,
// and a line may not grow past a bound: a peer that never sends a newline cannot make the service
// buffer without end.

/**
 * Longest event line accepted. An object stored by the API server is at most about 1.5 MiB (etcd's
 * default request limit); an event wraps one object, so 8 MiB leaves room for any real event.
 */
export const MAX_WATCH_LINE_BYTES = 8 * 1024 * 1024;

export class WatchLineTooLong extends Error {
  constructor(limit: number) {
    super(`a watch event line exceeded ${limit} bytes without a newline; the stream is closed and the watch starts again`);
  }
}

/** Reads newline-delimited JSON events from `body`, calling `onEvent` for each, in order. */
export async function readEvents(body: AsyncIterable<unknown>, onEvent: (event: unknown) => void, maxLineBytes = MAX_WATCH_LINE_BYTES): Promise<void> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
    let start = 0;
    let end;
    while ((end = pending.indexOf('\n', start)) !== -1) {
      const line = pending.slice(start, end).trim();
      start = end + 1;
      if (line) onEvent(JSON.parse(line));
    }
    pending = pending.slice(start);
    // Counted in UTF-16 code units, not bytes (O(1), and never fewer than the line's characters).
    if (pending.length > maxLineBytes) throw new WatchLineTooLong(maxLineBytes);
  }
  // A line without its newline at the end is a stream cut mid-event: dropped, as the watch starts
  // again from the last resourceVersion it saw.
}
