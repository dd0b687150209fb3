// A reply body of the API server read with a bound: a peer that answers without end (or a list far
// larger than any real one) cannot make the service buffer without limit. The API server itself
// caps a request at about 3 MiB per object (etcd's request limit) and pages lists on request; 256 MiB
// leaves room for an unpaged list of thousands of objects.
import type { Dispatcher } from 'undici';
import { kubeError } from './errors.ts';

export const MAX_REPLY_BYTES = 256 * 1024 * 1024;

/** The body as UTF-8 text; KUBE_REPLY_TOO_LARGE (the rest unread, the connection closed) past `maxBytes`. */
export async function readReply(res: Dispatcher.ResponseData, what: string, maxBytes = MAX_REPLY_BYTES): Promise<string> {
  const tooLarge = (): Error => kubeError('KUBE_REPLY_TOO_LARGE', `Kubernetes API reply for ${what} is larger than ${maxBytes} bytes; not read further`);
  // destroying the body makes undici emit an abort error nobody else listens for
  const discard = (): void => void res.body.on('error', () => {}).destroy();
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      discard();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
