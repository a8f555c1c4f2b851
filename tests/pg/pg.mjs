// What the PostgreSQL tests share: a fresh database on the throwaway cluster that
// `make test-pg` starts (scripts/pg-test-cluster.sh), whose test database's address is
// in SAFEHARBOR_PG_URL. Each call makes a new, empty database and answers its address.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const PG_URL = process.env.SAFEHARBOR_PG_URL;
if (!PG_URL) throw new Error('set SAFEHARBOR_PG_URL (make test-pg starts a cluster and sets it)');

// Runs SQL on the database at url with psql; answers its output (unaligned, tuples only).
export function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

// A new empty database; its address is the cluster's with the database name replaced.
export function freshDatabase(prefix = 'sh') {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  psql(PG_URL, `CREATE DATABASE ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

// Drops a database made by freshDatabase (after its servers have stopped).
export function dropDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  psql(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
