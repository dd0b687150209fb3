// The React argocd-server provides to extensions as the global `React` (Argo CD docs:
// developer-guide/extensions/ui-extensions.md, "Extension should not bundle the React library").
// Only what the extension uses is declared.
declare const React: {
  createElement(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): JSX.Element;
  Fragment: unknown;
  useState<T>(initial: T): [T, (next: T) => void];
  useEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
};

declare namespace JSX {
  type Element = { readonly __reactElement?: true };
  interface IntrinsicElements {
    [name: string]: Record<string, unknown>;
  }
}

interface Window {
  extensionsAPI?: {
    registerResourceExtension(component: unknown, group: string, kind: string, tabTitle: string, opts?: { icon?: string }): void;
  };
}
