// The "Images" tab Argo CD shows on Applications and ApplicationSets. Data comes through Argo CD's
// proxy extension (/extensions/image-plugins/…), so argocd-server authenticates the user and checks
// RBAC for the Application named in Argocd-Application-Name before the service sees the request.
import type { ExtensionView } from '../../src/ui/types.ts';
import { shortDigest, age } from '../shared/format.ts';
import { pendingText } from '../shared/promotion.ts';
import { describeTarget, type Target } from './target.ts';

export const EXTENSION_NAME = 'image-plugins';
const REFRESH_MS = 10_000;
// Ages and "opens in" texts move on a local clock, as on the status page: the service's answer
// holds absolute times and changes only when its state does.
const TICK_MS = 5_000;

type Obj = Record<string, unknown>;
interface Props {
  readonly application?: { readonly metadata?: Obj; readonly spec?: Obj };
  readonly resource?: unknown;
}

function query(target: Target): string {
  const q = new URLSearchParams();
  if (target.watches) q.set('watches', target.watches.join(','));
  if (target.cluster.name) q.set('cluster', target.cluster.name);
  else if (target.cluster.server) q.set('server', target.cluster.server);
  return q.toString();
}

async function load(props: Props, target: Target): Promise<ExtensionView> {
  const meta = props.application?.metadata ?? {};
  const res = await fetch(`/extensions/${EXTENSION_NAME}/ui/api/extension?${query(target)}`, {
    credentials: 'same-origin',
    headers: { 'Argocd-Application-Name': `${String(meta.namespace ?? 'argocd')}:${String(meta.name ?? '')}`, 'Argocd-Project-Name': String(props.application?.spec?.project ?? 'default') },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new Error(`${res.status}: ${body.message ?? res.statusText}`);
  }
  return (await res.json()) as ExtensionView;
}

const cell = { padding: '6px 10px', borderBottom: '1px solid #dee6eb', textAlign: 'left', verticalAlign: 'top' };
const mono = { fontFamily: 'monospace', fontSize: '12px', overflowWrap: 'anywhere' };

/** `registry/repo:tag` of a reference (the digest has its own column); the whole reference stays in the title. */
function withoutDigest(ref: string): string {
  return ref.split('@')[0]!;
}

function tagOf(ref: string): string {
  const name = withoutDigest(ref);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : shortDigest(ref.split('@')[1] ?? null);
}
const badge = (color: string) => ({ display: 'inline-block', border: `1px solid ${color}`, color, borderRadius: '10px', padding: '0 8px', marginRight: '4px', fontSize: '12px' });

interface Row { key: string; watch: string; where: string; served: string | null; spec: string | null; digest: string | null; resolvedAt: string | null; notes: { kind: string; text: string }[] }

function rowsOf(view: ExtensionView, target: Target, now: number): Row[] {
  const mine = target.kind === 'Application' && Object.keys(target.overrides).length > 0 ? view.watches.filter((w) => w.image in target.overrides) : view.watches;
  return mine.flatMap((w) => {
    if (target.kind === 'Application' && w.served) {
      const env = w.environments.find((e) => e.environment === w.served!.environment) ?? w.environments[0];
      const inSpec = target.overrides[w.image] ?? null;
      const notes: Row['notes'] = (env?.badges ?? []).map((b) => ({ kind: b.kind, text: b.reason }));
      if (w.served.problem) notes.push({ kind: 'blocked', text: w.served.problem });
      if (w.served.waiting) notes.push({ kind: 'pending', text: w.served.waiting });
      if (inSpec && w.served.ref && inSpec !== w.served.ref) notes.push({ kind: 'pending', text: `the spec still has ${tagOf(inSpec)} (${shortDigest(inSpec.split('@')[1] ?? null)}); the next ApplicationSet refresh brings ${tagOf(w.served.ref)}` });
      const where = `${w.served.name} (${w.served.environment}${w.served.wave ? `, wave ${w.served.wave}` : ''})`;
      return [{ key: w.name, watch: w.name, where, served: w.served.ref, spec: inSpec, digest: env?.digest ?? null, resolvedAt: env?.resolvedAt ?? null, notes }];
    }
    return w.environments.map((e) => {
      const notes: Row['notes'] = e.badges.map((b) => ({ kind: b.kind, text: b.reason }));
      const pending = pendingText(e.promotion, now);
      if (pending) notes.push({ kind: 'pending', text: pending });
      return { key: `${w.name}/${e.environment}`, watch: w.name, where: e.environment, served: e.ref, spec: null, digest: e.digest, resolvedAt: e.resolvedAt, notes };
    });
  });
}

const COLORS: Record<string, string> = { stale: '#c0392b', blocked: '#8a5a00', held: '#6f42c1', pending: '#0d6efd', waiting: '#0d6efd', approval: '#0d6efd' };

function Table({ rows, now }: { rows: Row[]; now: number }): JSX.Element {
  return (
    // Scrolls sideways inside Argo CD's panel on narrow screens; focusable so the keyboard can scroll it.
    <div role="region" aria-label="Images table" tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
    <table style={{ borderCollapse: 'collapse', width: '100%', minWidth: '640px' }} aria-label="Images">
      <thead>
        <tr>{['Watch', 'Cluster / environment', 'Served now', 'Digest', 'Age', 'Pending and state'].map((t) => <th key={t} scope="col" style={cell}>{t}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row" style={cell}>{r.watch}</th>
            <td style={cell}>{r.where}</td>
            <td style={{ ...cell, ...mono }} title={r.served ?? ''}>{r.served ? withoutDigest(r.served) : 'not resolved'}</td>
            <td style={{ ...cell, ...mono }}>{shortDigest(r.digest)}</td>
            <td style={cell}>{age(r.resolvedAt, now)}</td>
            <td style={{ ...cell, overflowWrap: 'anywhere' }}>{r.notes.length === 0 ? <span style={badge('#18794e')}>up to date</span> : r.notes.map((n, i) => <div key={i}><span style={badge(COLORS[n.kind] ?? '#555')}>{n.kind}</span>{n.text}</div>)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

/** The current time, renewed every TICK_MS while the tab is shown. */
function useNow(): number {
  const [now, setNow] = React.useState(Date.now());
  React.useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function ImagesTab(props: Props): JSX.Element {
  const now = useNow();
  const target = describeTarget(props.resource);
  const key = JSON.stringify(target);
  const [view, setView] = React.useState<ExtensionView | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let live = true;
    const refresh = () => void load(props, target).then((v) => live && (setView(v), setError(null)), (e: Error) => live && setError(e.message));
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  if (error) return <div role="alert" style={{ padding: '12px', color: '#c0392b' }}>Images cannot be shown: {error}</div>;
  if (!view) return <div style={{ padding: '12px' }}>Loading images…</div>;
  const rows = rowsOf(view, target, now);
  return (
    <div style={{ padding: '12px' }}>
      <p style={{ margin: '0 0 8px' }}>
        {target.kind === 'Application' ? `Images served to ${view.cluster ?? 'this Application’s cluster (not in the inventory)'}` : `Images this ApplicationSet requests${target.watches ? '' : ' (every watch it may use)'}`}
      </p>
      {rows.length === 0 ? <p>No watch applies to this object.</p> : <Table rows={rows} now={now} />}
    </div>
  );
}

((window: Window) => {
  const api = window.extensionsAPI;
  if (!api) return;
  api.registerResourceExtension(ImagesTab, 'argoproj.io', 'Application', 'Images', { icon: 'fa-box' });
  api.registerResourceExtension(ImagesTab, 'argoproj.io', 'ApplicationSet', 'Images', { icon: 'fa-box' });
})(window);
