-- The collector's Prometheus endpoint as a table, for the "Collector health" dashboard. Grafana's read-only user
-- may SELECT from a table but may not call the url() table function; this table reads the endpoint on every query.
-- Runs once, when the ClickHouse volume is first initialised (docker-entrypoint-initdb.d).
CREATE DATABASE IF NOT EXISTS tradetrace_ops;

CREATE TABLE IF NOT EXISTS tradetrace_ops.collector_metrics (line String)
ENGINE = URL('http://collector:4318/metrics', 'LineAsString');
