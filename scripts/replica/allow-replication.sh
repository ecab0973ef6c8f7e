#!/bin/sh
# Run once by the primary's first start (docker-entrypoint-initdb.d): lets the compose
# network's replica (db-replica) stream the WAL as the database user.
set -e
echo "host replication ${POSTGRES_USER} samenet scram-sha-256" >> "$PGDATA/pg_hba.conf"
