/*
 * event_coding.hpp
 *		An event stream's bytes as they go out: as they are, or gzip-coded
 *		when the client takes gzip (a browser's EventSource does).
 *
 * Coded, each event is deflated on its own (gzip.hpp: DeflatedPiece), so a
 * version's compressed event is made once and its bytes go to every
 * stream of the audience, as its plain event does: per stream there is
 * only the running CRC for the trailer.
 */
#ifndef CALLBOARD_GATEWAY_EVENT_CODING_HPP
#define CALLBOARD_GATEWAY_EVENT_CODING_HPP

#include <string>

#include "core/asio.hpp"
#include "core/gzip.hpp"
#include "http/request.hpp"
#include "http/responder.hpp"
#include "live/version.hpp"

namespace gateway {

class EventCoding
{
public:
	explicit	EventCoding(const Request &request);

	/* Content-Encoding and Vary, on the stream's head. */
	void		add_headers(Reply &head) const;

	/* After the head: the gzip header.  Each returns what out.write() does. */
	awaitable<bool> start(Responder &out);
	/* The version's event (kept alive by the caller until this completes). */
	awaitable<bool> version(Responder &out, const Version &version);
	/* An event or comment of this stream's own (an error, a keep-alive). */
	awaitable<bool> text(Responder &out, const std::string &text);
	/* Before out.end(): the gzip trailer, so the client sees the stream whole. */
	awaitable<bool> finish(Responder &out);

private:
	awaitable<bool> piece(Responder &out, const DeflatedPiece &piece);

	bool		gzip_;
	GzipTail	tail_;
	std::string pending_;		/* a piece of this stream's own, until written */
};

}								/* namespace gateway */

#endif
