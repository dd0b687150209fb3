// How a pending move reads, for the status page and the Argo CD extension alike: what waits, and
// for what (the gate of the environment it follows, a soak or pause with the time left, an approval,
// a wave still rolling out).
import type { PromotionEnvView } from '../../src/ui/types.ts';

/** "in 4 min" until an ISO time, or "now" once it passed. */
export function remaining(iso: string | null, now: number): string {
  if (!iso) return '';
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (!Number.isFinite(s)) return '';
  if (s <= 0) return 'now';
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.ceil(s / 60)} min`;
  return `in ${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** What the gate of this environment waits for, in one short phrase. */
export function gateText(p: PromotionEnvView, now: number): string {
  const next = p.waves.find((w) => w.step === 'next');
  const what = next ? `wave ${next.wave}` : p.from ? `the ${p.from} gate` : 'the gate';
  switch (p.state) {
    case 'waiting': {
      const left = remaining(p.opensAt, now);
      return `waiting for ${next ? `the pause before wave ${next.wave}` : `the soak in ${p.from ?? 'its source'}`}${left ? `, opens ${left}` : ''}`;
    }
    case 'blocked':
      return `waiting for ${what}: blocked`;
    case 'awaiting-approval':
      return `pending approval${next ? ` for wave ${next.wave}` : ''}`;
    case 'rolling':
      return next ? `rolling out, ${what} next` : 'rolling out';
    case 'held':
      return 'held';
    case 'stale':
      return 'nothing moves: Application data unknown';
    default:
      return 'up to date';
  }
}

/** "1.1.0 → waiting for the staging gate: blocked", or null when nothing is pending. */
export function pendingText(p: PromotionEnvView | undefined, now: number): string | null {
  if (!p?.pending) return null;
  return `${p.pending.tag ?? p.pending.ref} → ${gateText(p, now)}`;
}
