--
-- callboard_call_category(): every status of the mapping table in docs/sql-api.md, both spellings,
-- and what falls under "any other value".
--
SELECT quote_nullable(status) AS status, callboard_call_category(status) AS category,
       callboard_call_category_rank(status) AS rank
FROM (VALUES ('initiated'), ('queued'),
             ('in_progress'), ('in-progress'), ('ringing'),
             ('completed'),
             ('failed'), ('busy'), ('no_answer'), ('no-answer'), ('canceled'),
             ('answered'), (''), ('Completed'), ('completed '), ('in progress'),
             ('cancelled'), (NULL)) AS s(status)
ORDER BY rank, 1;

-- varchar columns, as Django stores status, need no cast.
SELECT callboard_call_category('ringing'::varchar(20));

-- IMMUTABLE, so usable in an index expression.
CREATE TEMP TABLE category_probe (status varchar(20));
CREATE INDEX ON category_probe (callboard_call_category(status));
DROP TABLE category_probe;
