// The /rpc table (call_args.cpp) is held to the SQL that defines the functions: every
// function it serves exists in the extension's scripts with the same parameters, in the
// same order, with a default exactly where the table says it is optional, and the same types.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "rpc/call_args.hpp"

namespace {

/* Every extension script's text, concatenated. */
std::string
extension_sql()
{
	std::string all;
	for (const auto &entry : std::filesystem::directory_iterator(CALLBOARD_SOURCE_DIR))
	{
		std::string name = entry.path().filename().string();
		if (name.rfind("callboard--", 0) != 0 || entry.path().extension() != ".sql")
			continue;
		std::ifstream in(entry.path());
		std::stringstream text;
		text << in.rdbuf();
		all += text.str();
	}
	return all;
}

struct SqlParam
{
	std::string name;
	std::string type;
	bool		has_default;
};

/* The parameters of CREATE FUNCTION <name>(...), or nothing if the scripts never create it. */
std::optional<std::vector<SqlParam>>
sql_params(const std::string &sql, const std::string &function)
{
	std::smatch m;
	if (!std::regex_search(sql, m, std::regex("CREATE FUNCTION " + function + "\\(([^)]*)\\)")))
		return std::nullopt;
	std::vector<SqlParam> params;
	std::stringstream list(m[1].str());
	for (std::string item; std::getline(list, item, ',');)
	{
		std::stringstream words(item);
		SqlParam	p;
		words >> p.name >> p.type;
		if (p.name.empty())
			continue;
		p.has_default = item.find("DEFAULT") != std::string::npos;
		params.push_back(p);
	}
	return params;
}

}								/* namespace */

TEST(RpcTable, MatchesTheFunctionsTheExtensionCreates)
{
	const std::string sql = extension_sql();
	ASSERT_FALSE(sql.empty());
	for (const gateway::RpcFunction &f : gateway::rpc_functions())
	{
		auto		params = sql_params(sql, f.name);
		ASSERT_TRUE(params.has_value()) << f.name;
		ASSERT_EQ(params->size(), f.params.size()) << f.name;
		for (std::size_t i = 0; i < f.params.size(); i++)
		{
			EXPECT_EQ((*params)[i].name, f.params[i].name) << f.name;
			EXPECT_EQ((*params)[i].type, f.params[i].sql_type) << f.name;
			EXPECT_EQ((*params)[i].has_default, !f.params[i].required) << f.name << " " << f.params[i].name;
		}
		/* The chunked form takes the same arguments first (and a chunk size with a default). */
		if (f.chunks_name != nullptr)
		{
			auto		chunks = sql_params(sql, f.chunks_name);
			ASSERT_TRUE(chunks.has_value()) << f.chunks_name;
			ASSERT_GE(chunks->size(), f.params.size());
			for (std::size_t i = 0; i < f.params.size(); i++)
				EXPECT_EQ((*chunks)[i].name, f.params[i].name) << f.chunks_name;
			for (std::size_t i = f.params.size(); i < chunks->size(); i++)
				EXPECT_TRUE((*chunks)[i].has_default) << f.chunks_name;
		}
	}
}

TEST(RpcTable, TheLegacyPathServesTheDocument)
{
	EXPECT_STREQ(gateway::legacy_function().name, "scheduled_outbound_calls");
}
