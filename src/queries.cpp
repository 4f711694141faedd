/*
 * queries.cpp
 *		The SQL of callboard's functions, and its plans.
 *
 * The tables are unqualified: they are found through the caller's
 * search_path, as the app's own queries find them.  Everything else is
 * schema-qualified so that the caller's search_path cannot redirect it: the
 * casts and operators to pg_catalog, the rank function to the schema the
 * extension lives in (which need not be on the search_path).
 *
 * Each plan is kept for the backend's life.  PostgreSQL's plan cache
 * re-plans it when the search_path, the tables or the role's row-level
 * security change; it is prepared again if the extension changes schema or
 * the search_path comes to find other tables (prepared_plan()).
 *
 * Sorting by the rank first delivers the rows in the order of the
 * document's lists.  The indexes docs/sql-api.md recommends match these expressions
 * exactly: on (callboard_call_category_rank(status), created_at DESC, id)
 * WHERE direction = 'outbound', pages are index range scans and the whole
 * document needs no sort; on (status) WHERE direction = 'outbound', the
 * summary is an index-only scan; on (created_at) INCLUDE (status) WHERE
 * direction = 'outbound', the timeline is an index-only range scan of its
 * window.
 */
#include "queries.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

const Oid	kCallColumnTypes[CALL_COLUMN_COUNT] = {
	INT4OID, TIMESTAMPTZOID, UUIDOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	UUIDOID, TEXTOID, TIMESTAMPTZOID, INT4OID,
};

/*
 * The outbound calls with their agent.  The views read the same rows through
 * callboard_outbound_call_rows() (callboard--0.1.0--0.2.0.sql), with the
 * same columns and types: duration is integer there, as in the app's table,
 * and here.  The two texts cannot be one: this query must work with every
 * installed version of the SQL objects (0.1.0 has no such function), and a
 * released update script never changes.  The views regression test checks
 * that both give the same calls with the same values, column by column.
 *
 * The views have no rank column of this kind: this query adds it first, so
 * that the sort reads it at a cached offset (queries.hpp), and so that the
 * receiver takes each row's category from it.
 *
 * %1$s is the quoted schema of callboard_call_category_rank().
 */
#define RANK "%1$s.callboard_call_category_rank(c.status)"

#define CALL_ROWS \
	"SELECT " RANK "," \
	" c.created_at::pg_catalog.timestamptz," \
	" c.id::pg_catalog.uuid," \
	" c.call_sid::pg_catalog.text," \
	" c.to_number::pg_catalog.text," \
	" c.customer_name::pg_catalog.text," \
	" c.status::pg_catalog.text," \
	" a.id::pg_catalog.uuid," \
	" a.name::pg_catalog.text," \
	" c.started_at::pg_catalog.timestamptz," \
	" c.duration::pg_catalog.int4" \
	" FROM twilio_calls c" \
	" LEFT JOIN hume_agents a ON a.id OPERATOR(pg_catalog.=) c.agent_id" \
	" WHERE c.direction OPERATOR(pg_catalog.=) 'outbound'"

struct QueryDef
{
	const char *sql;
	int			nargs;
	Oid			argtypes[4];
};

static const QueryDef kQueries[] = {
	/* calls */
	{CALL_ROWS " AND ($1 IS NULL OR " RANK " OPERATOR(pg_catalog.=) $1)"
	 " ORDER BY " RANK ", c.created_at DESC, c.id",
	 1, {INT4OID}},
	/* page_first */
	{CALL_ROWS " AND " RANK " OPERATOR(pg_catalog.=) $1"
	 " ORDER BY c.created_at DESC, c.id LIMIT $2",
	 2, {INT4OID, INT8OID}},
	/* page_next: created_at <= $3 bounds the index scan; the rest skips the ties already sent */
	{CALL_ROWS " AND " RANK " OPERATOR(pg_catalog.=) $1"
	 " AND c.created_at OPERATOR(pg_catalog.<=) $3"
	 " AND (c.created_at OPERATOR(pg_catalog.<) $3 OR c.id OPERATOR(pg_catalog.>) $4)"
	 " ORDER BY c.created_at DESC, c.id LIMIT $2",
	 4, {INT4OID, INT8OID, TIMESTAMPTZOID, UUIDOID}},
	/*
	 * summary: counted per status, which an index on (status) WHERE
	 * direction = 'outbound' answers with an index-only scan; the few
	 * statuses are then mapped to categories in C++.
	 */
	{"SELECT c.status::pg_catalog.text, pg_catalog.count(*) FROM twilio_calls c"
	 " WHERE c.direction OPERATOR(pg_catalog.=) 'outbound' GROUP BY 1",
	 0, {}},
	/*
	 * timeline: the calls of a window, each counted in C++ as it arrives
	 * (timeline.cpp): no sort, no aggregate, memory of one row.  The range
	 * on created_at is what bounds the scan, with the index docs/sql-api.md
	 * recommends.
	 */
	{"SELECT c.created_at::pg_catalog.timestamptz, c.status::pg_catalog.text FROM twilio_calls c"
	 " WHERE c.direction OPERATOR(pg_catalog.=) 'outbound'"
	 " AND c.created_at OPERATOR(pg_catalog.>=) $1 AND c.created_at OPERATOR(pg_catalog.<) $2",
	 2, {TIMESTAMPTZOID, TIMESTAMPTZOID}},
};

