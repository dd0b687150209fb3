// Preloaded with `node --import` into a service process, this moves its wall clock by CLOCK_SKEW_MS
// (Date.now() and `new Date()`), as a node whose clock is off would be; monotonic time (timers,
// performance.now()) is untouched, as NTP skew leaves it. Drills use it to run replicas with clocks
// seconds apart.
const skew = Number(process.env.CLOCK_SKEW_MS ?? '0');
if (!Number.isFinite(skew)) throw new Error(`CLOCK_SKEW_MS="${process.env.CLOCK_SKEW_MS}" is not a number of milliseconds`);
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);

class SkewedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(realNow() + skew);
    else super(...(args as [string | number]));
  }

  static override now(): number {
    return realNow() + skew;
  }
}

globalThis.Date = SkewedDate as DateConstructor;
