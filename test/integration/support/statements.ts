import type { Pool } from '../../../engine/db/pool';

/** Counts, from now on, the statements `pool` runs whose SQL contains `fragment`. */
export function countStatements(pool: Pool, fragment: string): { count: number } {
  const seen = { count: 0 };
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes(fragment)) seen.count += 1;
    return query(...args);
  };
  return seen;
}
