/*
 * event_coding.cpp
 *		Plain or gzip-coded event-stream bytes.
 */
#include "live/event_coding.hpp"

namespace gateway {

namespace {

const char	kKeepAlive[] = ": keep-alive\n\n";

/* The most frequent piece of all, deflated once. */
const DeflatedPiece &
deflated_keepalive()
{
	static const DeflatedPiece piece = deflate_piece(kKeepAlive);
	return piece;
}

}								/* namespace */

EventCoding::EventCoding(const Request &request)
	: gzip_(accepts_gzip(request.accept_encoding))
{
}

void
EventCoding::add_headers(Reply &head) const
{
	head.headers.emplace_back("Vary", "Accept-Encoding");
	if (gzip_)
		head.headers.emplace_back("Content-Encoding", "gzip");
}

awaitable<bool>
EventCoding::start(Responder &out)
{
	if (!gzip_)
		co_return true;
	co_return co_await out.write(kGzipHeader.data(), kGzipHeader.size());
}

awaitable<bool>
EventCoding::version(Responder &out, const Version &version)
{
	if (!gzip_)
		return out.write(version.event().data(), version.event().size());
	return piece(out, version.deflated_event());
}

awaitable<bool>
EventCoding::text(Responder &out, const std::string &text)
{
	if (!gzip_)
		return out.write(text.data(), text.size());
	if (text == kKeepAlive)
		return piece(out, deflated_keepalive());
	DeflatedPiece own = deflate_piece(text);
	tail_.add(own);
	pending_ = std::move(own.bytes);
	return out.write(pending_.data(), pending_.size());
}

awaitable<bool>
EventCoding::finish(Responder &out)
{
	if (!gzip_)
		co_return true;
	pending_ = tail_.finish();
	co_return co_await out.write(pending_.data(), pending_.size());
}

awaitable<bool>
EventCoding::piece(Responder &out, const DeflatedPiece &piece)
{
	tail_.add(piece);
	return out.write(piece.bytes.data(), piece.bytes.size());
}

}								/* namespace gateway */
