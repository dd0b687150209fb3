// The clients of bench/ui.ts, all outside the service's process: the getparams load generator and
// twenty plain-HTTP pollers in the bench process, twenty status pages in Chromium's processes. Each
// counts the state answers it gets (200 with a body, 304 when the ETag still matches).
import type { BrowserContext, Page } from 'playwright-core';
import { Pool } from 'undici';
import { TOKEN, VIEWER } from './ui-service.ts';

export type StateAnswers = Record<string, number>;

const GETPARAMS_BODY = `${JSON.stringify({ applicationSetName: 'bench', input: {} })}\n`;

export async function getparamsLatencies(url: string, seconds: number): Promise<number[]> {
  const pool = new Pool(url, { connections: 2, pipelining: 1 });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: '/api/v1/getparams.execute', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'accept-encoding': 'gzip' }, body: GETPARAMS_BODY });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`getparams answered ${res.statusCode}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all([worker(), worker()]);
  await pool.close();
  return latencies;
}

/** Until the service has its gzip coding of the getparams answer (made in the background after the first answer). */
export async function warmGetparams(url: string): Promise<void> {
  for (const until = performance.now() + 60_000; performance.now() < until; ) {
    const res = await fetch(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'accept-encoding': 'gzip' }, body: GETPARAMS_BODY });
    await res.arrayBuffer();
    if (res.headers.get('content-encoding') === 'gzip') return;
  }
}

function count(answers: StateAnswers, status: number): void {
  answers[status] = (answers[status] ?? 0) + 1;
}

/** Twenty status pages, opened five at a time, then left to settle so only their polling remains. */
export async function openPages(context: BrowserContext, url: string, answers: StateAnswers): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: 20 }, () => context.newPage()));
  for (const page of pages) page.on('response', (res) => void (new URL(res.url()).pathname === '/ui/api/state' && count(answers, res.status())));
  for (let i = 0; i < pages.length; i += 5) {
    await Promise.all(pages.slice(i, i + 5).map((p) => p.goto(`${url}/ui/`, { timeout: 180_000 }).then(() => p.waitForSelector('#watches tbody tr', { state: 'attached', timeout: 180_000 }))));
  }
  await new Promise((r) => setTimeout(r, 3000));
  return pages;
}

/** `count` clients polling the state as the page does: every 2 s, with the last ETag. */
export async function startPollers(url: string, clients: number, answers: StateAnswers): Promise<{ stop(): void }> {
  const login = await fetch(`${url}/ui/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: VIEWER }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const timers = Array.from({ length: clients }, (_, i) => {
    let etag = '';
    const poll = async (): Promise<void> => {
      const res = await fetch(`${url}/ui/api/state`, { headers: { cookie, 'accept-encoding': 'gzip', ...(etag && { 'if-none-match': etag }) } });
      await res.arrayBuffer();
      count(answers, res.status);
      etag = res.headers.get('etag') ?? etag;
    };
    const start = setTimeout(() => void poll(), (2000 / clients) * i);
    const every = setInterval(() => void poll(), 2000);
    return { start, every };
  });
  await new Promise((r) => setTimeout(r, 2000));
  return { stop: () => timers.forEach((t) => (clearTimeout(t.start), clearInterval(t.every))) };
}
