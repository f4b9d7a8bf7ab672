/** Hash routes (`#/executions/<id>`): the API serves one page, deep links work without it knowing the routes. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path, query] = hash.replace(/^#\/?/, '').split('?');
  return { path: path ? path.split('/').map(decodeURIComponent) : [], query: new URLSearchParams(query ?? '') };
}

/** The current route; re-renders on navigation. */
export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return parseHash(hash);
}

/** A link target: `href('executions', id)` → `#/executions/<id>`. */
export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}
