// Texts that move with the clock: ages ("3 min") and time left ("opens in 4 min"). The service
// sends absolute times and its state changes only when the service's does (a poll then costs a
// 304), so the page keeps these texts current itself, on a timer, without asking the service.

interface Ticking {
  readonly text: (now: number) => string;
  /** Set on the first tick that found the element out of the document (it may be about to go in). */
  away: boolean;
}

const ticking = new Map<Element, Ticking>();

/** Fills `element` with `text(now)` and keeps it current on every tick while it is on the page. */
export function timed<E extends Element>(element: E, text: (now: number) => string, now: number): E {
  element.textContent = text(now);
  ticking.set(element, { text, away: false });
  return element;
}

/** Rewrites every timed text that changed; forgets elements a re-render took off the page. */
export function tick(now: number): void {
  for (const [element, t] of ticking) {
    if (!element.isConnected) {
      if (t.away) ticking.delete(element);
      t.away = true;
      continue;
    }
    t.away = false;
    const text = t.text(now);
    if (element.textContent !== text) element.textContent = text;
  }
}
