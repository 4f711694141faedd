// postgrest.conf parsing, PGRST_* overrides, and refused values.
#include <gtest/gtest.h>

#include "config/config.hpp"

using gateway::ConfigError;
using gateway::make_config;
using gateway::parse_config_text;

TEST(ConfigFile, KeysQuotesCommentsAndInterpolation)
{
	auto values = parse_config_text(
		"# comment\n"
		"db-uri = \"postgres://u:$(PW)@h/db\"\n"
		"db-pool = 7   # trailing comment\n"
		"jwt-secret = \"has # hash and \\\"quotes\\\"\"\n"
		"\n"
		"server-port=3001\n",
		{{"PW", "s3cret"}});
	EXPECT_EQ(values["db-uri"], "postgres://u:s3cret@h/db");
	EXPECT_EQ(values["db-pool"], "7");
	EXPECT_EQ(values["jwt-secret"], "has # hash and \"quotes\"");
	EXPECT_EQ(values["server-port"], "3001");
}

TEST(ConfigFile, MalformedLinesAreErrors)
{
	EXPECT_THROW(parse_config_text("db-uri \"x\"\n", {}), ConfigError);
	EXPECT_THROW(parse_config_text("db-uri = \"unterminated\n", {}), ConfigError);
	EXPECT_THROW(parse_config_text("db-uri = \"a\" b\n", {}), ConfigError);
}

TEST(Config, DefaultsArePostgrests)
{
	auto c = make_config({}, {});
	EXPECT_EQ(c.db_uri, "postgresql://");
	EXPECT_EQ(c.db_pool, 10);
	EXPECT_EQ(c.db_pool_acquisition_timeout, 10);
	EXPECT_EQ(c.server_port, 3000);
	EXPECT_EQ(c.db_schemas, std::vector<std::string>{"public"});
	EXPECT_EQ(c.db_extra_search_path, "public");
	EXPECT_FALSE(c.db_anon_role.has_value());
	EXPECT_FALSE(c.server_cors_allowed_origins.has_value());
}

TEST(Config, EnvironmentOverridesTheFile)
{
	auto c = make_config({{"db-pool", "5"}, {"db-anon-role", "anon"}, {"db-schemas", "api, other"}},
						 {{"PGRST_DB_POOL", "3"}, {"PGRST_CALLBOARD_TOKEN_ROLE", "dash"}});
	EXPECT_EQ(c.db_pool, 3);
	EXPECT_EQ(*c.db_anon_role, "anon");
	EXPECT_EQ(c.db_schemas, (std::vector<std::string>{"api", "other"}));
	EXPECT_EQ(*c.callboard_token_role, "dash");
}

TEST(Config, SecretRulesAndBase64)
{
	EXPECT_THROW(make_config({{"jwt-secret", "short"}}, {}), ConfigError);
	auto c = make_config({{"jwt-secret", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="},
						  {"jwt-secret-is-base64", "true"}}, {});
	EXPECT_EQ(c.jwt_secret, "0123456789abcdef0123456789abcdef");
	EXPECT_THROW(make_config({{"jwt-secret", "!!!not base64 at all, but long enough!!!"},
							  {"jwt-secret-is-base64", "true"}}, {}), ConfigError);
}

TEST(Config, BadValuesNameTheKey)
{
	try
	{
		make_config({{"db-pool", "lots"}}, {});
		FAIL() << "no error";
	}
	catch (const ConfigError &e)
	{
		EXPECT_NE(std::string(e.what()).find("db-pool"), std::string::npos);
	}
	EXPECT_THROW(make_config({{"server-port", "70000"}}, {}), ConfigError);
	EXPECT_THROW(make_config({{"log-level", "loud"}}, {}), ConfigError);
	EXPECT_THROW(make_config({{"jwt-role-claim-key", ".user.role"}}, {}), ConfigError);
	EXPECT_THROW(make_config({{"jwt-secret-is-base64", "maybe"}, {"jwt-secret", std::string(40, 'x')}}, {}), ConfigError);
}

TEST(Config, CorsOriginsList)
{
	auto c = make_config({{"server-cors-allowed-origins", "https://a.example, http://localhost:5173"}}, {});
	ASSERT_TRUE(c.server_cors_allowed_origins.has_value());
	EXPECT_EQ(*c.server_cors_allowed_origins,
			  (std::vector<std::string>{"https://a.example", "http://localhost:5173"}));
}

TEST(Config, ReadUris)
{
	auto single = make_config({{"db-uri", "postgres://a/db"}}, {});
	EXPECT_EQ(single.db_uris, std::vector<std::string>{"postgres://a/db"});
	auto spread = make_config({{"db-uri", "postgres://a/db"},
							   {"callboard-db-uris", "postgres://a/db\tpostgres://b:5433/db  postgres://c/db"}}, {});
	EXPECT_EQ(spread.db_uris, (std::vector<std::string>{"postgres://a/db", "postgres://b:5433/db", "postgres://c/db"}));
}
