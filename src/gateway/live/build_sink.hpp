/*
 * build_sink.hpp
 *		Where a cohort's build puts the rows of its document.
 */
#ifndef CALLBOARD_GATEWAY_BUILD_SINK_HPP
#define CALLBOARD_GATEWAY_BUILD_SINK_HPP

#include <functional>
#include <optional>
#include <string>

#include "core/asio.hpp"
#include "db/db_request.hpp"
#include "http/responder.hpp"
#include "live/response_stream.hpp"

namespace gateway {

/*
 * A build's rows, kept whole up to the size a cohort keeps.  Past it the
 * document cannot be kept: the query stops, unless a client asked for this
 * build, which then gets the document streamed from here on (the bytes kept
 * so far, then each row as it comes; response_stream.hpp), without a
 * second query.
 *
 * If the client that asked hangs up, the query stops when nobody else waits
 * for it or watches the audience (`alone`); else it goes on for them.
 */
class BuildSink : public RowSink
{
public:
	BuildSink(std::size_t limit, Responder *out, std::string role,
			  std::function<void(std::function<void()>)> on_attach, std::function<bool()> alone)
		: limit_(limit), out_(out), on_attach_(std::move(on_attach)), alone_(std::move(alone))
	{
		if (out_ != nullptr)
			stream_.emplace(*out_, std::move(role));
	}

	void		attach(std::function<void()> interrupt) override;

	awaitable<bool> row(PgResult &row) override;

	/* After the query: end the streamed response, or cut it if the query did not end well. */
	awaitable<void> finish_stream(const DbOutcome &outcome);

	std::string &body() { return body_; }

	/* A row's second column, the row-security probe (cohorts.cpp): the first row's tells. */
	void		note_row_security(const PGresult *row);
	/* The probe said no row-level security applied to the read. */
	bool		reads_all_rows() const { return reads_all_rows_; }
	bool		too_large() const { return too_large_; }
	bool		streaming() const { return stream_ && stream_->begun(); }

private:
	std::size_t limit_;
	Responder  *out_;
	std::function<void(std::function<void()>)> on_attach_;
	std::function<bool()> alone_;
	std::function<void()> interrupt_;
	std::string body_;
	bool		too_large_ = false;
	std::optional<ResponseStream> stream_;	/* to the client that asked, if one did */
	bool		probed_ = false;
	bool		reads_all_rows_ = false;
};

}								/* namespace gateway */

#endif
