// Browser side of the stand-in for Argo CD's UI: provides React as the global `React`, the
// `window.extensionsAPI.registerResourceExtension` Argo CD publishes to extensions
// (ui/src/app/ui-extensions/extensions-manager.ts; docs developer-guide/extensions/ui-extensions.md),
// loads the extension the way argocd-server does (/extensions.js), and renders a resource's sliding
// panel whose tabs include every registered extension matching the resource's group and kind.
import * as React from 'react';
import { createRoot } from 'react-dom/client';

window.React = React;
const registered = [];
window.extensionsAPI = {
  registerResourceExtension(component, group, kind, title, opts) {
    registered.push({ component, group, kind, title, opts });
  },
};

function Panel({ objects }) {
  const [tab, setTab] = React.useState('summary');
  const { application, resource } = objects;
  const [group] = String(resource.apiVersion).split('/');
  const extensions = registered.filter((e) => e.group === group && e.kind === resource.kind);
  const tabs = [{ key: 'summary', title: 'Summary' }, ...extensions.map((e, i) => ({ key: `ext-${i}`, title: e.title, ext: e }))];
  const current = tabs.find((t) => t.key === tab);
  return React.createElement('div', { className: 'panel' },
    React.createElement('h1', null, `${resource.kind} ${resource.metadata.name}`),
    React.createElement('div', { role: 'tablist', 'aria-label': 'Resource tabs' }, ...tabs.map((t) => React.createElement('button', { key: t.key, role: 'tab', id: `tab-${t.key}`, 'aria-selected': t.key === tab, 'aria-controls': 'tab-panel', onClick: () => setTab(t.key) }, t.title))),
    React.createElement('div', { role: 'tabpanel', id: 'tab-panel', 'aria-labelledby': `tab-${tab}` },
      current && current.ext ? React.createElement(current.ext.component, { application, resource, tree: { nodes: [] } }) : React.createElement('p', null, `${resource.kind} ${resource.metadata.name} in project ${application.spec.project}`)));
}

const script = document.createElement('script');
script.src = '/extensions.js';
script.onload = async () => {
  const view = new URLSearchParams(location.search).get('view') ?? 'app';
  const objects = await (await fetch(`/host/objects/${view}`)).json();
  createRoot(document.getElementById('root')).render(React.createElement(Panel, { objects }));
};
document.head.append(script);