static const int kQueryCount = sizeof(kQueries) / sizeof(kQueries[0]);

/* The app's tables, as the caller's search_path finds them now. */
struct AppTables
{
	Oid			calls;
	Oid			agents;
};

static AppTables
app_tables()
{
	return {RelnameGetRelid("twilio_calls"), RelnameGetRelid("hume_agents")};
}

/* A plan for running a query to the end, and one for reading it as a cursor. */
enum QueryUse
{
	USE_RUN,
	USE_CURSOR,
	USE_COUNT
};

/*
 * Run to the end, a plan may be parallel.  A cursor is read a part at a
 * time, which PostgreSQL runs without workers, so it gets a plan made for
 * that; NO SCROLL spares its sort the random access a backward fetch needs.
 */
static const int kCursorOptions[USE_COUNT] = {CURSOR_OPT_PARALLEL_OK, CURSOR_OPT_NO_SCROLL};

struct PreparedQuery
{
	SPIPlanPtr	plan;
	char	   *schema;			/* in TopMemoryContext */
	AppTables	tables;			/* what the plan reads */
};

static PreparedQuery prepared[USE_COUNT][kQueryCount];

/*
 * The plan of `query`, prepared again when the extension's schema changed or
 * when the search_path now finds other tables than the plan reads.
 * PostgreSQL's plan cache re-plans when the search_path setting, the tables
 * read or the role's row-level security change, but not when a table of the
 * same name appears earlier on an unchanged search_path (in a schema or as a
 * temporary table): the cached query names its tables by OID, and would go
 * on reading the old ones.  Two catalog-cache lookups per call catch that.
 */
static SPIPlanPtr
prepared_plan(CallboardQuery query, QueryUse use, Oid function_oid)
{
	const QueryDef &def = kQueries[static_cast<int>(query)];
	PreparedQuery &slot = prepared[use][static_cast<int>(query)];
	char	   *schema = get_namespace_name(get_func_namespace(function_oid));
	AppTables	tables = app_tables();

	if (schema == NULL)
		elog(ERROR, "schema of function %u not found", function_oid);

	if (slot.plan != NULL && strcmp(slot.schema, schema) == 0 &&
		slot.tables.calls == tables.calls && slot.tables.agents == tables.agents)
		return slot.plan;

	if (slot.plan != NULL)
	{
		SPI_freeplan(slot.plan);
		slot.plan = NULL;
		pfree(slot.schema);
		slot.schema = NULL;
	}

	char	   *sql = psprintf(def.sql, quote_identifier(schema));

	/* A missing table or column raises its error (42P01, 42703) here. */
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, def.nargs, const_cast<Oid *>(def.argtypes),
										  kCursorOptions[use]);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	slot.schema = MemoryContextStrdup(TopMemoryContext, schema);
	slot.tables = tables;
	slot.plan = plan;
	return plan;
}

/* The parameters, as constants so that each execution plans for its values. */
static ParamListInfo
query_params(CallboardQuery query, Datum *values, const char *nulls)
{
	const QueryDef &def = kQueries[static_cast<int>(query)];
	ParamListInfo params = makeParamList(def.nargs);

	for (int i = 0; i < def.nargs; i++)
	{
		params->params[i].ptype = def.argtypes[i];
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].isnull = nulls != NULL && nulls[i] == 'n';
		params->params[i].value = values[i];
	}
	return params;
}

void
run_query(CallboardQuery query, Oid function_oid, Datum *values, const char *nulls, DestReceiver *dest)
{
	SPIPlanPtr	plan = prepared_plan(query, USE_RUN, function_oid);
	SPIExecuteOptions options;

	memset(&options, 0, sizeof(options));
	options.params = query_params(query, values, nulls);
	options.read_only = true;
	options.dest = dest;

	/* Rows sent to a DestReceiver of ours come back as SPI_OK_UTILITY. */
	int			rc = SPI_execute_plan_extended(plan, &options);

	if (rc != SPI_OK_UTILITY && rc != SPI_OK_SELECT)
		elog(ERROR, "callboard query failed: %s", SPI_result_code_string(rc));
}

Portal
open_query_cursor(CallboardQuery query, Oid function_oid, Datum *values, const char *nulls)
{
	SPIPlanPtr	plan = prepared_plan(query, USE_CURSOR, function_oid);

	/*
	 * read_only: the portal takes the active snapshot, the caller's, and
	 * keeps it registered until it is closed.  The executor starts here, so
	 * 42501 for a table the caller may not read is raised here too.
	 */
	return SPI_cursor_open_with_paramlist(NULL, plan, query_params(query, values, nulls), true);
}
