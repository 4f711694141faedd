--
-- The status filter: each value, and what is refused.
--
SELECT quote_nullable(f) AS filter,
       json_array_length(d -> 'calls' -> 'pending') AS pending,
       json_array_length(d -> 'calls' -> 'active') AS active,
       json_array_length(d -> 'calls' -> 'completed') AS completed,
       json_array_length(d -> 'calls' -> 'failed') AS failed,
       d -> 'summary' AS summary
FROM (VALUES (NULL), (''), ('pending'), ('in_progress'), ('active'), ('completed'), ('failed')) AS v(f),
     scheduled_outbound_calls(f) AS d;

-- The default argument is NULL: every category.
SELECT scheduled_outbound_calls()::text = scheduled_outbound_calls(NULL)::text AS default_is_all;

-- A filter keeps the calls of the unfiltered document, in the same order.
SELECT (scheduled_outbound_calls('failed') -> 'calls' -> 'failed')::text
     = (scheduled_outbound_calls() -> 'calls' -> 'failed')::text AS failed_list_unchanged;

-- Anything else is invalid_parameter_value, quoting the value, with a hint.
\set VERBOSITY default
SELECT scheduled_outbound_calls('Pending');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls('pending ');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls('in-progress');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls('canceled');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls('all');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls(repeat('x', 100000));
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls(repeat('é', 40));
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls(E'pending\n');
\echo :LAST_ERROR_SQLSTATE
