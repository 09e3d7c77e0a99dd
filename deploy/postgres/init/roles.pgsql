-- The service's two database roles (issue 15), for a PostgreSQL the service does not run as
-- superuser on (compose). payments_owner owns the schema and runs the migrations
-- (ConnectionStrings__Migrations). payments_app is what the service connects as
-- (ConnectionStrings__Payments): it reads and writes rows and owns nothing, so it cannot ALTER a
-- table, DISABLE its triggers (the ledger's append-only guard) or drop them, has no TRUNCATE,
-- and, not being a superuser, cannot SET session_replication_role = replica (which skips
-- triggers). REPLICATION lets it create and stream the outbox's logical replication slot.
--
-- Plain SQL, no psql commands: 10-roles.sh runs it in the container, a test runs it on the
-- embedded cluster. Passwords come from the session settings payments.owner_password and
-- payments.app_password (10-roles.sh sets them from the environment), never from this file.
DO $$
BEGIN
    IF coalesce(current_setting('payments.owner_password', true), '') = ''
       OR coalesce(current_setting('payments.app_password', true), '') = '' THEN
        RAISE EXCEPTION 'Set PAYMENTS_OWNER_PASSWORD and PAYMENTS_APP_PASSWORD (see deploy/compose.env.example)';
    END IF;

    EXECUTE format('CREATE ROLE payments_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
                   current_setting('payments.owner_password'));
    EXECUTE format('CREATE ROLE payments_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE REPLICATION NOBYPASSRLS PASSWORD %L',
                   current_setting('payments.app_password'));

    -- The database's owner may create in its public schema (PostgreSQL 15: pg_database_owner).
    EXECUTE format('ALTER DATABASE %I OWNER TO payments_owner', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO payments_app;

-- What the owner creates (every migration, now and later) the app may read and write, no more:
-- no TRUNCATE, TRIGGER or REFERENCES.
ALTER DEFAULT PRIVILEGES FOR ROLE payments_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO payments_app;
ALTER DEFAULT PRIVILEGES FOR ROLE payments_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO payments_app;
