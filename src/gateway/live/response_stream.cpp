/*
 * response_stream.cpp
 *		Beginning, writing and ending a streamed answer.
 */
#include "live/response_stream.hpp"

namespace gateway {

Reply
ResponseStream::head() const
{
	Reply		r;
	r.role = role_;
	return r;
}

awaitable<bool>
ResponseStream::begin(std::optional<std::size_t> content_length)
{
	begun_ = true;
	co_return co_await out_.begin(head(), content_length);
}

awaitable<bool>
ResponseStream::write(const char *data, std::size_t size)
{
	return out_.write(data, size);
}

awaitable<void>
ResponseStream::end(const DbOutcome &outcome)
{
	if (outcome.error)
		out_.abort(outcome.error->code + " " + outcome.error->message);
	else if (outcome.stopped)
		out_.abort("the client went away or read too slowly");
	else if (outcome.connection_lost)
		out_.abort("the database connection was lost");
	else
		co_await out_.end();
}

awaitable<void>
ResponseStream::send_error(const ApiError &error)
{
	Reply		reply = error_reply(error);
	reply.role = role_;
	co_await out_.send(reply);
}

awaitable<void>
ResponseStream::send(std::string body)
{
	Reply		reply = head();
	reply.body = std::move(body);
	co_await out_.send(reply);
}

}								/* namespace gateway */
