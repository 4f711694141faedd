/*
 * sql_names.cpp
 *		Quoting and the search_path.
 */
#include "db/sql_names.hpp"

namespace gateway {

std::string
quote_ident(const std::string &name)
{
	std::string out = "\"";
	for (char c : name)
		out += c == '"' ? std::string("\"\"") : std::string(1, c);
	return out + "\"";
}

std::string
search_path_for(const Config &config)
{
	std::string path = quote_ident(config.db_schemas.front());
	std::string extra = config.db_extra_search_path;
	std::size_t start = 0;
	while (start <= extra.size())
	{
		std::size_t comma = extra.find(',', start);
		std::string item = extra.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
		std::size_t b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
		if (b != std::string::npos)
			path += ", " + quote_ident(item.substr(b, e - b + 1));
		if (comma == std::string::npos)
			break;
		start = comma + 1;
	}
	return path;
}

}								/* namespace gateway */
