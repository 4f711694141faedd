/*
 * version.hpp
 *		One document as built, and its representations: the bytes, their
 *		ETag, gzip, the server-sent event; what a build gives (Built); and
 *		who is told of new versions (Watcher).
 */
#ifndef CALLBOARD_GATEWAY_VERSION_HPP
#define CALLBOARD_GATEWAY_VERSION_HPP

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/api_error.hpp"
#include "core/asio.hpp"
#include "core/gzip.hpp"

namespace gateway {

/*
 * Immutable once made, shared by every thread that sends it: the
 * representations made later are each made once, under their once_flag.
 */
class Version
{
public:
	/* `etag`: etag_of(body) (conditional.hpp), computed by the caller (once, outside any lock). */
	Version(std::uint64_t number, std::string body, std::string etag);

	std::uint64_t number() const { return number_; }
	const std::string &body() const { return body_; }
	/* Strong: a digest of the bytes, quoted. */
	const std::string &etag() const { return etag_; }
	/* Compressed, once, by whoever first asks. */
	const std::string &gzipped() const;
	/* As one server-sent event: "id: <etag>\ndata: <body>\n\n". */
	const std::string &event() const;
	/* The event deflated on its own, once, for every gzip-coded stream (gzip.hpp). */
	const DeflatedPiece &deflated_event() const;

private:
	std::uint64_t number_;
	std::string body_;
	std::string etag_;
	mutable std::once_flag gzip_once_;
	mutable std::string gzip_;
	mutable std::once_flag event_once_;
	mutable std::string event_;
	mutable std::once_flag deflated_once_;
	mutable DeflatedPiece deflated_;
};

/* What a build got, or what get() found. */
struct Built
{
	std::shared_ptr<const Version> version;
	std::optional<ApiError> error;
	bool		too_large = false;	/* stream it instead */
	bool		streamed = false;	/* too large, and already streamed to the client that asked */
	bool		stopped = false;	/* its client went away mid-build: nothing to share */
	bool		reads_all_rows = false;	/* no row-level security applied to the read (ROW_SECURITY_PROBE) */
};

/*
 * Told of a watched cohort's new versions and failures.  Called on the
 * watcher's own loop: a change is handed to each loop once, with the list of
 * its watchers, rather than once per watcher across threads.
 */
class Watcher
{
public:
	virtual		~Watcher() = default;
	virtual Executor loop() const = 0;
	virtual void offer(std::shared_ptr<const Version> version) = 0;
	virtual void fail(const ApiError &error) = 0;
};

}								/* namespace gateway */

#endif
