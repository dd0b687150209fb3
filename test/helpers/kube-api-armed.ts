// The arming both misbehaving watches of the loopback Kubernetes API peer share
// (kube-api-endless-line.ts, kube-api-silent-watch.ts): a test arms the next `count` watch requests,
// and the peer asks, per request, whether this one is to misbehave.

export interface ArmedWatches {
  /** The next `count` watch requests misbehave. */
  arm(count?: number): void;
  /** True (and one armed watch used) when this request is a watch that is to misbehave. */
  takes(verb: string): boolean;
}

export function armedWatches(): ArmedWatches {
  let armed = 0;
  return {
    arm: (count = 1) => void (armed = count),
    takes(verb) {
      if (verb !== 'watch' || armed === 0) return false;
      armed -= 1;
      return true;
    },
  };
}
