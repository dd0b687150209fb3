// Synthetic registries (synthetic-registry.ts) in a process of their own, so the requests of a
// benchmark's leader are answered by a process that does nothing else: neither the API peer nor the
// benchmark's own reading competes with them on one event loop. argv: count, repositories per
// registry, tags per repository. Each registry's images are its own (distinct digests), as distinct
// repositories' are: with the same content the leader would read each image's details once for all. Sends { urls } once listening; answers "requests" with each
// registry's request counts; exits when the parent goes (its IPC channel closes).
import { startSyntheticRegistry } from './synthetic-registry.ts';

const [count, repositories, tagsPerRepository] = process.argv.slice(2).map(Number) as [number, number, number];
const registries = await Promise.all(Array.from({ length: count }, (_, k) => startSyntheticRegistry({ repositories, tagsPerRepository, salt: `s${k}/` })));
process.send!({ urls: registries.map((r) => r.url) });
process.on('disconnect', () => process.exit(0));
process.on('message', (message) => {
  if (message === 'requests') process.send!({ requests: registries.map((r) => r.requests) });
});
