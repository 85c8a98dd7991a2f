-- sqlite3 test.db < job.sql: a table filled in one transaction, an index,
-- updates, a second table by join, then reports. The database file is
-- compared byte for byte with the reference's.
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000)
INSERT INTO t(k, v) SELECT (x * 7919) % 1000, printf('%08d-%s', x, hex(x * x)) FROM c;
CREATE INDEX t_k ON t(k);
UPDATE t SET v = v || '!' WHERE k % 3 = 0;
DELETE FROM t WHERE k % 7 = 1;
CREATE TABLE s AS SELECT a.k AS k, count(*) AS n, sum(length(a.v)) AS len
  FROM t a JOIN t b ON a.id = b.id + 1 GROUP BY a.k;
COMMIT;
SELECT k, count(*), sum(length(v)), max(v) FROM t GROUP BY k ORDER BY k;
SELECT sum(n), sum(len), total(k * 1.5) FROM s;
PRAGMA integrity_check;
