/*
 * calls_query.cpp
 *		Preparing (once per backend) and running the calls query.
 *
 * The tables are unqualified: they are found through the caller's
 * search_path, as the app's own queries find them.  Everything else is
 * schema-qualified so that the caller's search_path cannot redirect it: the
 * casts and operators to pg_catalog, the rank function to the schema the
 * extension lives in (which need not be on the search_path).
 *
 * The plan is kept for the backend's life.  PostgreSQL's plan cache
 * re-plans it when the search_path, the tables or the role's row-level
 * security change; it is prepared again if the extension changes schema.
 */
#include "calls_query.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/params.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

const Oid	kCallColumnTypes[CALL_COLUMN_COUNT] = {
	UUIDOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	UUIDOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID,
};

/*
 * %1$s is the quoted schema of callboard_call_category_rank().  $1 is the
 * rank of the category to keep, or NULL for all.  Sorting by rank first
 * delivers the rows in the order of the document's lists.
 */
static const char *const kCallsQuery =
	"SELECT c.id::pg_catalog.uuid,"
	" c.call_sid::pg_catalog.text,"
	" c.to_number::pg_catalog.text,"
	" c.customer_name::pg_catalog.text,"
	" c.status::pg_catalog.text,"
	" a.id::pg_catalog.uuid,"
	" a.name::pg_catalog.text,"
	" c.created_at::pg_catalog.timestamptz,"
	" c.started_at::pg_catalog.timestamptz,"
	" c.duration::pg_catalog.int8"
	" FROM twilio_calls c"
	" LEFT JOIN hume_agents a ON a.id OPERATOR(pg_catalog.=) c.agent_id"
	" WHERE c.direction OPERATOR(pg_catalog.=) 'outbound'"
	" AND ($1 IS NULL OR %1$s.callboard_call_category_rank(c.status) OPERATOR(pg_catalog.=) $1)"
	" ORDER BY %1$s.callboard_call_category_rank(c.status), c.created_at DESC, c.id";

static SPIPlanPtr calls_plan = NULL;
static char *calls_plan_schema = NULL;	/* in TopMemoryContext */

static SPIPlanPtr
get_calls_plan(Oid function_oid)
{
	char	   *schema = get_namespace_name(get_func_namespace(function_oid));

	if (schema == NULL)
		elog(ERROR, "schema of function %u not found", function_oid);

	if (calls_plan != NULL && strcmp(calls_plan_schema, schema) == 0)
		return calls_plan;

	if (calls_plan != NULL)
	{
		SPI_freeplan(calls_plan);
		calls_plan = NULL;
		pfree(calls_plan_schema);
		calls_plan_schema = NULL;
	}

	char	   *sql = psprintf(kCallsQuery, quote_identifier(schema));
	Oid			argtypes[1] = {INT4OID};

	/* A parallel plan is fine: the query always runs to completion. */
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, 1, argtypes, CURSOR_OPT_PARALLEL_OK);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	calls_plan_schema = MemoryContextStrdup(TopMemoryContext, schema);
	calls_plan = plan;
	return plan;
}

void
run_calls_query(Oid function_oid, callboard::Filter filter, DestReceiver *dest)
{
	SPIPlanPtr	plan = get_calls_plan(function_oid);
	ParamListInfo params = makeParamList(1);
	SPIExecuteOptions options;

	params->params[0].ptype = INT4OID;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].isnull = filter.kind != callboard::Filter::one;
	params->params[0].value = Int32GetDatum(callboard::category_rank(filter.category));

	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;

	/* Rows sent to a DestReceiver of ours come back as SPI_OK_UTILITY. */
	int			rc = SPI_execute_plan_extended(plan, &options);

	if (rc != SPI_OK_UTILITY && rc != SPI_OK_SELECT)
		elog(ERROR, "calls query failed: %s", SPI_result_code_string(rc));
}
