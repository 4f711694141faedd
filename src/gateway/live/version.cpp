/*
 * version.cpp
 *		A version's representations, each made once.
 */
#include "live/version.hpp"

#include "core/gzip.hpp"

namespace gateway {

Version::Version(std::uint64_t number, std::string body, std::string etag)
	: number_(number), body_(std::move(body)), etag_(std::move(etag))
{
}

const std::string &
Version::gzipped() const
{
	std::call_once(gzip_once_, [this] { gzip_ = gzip(body_); });
	return gzip_;
}

const std::string &
Version::event() const
{
	/* The body is compact JSON: one line, never a bare newline inside. */
	std::call_once(event_once_, [this] { event_ = "id: " + etag_ + "\ndata: " + body_ + "\n\n"; });
	return event_;
}

const DeflatedPiece &
Version::deflated_event() const
{
	std::call_once(deflated_once_, [this] { deflated_ = deflate_piece(event()); });
	return deflated_;
}

}								/* namespace gateway */
