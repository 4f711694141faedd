/*
 * request.hpp
 *		What a handler knows of an HTTP request, and the reply it gives.
 *
 * Plain data, no HTTP library: the handlers and their unit tests never see
 * Beast, and http_session.cpp fills these from the parser (the header
 * fields are views of the parsed message, which the session keeps until
 * the exchange is over).
 */
#ifndef CALLBOARD_GATEWAY_REQUEST_HPP
#define CALLBOARD_GATEWAY_REQUEST_HPP

#include <optional>
#include <string>

#include "core/api_error.hpp"
#include "http/query_string.hpp"
#include "http/request_head.hpp"

namespace gateway {

struct Request
{
	std::string method;			/* as sent: GET, POST, ... */
	std::string path;			/* percent-decoded, without the query */
	QueryParams params;			/* the query string, decoded */
	std::optional<std::string> authorization;
	std::optional<std::string> origin;
	std::optional<std::string> access_control_request_method;
	std::string access_control_request_headers;
	std::string accept;
	std::string accept_encoding;
	std::string if_none_match;
	std::string last_event_id;	/* an EventSource reconnecting */
	bool		head = false;	/* HEAD: the GET's status and headers, no body */
	/* Every header field, as received; valid while the exchange lasts (request_head.hpp writes them as JSON). */
	HeaderFields header_fields;
	std::string body;
	std::string remote;			/* the client's address, for the log */
};

/* A whole response. */
struct Reply
{
	int			status = 200;
	std::string body;
	std::string content_type = "application/json; charset=utf-8";
	Headers		headers;
	std::string role;			/* who it ran as, for the access log */
};

/* PostgREST's error as a reply, with its headers and Proxy-Status. */
Reply		error_reply(const ApiError &error);

}								/* namespace gateway */

#endif
