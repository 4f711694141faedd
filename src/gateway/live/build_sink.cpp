/*
 * build_sink.cpp
 *		Keeping a build's rows, or streaming them once they are too many.
 */
#include "live/build_sink.hpp"

#include "core/fault_injection.hpp"

namespace gateway {

void
BuildSink::attach(std::function<void()> interrupt)
{
	interrupt_ = interrupt;
	on_attach_(interrupt);
	if (out_ == nullptr)
		return;
	if (!interrupt)
		out_->disarm_hangup();
	else
		out_->arm_hangup([alone = alone_, interrupt] {
			if (alone())
				interrupt();
		});
}

void
BuildSink::note_row_security(const PGresult *row)
{
	if (probed_)
		return;
	probed_ = true;
	reads_all_rows_ = PQnfields(row) > 1 && !PQgetisnull(row, 0, 1) && PQgetvalue(row, 0, 1)[0] == 'f';
}

awaitable<bool>
BuildSink::row(PgResult &row)
{
	fault_point("cohort.row");
	note_row_security(row.get());
	bool		null = PQgetisnull(row.get(), 0, 0);
	const char *value = null ? "null" : PQgetvalue(row.get(), 0, 0);
	std::size_t size = null ? 4 : static_cast<std::size_t>(PQgetlength(row.get(), 0, 0));
	if (streaming())
		co_return co_await stream_->write(value, size);
	body_.append(value, size);
	if (body_.size() <= limit_)
		co_return true;
	too_large_ = true;
	if (!stream_)
		co_return false;

	/* From now on this client alone waits for the query: its hang-up stops it. */
	out_->arm_hangup(interrupt_);
	bool		ok = co_await stream_->begin();
	if (ok)
		ok = co_await stream_->write(body_.data(), body_.size());
	std::string().swap(body_);
	co_return ok;
}

awaitable<void>
BuildSink::finish_stream(const DbOutcome &outcome)
{
	co_await stream_->end(outcome);
}

}								/* namespace gateway */
