import type { Queryable } from './pool';

/**
 * The reads and the delete of a table keyed by one text column: one row by key, a page by key
 * (ascending, after `after`: keyset paging), a delete by key (true when the row existed).
 * `columns` is the SELECT list that names the row's fields.
 */
export function keyedTable<Row>(table: string, key: string, columns: string) {
  return {
    async find(db: Queryable, value: string): Promise<Row | undefined> {
      const { rows } = await db.query(`SELECT ${columns} FROM ${table} WHERE ${key} = $1`, [value]);
      return rows[0];
    },
    async list(db: Queryable, limit: number, after?: string): Promise<Row[]> {
      const { rows } = await db.query(
        `SELECT ${columns} FROM ${table} WHERE ($1::text IS NULL OR ${key} > $1) ORDER BY ${key} LIMIT $2`,
        [after ?? null, limit],
      );
      return rows;
    },
    async remove(db: Queryable, value: string): Promise<boolean> {
      const { rowCount } = await db.query(`DELETE FROM ${table} WHERE ${key} = $1`, [value]);
      return (rowCount ?? 0) > 0;
    },
  };
}
