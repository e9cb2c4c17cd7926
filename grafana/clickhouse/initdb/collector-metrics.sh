#!/bin/bash
# The collector's Prometheus endpoint as a table, for the "Collector health" dashboard. Grafana's read-only user may
# SELECT from a table but may not call the url() table function; this table reads /metrics on every query, with the
# collector's read token (TRADETRACE_READ_TOKEN, from .env). Runs once, when the ClickHouse volume is first initialised.
set -euo pipefail
clickhouse client --host 127.0.0.1 --multiquery <<SQL
CREATE DATABASE IF NOT EXISTS tradetrace_ops;
CREATE TABLE IF NOT EXISTS tradetrace_ops.collector_metrics (line String)
ENGINE = URL('http://collector:4318/metrics', 'LineAsString', headers('Authorization' = 'Bearer ${TRADETRACE_READ_TOKEN}'));
SQL
