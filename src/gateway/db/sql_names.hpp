/*
 * sql_names.hpp
 *		Identifiers from the configuration, made safe for SQL text.
 */
#ifndef CALLBOARD_GATEWAY_SQL_NAMES_HPP
#define CALLBOARD_GATEWAY_SQL_NAMES_HPP

#include <string>

#include "config/config.hpp"

namespace gateway {

/* A PostgreSQL identifier, double-quoted. */
std::string quote_ident(const std::string &name);

/* db-schemas' first, then db-extra-search-path's, each quoted: the request's search_path. */
std::string search_path_for(const Config &config);

}								/* namespace gateway */

#endif
