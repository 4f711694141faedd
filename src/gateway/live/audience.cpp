/*
 * audience.cpp
 *		An audience's key, from a request.
 */
#include "live/audience.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "http/request_head.hpp"

namespace gateway {

namespace {

/* The fields of a key, each with its length first: no two keys read alike. */
void
key_part(std::string &key, std::string_view part)
{
	key += std::to_string(part.size());
	key += ':';
	key.append(part.data(), part.size());
}

}								/* namespace */

Audience
make_audience(const RpcFunction &function, const RpcArgs &args, const Who &who,
			  const Request &request, const std::vector<std::string> &cohort_headers)
{
	/* Only the headers named: request.headers then holds them and nothing else. */
	HeaderFields named;
	for (const auto &[name, value] : request.header_fields)
		for (const std::string &wanted : cohort_headers)
			if (name.size() == wanted.size() && std::equal(name.begin(), name.end(), wanted.begin(), [](char a, char b) {
					return std::tolower(static_cast<unsigned char>(a)) == b;
				}))
				named.emplace_back(name, value);

	Audience	a{&function, args, who.auth.role, who.auth.authed, who.audience_claims, request.method,
				  request.path, headers_json(named), "", ""};
	std::string &share = a.share_key;
	for (std::string_view part : {std::string_view(function.name), std::string_view(a.role),
								  std::string_view(a.authed ? "t" : "f")})
		key_part(share, part);
	for (const auto &[param, value] : args)
	{
		key_part(share, param->name);
		share += value ? '=' : '-';
		key_part(share, value.value_or(""));
	}
	a.key = share;
	for (std::string_view part : {std::string_view(a.claims), std::string_view(a.method), std::string_view(a.path),
								  std::string_view(a.headers)})
		key_part(a.key, part);
	return a;
}

RequestSettings
document_settings(const std::string &search_path, const Audience &a)
{
	return RequestSettings{search_path, a.role, a.claims, a.method, a.path, a.headers};
}

}								/* namespace gateway */
