// The service's heap settings. The poller allocates in bursts (a policy run over every listed tag),
// and V8 answers bursts by growing its young generation up to 128 MB and keeping it. Optimising for
// size keeps 2,000 watches over 100,000 tags near 120 MB resident instead of 270 MB, for a few
// hundred milliseconds more CPU per full pass (bench/poller.ts, "Memory"). The flag is refused in
// NODE_OPTIONS, so the service sets it itself, first thing, before its heap has grown.
import { setFlagsFromString } from 'node:v8';

export function tuneHeapForService(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.ARGOCD_IMAGE_PLUGINS_OPTIMIZE_FOR_SIZE === 'false') return false;
  setFlagsFromString('--optimize-for-size');
  return true;
}
