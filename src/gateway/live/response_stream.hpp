/*
 * response_stream.hpp
 *		A query's answer to a client as one response body, in pieces.
 */
#ifndef CALLBOARD_GATEWAY_RESPONSE_STREAM_HPP
#define CALLBOARD_GATEWAY_RESPONSE_STREAM_HPP

#include <cstddef>
#include <optional>
#include <string>

#include "core/api_error.hpp"
#include "core/asio.hpp"
#include "db/db_request.hpp"
#include "http/responder.hpp"

namespace gateway {

/*
 * The one way a body goes to a client as a query produces it: begun once
 * (200, the role's; chunked, or with a Content-Length), written piece by
 * piece, then ended by the query's outcome: finished, or cut short so the
 * client can tell (no last chunk) with the reason in the log.  Before it
 * has begun, the answer can still be a whole reply: the query's error, as
 * PostgREST gives it, or a body in one piece.
 *
 * Its users keep what is theirs: which rows, and when to begin
 * (BuildSink: past the size a cohort keeps; FunctionBody, handlers.cpp:
 * at the second row).
 */
class ResponseStream
{
public:
	ResponseStream(Responder &out, std::string role) : out_(out), role_(std::move(role)) {}

	bool		begun() const { return begun_; }

	/* The head, once.  false: the client is gone. */
	awaitable<bool> begin(std::optional<std::size_t> content_length = std::nullopt);
	awaitable<bool> write(const char *data, std::size_t size);

	/* Begun: after the query, the body ends, or is cut short if the query did not end well. */
	awaitable<void> end(const DbOutcome &outcome);

	/* Not begun: the whole answer. */
	awaitable<void> send_error(const ApiError &error);
	awaitable<void> send(std::string body);

private:
	Reply		head() const;

	Responder  &out_;
	std::string role_;
	bool		begun_ = false;
};

}								/* namespace gateway */

#endif
