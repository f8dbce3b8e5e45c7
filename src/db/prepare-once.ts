// Statements built and prepared once per database handle: building a drizzle select costs more app
// CPU than running it, and PostgreSQL keeps one plan per named prepared statement.
import type { Db } from './client.ts';

/**
 * Returns `prepare` remembered per database handle and per `keyOf(args)`: the first call for a
 * handle and key builds the statement, later ones get the same one.
 */
export function preparedPerDatabase<T, A extends unknown[]>(prepare: (db: Db, ...args: A) => T, keyOf: (...args: A) => string = () => ''): (db: Db, ...args: A) => T {
  const byDatabase = new WeakMap<Db, Map<string, T>>();
  return (db, ...args) => {
    let byKey = byDatabase.get(db);
    if (!byKey) byDatabase.set(db, (byKey = new Map()));
    const key = keyOf(...args);
    let prepared = byKey.get(key);
    if (prepared === undefined) byKey.set(key, (prepared = prepare(db, ...args)));
    return prepared;
  };
}
