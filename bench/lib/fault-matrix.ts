// Registry faults × service phases. One service, one repository per fault (fault-cases.ts), every
// fault at once. Three phases:
//  - cold: empty cache, faults active from the first scan;
//  - steady: resolved, then faults, then a newer tag is pushed (a healthy scan would move to it);
//  - restart: stopped with SIGTERM (cache persisted), a newer tag pushed, restarted with faults on.
// While a fault holds, getparams is asked for every watch every 100 ms and /api/v1/images is read; the
// invariants are checked on every answer. The faults are then cleared and the time until each watch
// serves the newest tag is measured.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test/helpers/registry.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../../test/helpers/protocol-registry.ts';
import { pushImage } from '../../test/helpers/images.ts';
import { writeConfig, type RunWatch } from './config.ts';
import { FAULT_CASES, MATRIX_TIMEOUT_SECONDS, TOKEN_TTL_SECONDS, type FaultCase, type FaultContext, type Peer } from './fault-cases.ts';
import { createObserver, type Observer } from './observe.ts';
import { startService, type ServiceProcess } from './service.ts';

export type Phase = 'cold' | 'steady' | 'restart';

export interface MatrixRow {
  readonly phase: Phase;
  readonly fault: string;
  readonly id: string;
  /** What getparams answered while the fault held, e.g. "503 ×12" or "200 1.0.0 ×30". */
  readonly served: string;
  readonly staleFlagged: boolean;
  /** A scan finished while the fault held (so a stale flag was due). */
  readonly scanned: boolean;
  readonly recoveryMs: number | undefined;
  /** Requests that reached the registry for this repository during the phase. */
  readonly requests: number;
}

export interface MatrixResult {
  readonly intervalSeconds: number;
  readonly rows: readonly MatrixRow[];
  readonly violations: readonly string[];
  readonly answers: number;
  readonly logLines: readonly string[];
}

export interface MatrixOptions {
  readonly cli: string;
  readonly intervalSeconds: number;
  /** How long each fault holds, in intervals (default 2; at least 6 s so every retry loop gives up). */
  readonly holdIntervals?: number;
  readonly token: string;
  readonly cases?: readonly FaultCase[];
  readonly log?: (line: string) => void;
}

const VERSIONS = ['1.0.0', '1.1.0', '1.2.0'] as const;
/** How long a fault may stay on past its hold until a scan went through it (a busy 2-core machine's retries). */
const SCAN_WAIT_MS = 60_000;

interface Rig {
  readonly reg: TestRegistry;
  readonly tokenReg: TestRegistry;
  readonly peers: Record<Peer, ProtocolRegistry>;
  readonly truth: Map<string, string>;
}

/** Watch names are template keys: letters, digits and _ only. */
function watchOf(c: FaultCase): string {
  return `w_${c.id.replaceAll('-', '_')}`;
}

function repoOf(c: FaultCase): string {
  return `acme/f-${c.id}`;
}

async function push(rig: Rig, c: FaultCase, version: string): Promise<void> {
  const target = c.peer === 'token' ? rig.tokenReg : rig.reg;
  const pushed = await pushImage(target, repoOf(c), version, { created: `2026-02-0${VERSIONS.indexOf(version as (typeof VERSIONS)[number]) + 1}T00:00:00Z`, label: `${c.id}-${version}` });
  rig.truth.set(`${c.id}:${version}`, pushed.digest);
}

