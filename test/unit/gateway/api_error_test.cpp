// PostgREST's SQLSTATE -> HTTP table, row by row, and the error body.
#include <gtest/gtest.h>

#include "core/api_error.hpp"

using gateway::http_status_for_sqlstate;

TEST(StatusMapping, EveryRowOfPostgrestsTable)
{
	struct { const char *sqlstate; int status; } rows[] = {
		{"08000", 503}, {"08006", 503}, {"09000", 500}, {"0L000", 403}, {"0LP01", 403},
		{"0P000", 403}, {"23503", 409}, {"23505", 409}, {"25006", 405}, {"25001", 500},
		{"28000", 403}, {"28P01", 403}, {"2D000", 500}, {"38000", 500}, {"39000", 500},
		{"3B000", 500}, {"40001", 500}, {"40P01", 500}, {"53400", 500}, {"53000", 503},
		{"53100", 503}, {"53200", 503}, {"53300", 503}, {"54000", 500}, {"54001", 500},
		{"55000", 500}, {"55P03", 500}, {"57P01", 503}, {"57014", 500}, {"57P03", 500},
		{"58000", 500}, {"58030", 500}, {"F0000", 500}, {"HV000", 500}, {"P0001", 400},
		{"P0002", 500}, {"XX000", 500}, {"XX001", 500}, {"42883", 404}, {"42P01", 404},
		{"42P17", 500}, {"22023", 400}, {"22008", 400}, {"22P02", 400}, {"23502", 400},
		{"42703", 400}, {"42601", 400}, {"21000", 500},
	};
	for (const auto &row : rows)
		EXPECT_EQ(http_status_for_sqlstate(row.sqlstate, "", true), row.status) << row.sqlstate;
}

TEST(StatusMapping, PrivilegeErrorDependsOnAuthentication)
{
	EXPECT_EQ(http_status_for_sqlstate("42501", "permission denied for table t", true), 403);
	EXPECT_EQ(http_status_for_sqlstate("42501", "permission denied for table t", false), 401);
}

TEST(StatusMapping, MessageDependentRows)
{
	EXPECT_EQ(http_status_for_sqlstate("22023", "role \"ghost\" does not exist", true), 401);
	EXPECT_EQ(http_status_for_sqlstate("22023", "invalid status filter \"x\"", true), 400);
	EXPECT_EQ(http_status_for_sqlstate("21000", "DELETE requires a WHERE clause", true), 400);
	EXPECT_EQ(http_status_for_sqlstate("42883", "function xmlagg(integer) does not exist", true), 406);
}

TEST(StatusMapping, RaiseWithPtCodes)
{
	EXPECT_EQ(http_status_for_sqlstate("PT402", "", true), 402);
	EXPECT_EQ(http_status_for_sqlstate("PT418", "", true), 418);
	EXPECT_EQ(http_status_for_sqlstate("PTabc", "", true), 500);
	EXPECT_EQ(http_status_for_sqlstate("PT099", "", true), 500);
}

TEST(ErrorBody, KeysInOrderNullsAsNull)
{
	auto e = gateway::postgres_error("22023", "invalid status filter \"x\"", std::nullopt, std::string("Valid values..."), true);
	EXPECT_EQ(gateway::error_body(e),
			  R"({"code":"22023","details":null,"hint":"Valid values...","message":"invalid status filter \"x\""})");
	EXPECT_EQ(e.status, 400);
	EXPECT_TRUE(e.headers.empty());
}

TEST(ErrorBody, UnauthenticatedPrivilegeErrorAsksForAToken)
{
	auto e = gateway::postgres_error("42501", "permission denied", std::nullopt, std::nullopt, false);
	ASSERT_EQ(e.headers.size(), 1u);
	EXPECT_EQ(e.headers[0].first, "WWW-Authenticate");
	EXPECT_EQ(e.headers[0].second, "Bearer");
}

TEST(PgrstErrors, JwtErrorsDescribeThemselves)
{
	auto e = gateway::jwt_claims_error("JWT expired");
	EXPECT_EQ(e.status, 401);
	EXPECT_EQ(e.code, "PGRST303");
	ASSERT_EQ(e.headers.size(), 1u);
	EXPECT_EQ(e.headers[0].second, R"(Bearer error="invalid_token", error_description="JWT expired")");
	EXPECT_EQ(gateway::token_required().code, "PGRST302");
	EXPECT_EQ(gateway::token_required().headers[0].second, "Bearer");
}

TEST(PgrstErrors, ConnectionErrorsAskToRetry)
{
	auto e = gateway::connection_error("connection refused", 2);
	EXPECT_EQ(e.status, 503);
	EXPECT_EQ(e.code, "PGRST000");
	EXPECT_EQ(e.headers[0], (std::pair<std::string, std::string>("Retry-After", "2")));
	EXPECT_EQ(gateway::client_error("gone", 1).code, "PGRST001");
	EXPECT_EQ(gateway::acquisition_timeout().status, 504);
}

TEST(PgrstErrors, NoRpcNamesArgumentsAndSuggestsTheFunction)
{
	auto e = gateway::no_rpc("api", "scheduled_outbound_calls", {"foo", "status"}, true,
							 "scheduled_outbound_calls(status)");
	EXPECT_EQ(e.status, 404);
	EXPECT_EQ(e.message, "Could not find the function api.scheduled_outbound_calls(foo, status) in the schema cache");
	EXPECT_EQ(*e.details, "Searched for the function api.scheduled_outbound_calls with parameters foo, status "
						  "or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.");
	EXPECT_EQ(*e.hint, "Perhaps you meant to call the function api.scheduled_outbound_calls(status)");
	auto none = gateway::no_rpc("api", "other", {}, false, "scheduled_outbound_calls(status)");
	EXPECT_EQ(none.message, "Could not find the function api.other without parameters in the schema cache");
}
