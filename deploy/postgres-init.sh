#!/usr/bin/env bash
# Roles and databases of the compose stack (first start of the postgres volume): the product's own
# database and Temporal's two, with the passwords the operator set (no defaults: compose refuses to
# start without SMOG_DB_PASSWORD and TEMPORAL_DB_PASSWORD).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v smog_pw="$SMOG_DB_PASSWORD" -v temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE smog LOGIN PASSWORD :'smog_pw';
CREATE DATABASE smog OWNER smog;
CREATE ROLE temporal LOGIN PASSWORD :'temporal_pw' CREATEDB;
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
SQL