export async function runFaultMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const log = options.log ?? (() => undefined);
  const cases = options.cases ?? FAULT_CASES;
  const interval = options.intervalSeconds;
  // Long enough for the slowest failing scan (4 attempts, Retry-After: 1 between them) to give up.
  const holdMs = Math.max(6000, (options.holdIntervals ?? 2) * interval * 1000);
  const dir = await mkdtemp(join(tmpdir(), 'aip-faults-'));
  const cleanup: Array<() => Promise<unknown>> = [() => rm(dir, { recursive: true, force: true })];
  const violations: string[] = [];
  const rows: MatrixRow[] = [];
  const logLines: string[] = [];
  let answers = 0;
  let service: ServiceProcess | undefined;
  try {
    const reg = await startRegistry();
    cleanup.push(() => reg.stop());
    const tokenReg = await startRegistry({ auth: 'token' });
    cleanup.push(() => tokenReg.stop());
    tokenReg.token?.issuer.setExpiresIn(TOKEN_TTL_SECONDS);
    const peers = {
      main: await startProtocolRegistry({ upstream: reg.url }),
      token: await startProtocolRegistry({ upstream: tokenReg.url }),
    };
    for (const p of Object.values(peers)) cleanup.push(() => p.stop());
    const rig: Rig = { reg, tokenReg, peers, truth: new Map() };
    for (const c of cases) await push(rig, c, '1.0.0');

    await mkdir(join(dir, 'cache'));
    await writeFile(join(dir, 'token'), `${options.token}\n`);
    const watches: RunWatch[] = cases.map((c) => ({ name: watchOf(c), image: `${peers[c.peer].host}/${repoOf(c)}`, range: '^1.0.0' }));
    const config = await writeConfig({
      dir,
      tokenFile: join(dir, 'token'),
      intervalSeconds: interval,
      registries: [
        { host: peers.main.host, url: peers.main.url, timeoutSeconds: MATRIX_TIMEOUT_SECONDS },
        { host: peers.token.host, url: peers.token.url, timeoutSeconds: MATRIX_TIMEOUT_SECONDS },
      ],
      watches,
    });
    const caseOf = new Map(cases.map((c) => [watchOf(c), c.id]));
    const ctxOf = (c: FaultCase): FaultContext => ({ peer: peers[c.peer], ...(c.peer === 'token' && tokenReg.token && { issuer: tokenReg.token.issuer }), prefix: `/v2/${repoOf(c)}/` });
    const applyAll = (): void => cases.forEach((c) => c.apply(ctxOf(c)));
    const clearAll = (): void => {
      for (const p of Object.values(peers)) p.clearFaults();
      cases.forEach((c) => c.clear(ctxOf(c)));
    };
    const start = async (): Promise<ServiceProcess> => {
      const s = await startService({ cli: options.cli, config });
      service = s;
      return s;
    };
    const stop = async (s: ServiceProcess): Promise<void> => {
      const exit = await s.stop();
      logLines.push(...s.lines());
      if (exit.code !== 0) violations.push(`service exited ${exit.code ?? exit.signal} on SIGTERM: ${s.stderr()}`);
      service = undefined;
    };

    const runPhase = async (phase: Phase, s: ServiceProcess, observer: Observer, newest: string): Promise<void> => {
      for (const p of Object.values(peers)) p.resetCounts();
      const phaseStart = Date.now();
      await observer.run(holdMs);
      // A stale flag is due only once a scan went through the fault; on a busy machine the retries
      // can outlast the hold, so the fault stays on until each such watch was scanned (bounded).
      const scanDeadline = Date.now() + SCAN_WAIT_MS;
      const unscanned = (): boolean => phase !== 'cold' && cases.some((c) => c.expect === 'stale' && !observer.scannedDuringFault(watchOf(c)));
      while (unscanned() && Date.now() < scanDeadline) await observer.run(1000);
      const cleared = Date.now();
      clearAll();
      log(`${phase}: faults cleared after ${cleared - phaseStart} ms`);
      const recovery = await observer.untilNewest(newest, Math.max(20_000, 6 * interval * 1000));
      for (const c of cases) {
        const w = watchOf(c);
        const seen = observer.summary(w);
        const stale = observer.staleSeen(w);
        const scanned = observer.scannedDuringFault(w);
        if (c.expect === 'stale' && phase !== 'cold' && scanned && !stale) violations.push(`${phase} ${c.id}: a scan finished during the fault but /api/v1/images never showed the entry stale`);
        if (c.expect === 'stale' && phase !== 'cold' && seen.newestDuringFault) violations.push(`${phase} ${c.id}: resolved the new tag through a fault that hides it`);
        const at = recovery.get(w);
        if (at === undefined) violations.push(`${phase} ${c.id}: did not serve ${newest} within the deadline after the fault cleared`);
        rows.push({ phase, fault: c.label, id: c.id, served: seen.text, staleFlagged: stale, scanned, recoveryMs: at === undefined ? undefined : Math.max(0, at - cleared), requests: peers[c.peer].count({ path: `/v2/${repoOf(c)}/` }) });
      }
      violations.push(...observer.violations().map((v) => `${phase}: ${v}`));
      answers += observer.answers();
      void s;
    };

    // Phase 1: cold start, empty cache, every fault active before the first scan.
    applyAll();
    let s = await start();
    let observer = createObserver({ url: s.url, token: options.token, watches: watches.map((w) => w.name), truth: (w, tag) => rig.truth.get(`${caseOf.get(w)}:${tag}`), faultTag: '1.0.0', allowedBefore: [] });
    await runPhase('cold', s, observer, '1.0.0');

    // Phase 2: steady state. Faults first, then the newer tag, so only a faulty client could see it.
    applyAll();
    for (const c of cases) await push(rig, c, '1.1.0');
    observer = createObserver({ url: s.url, token: options.token, watches: watches.map((w) => w.name), truth: (w, tag) => rig.truth.get(`${caseOf.get(w)}:${tag}`), faultTag: '1.1.0', allowedBefore: ['1.0.0'] });
    await runPhase('steady', s, observer, '1.1.0');

    // Phase 3: restart from the persisted cache with every fault active.
    await stop(s);
    applyAll();
    for (const c of cases) await push(rig, c, '1.2.0');
    s = await start();
    observer = createObserver({ url: s.url, token: options.token, watches: watches.map((w) => w.name), truth: (w, tag) => rig.truth.get(`${caseOf.get(w)}:${tag}`), faultTag: '1.2.0', allowedBefore: ['1.1.0'], requireFromStart: true });
    await runPhase('restart', s, observer, '1.2.0');
    await stop(s);

    return { intervalSeconds: interval, rows, violations, answers, logLines };
  } finally {
    if (service) {
      await service.stop('SIGKILL');
      logLines.push(...service.lines());
    }
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  }
}

