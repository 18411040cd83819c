/**
 * A PostgreSQL storage adapter for the retention engine. It takes any client with a `pg`-style
 * `query(text, params)` (`pg`'s `Pool` or `Client`, or PGlite) and bundles no driver. Apply the
 * schema with `migrate` before creating the store.
 *
 * @module postgres
 */
export { checkSchemaName, type Migration, migrate, migrations, type SqlClient } from './migrations';
export { createPostgresStore, type PostgresStoreOptions } from './store';
