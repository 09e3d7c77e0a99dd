#!/bin/sh
# Run once by the postgres image when it initialises an empty data directory (it runs
# /docker-entrypoint-initdb.d/*.sh as the superuser; roles.pgsql has another extension, so the
# image does not run it on its own). Passwords come from the environment compose passes from .env.
set -eu
: "${PAYMENTS_OWNER_PASSWORD:?Set PAYMENTS_OWNER_PASSWORD in .env (see deploy/compose.env.example)}"
: "${PAYMENTS_APP_PASSWORD:?Set PAYMENTS_APP_PASSWORD in .env (see deploy/compose.env.example)}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$PAYMENTS_OWNER_PASSWORD" -v app_password="$PAYMENTS_APP_PASSWORD" <<'SQL'
SELECT set_config('payments.owner_password', :'owner_password', false) IS NOT NULL AS owner_password_set;
SELECT set_config('payments.app_password', :'app_password', false) IS NOT NULL AS app_password_set;
\i /docker-entrypoint-initdb.d/roles.pgsql
SQL
