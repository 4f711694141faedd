/*
 * audience.hpp
 *		An audience: everything a document may depend on, as one key.
 *
 * The function and its arguments; the role it runs as, and whether a token
 * was given (401 or 403); the token's claims, except exp, iat, nbf and jti,
 * which differ from one token to the next and say nothing of what a user
 * may see; request.method and request.path, as PostgREST sets them; the
 * request headers named in callboard-cohort-headers (none by default), the
 * only ones request.headers then holds.  A document is read with exactly
 * these (document_settings()), so no row-level security policy can make
 * one audience's bytes depend on anything outside its key.
 */
#ifndef CALLBOARD_GATEWAY_AUDIENCE_HPP
#define CALLBOARD_GATEWAY_AUDIENCE_HPP

#include <string>
#include <vector>

#include "auth/token_cache.hpp"
#include "db/db_request.hpp"
#include "http/request.hpp"
#include "rpc/call_args.hpp"

namespace gateway {

/* Everything a document depends on. */
struct Audience
{
	const RpcFunction *function;
	RpcArgs		args;
	std::string role;
	bool		authed;
	std::string claims;			/* JSON, without exp, iat, nbf, jti */
	std::string method;
	std::string path;
	std::string headers;		/* JSON: only the callboard-cohort-headers */
	std::string key;			/* all of the above, as one string */
	/*
	 * The function, its arguments, the role and whether a token was given:
	 * what the document depends on when no row-level security applies to
	 * the role (callboard's functions then read nothing else of the
	 * audience), so that such audiences can share one read (cohort_refresh.cpp).
	 */
	std::string share_key;
};

Audience	make_audience(const RpcFunction &function, const RpcArgs &args, const Who &who,
						  const Request &request, const std::vector<std::string> &cohort_headers);

/* What a document read runs with: the audience and nothing of the request. */
RequestSettings document_settings(const std::string &search_path, const Audience &audience);

}								/* namespace gateway */

#endif
