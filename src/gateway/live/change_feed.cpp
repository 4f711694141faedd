/*
 * change_feed.cpp
 *		The LISTEN connection: connect, listen, count, reconnect.
 */
#include "live/change_feed.hpp"

#include "core/access_log.hpp"

namespace gateway {

namespace {

constexpr std::chrono::milliseconds kConnectTimeout{5000};
constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{8000};


}								/* namespace */

ChangeNotice
classify_payload(std::string_view payload)
{
	ChangeNotice notice;
	if (payload.empty())
		notice.rows = callboard::kEveryRow;	/* hume_agents', or 0.3.0's triggers */
	else if (auto touched = callboard::parse_calls_payload(payload))
		notice.rows = *touched;	/* twilio_calls' count triggers */
	else if (payload == "privileges")
	{
		/* The event trigger: also DROP EXTENSION, whose drop takes the tables' triggers: ask again. */
		notice.privileges = true;
		notice.signal = true;
	}
	else if (payload == "enabled" || payload == "disabled")
		notice.signal = true;
	else
		notice = ChangeNotice::everything();
	return notice;
}

ChangeFeed::CategorySequences
ChangeFeed::category_sequences() const
{
	CategorySequences seen;
	for (int i = 0; i < callboard::kCategorySetBits; i++)
		seen[i] = category_sequences_[i].load();
	return seen;
}

bool
ChangeFeed::unchanged_since(const CategorySequences &seen, callboard::CategorySet categories) const
{
	for (int i = 0; i < callboard::kCategorySetBits; i++)
		if ((categories & (1u << i)) && category_sequences_[i].load() != seen[i])
			return false;
	return true;
}

void
ChangeFeed::changed(const ChangeNotice &notice)
{
	/* The categories first: a reader of sequence() then never misses one of them. */
	for (int i = 0; i < callboard::kCategorySetBits; i++)
		if (notice.categories() & (1u << i))
			category_sequences_[i]++;
	sequence_++;
	if (on_change)
		on_change(notice);
}

void
ChangeFeed::stop()
{
	stopping_ = true;
	if (link_)
		link_->interrupt();
	if (pause_)
		pause_->cancel();
}

/*
 * Whether the signal is on: both tables, found through the request's
 * search_path, carry callboard's triggers (callboard_change_signal on
 * hume_agents; on twilio_calls the four callboard_change_signal_* that also
 * keep the counts, or callboard 0.3.0's one).  Read from the catalog, which
 * any role may (the gateway's login role has no privileges of its own).
 */
const char *const kEnabledSql =
	"SELECT count(DISTINCT tgrelid) = 2 FROM pg_catalog.pg_trigger"
	" WHERE tgname LIKE 'callboard\\_change\\_signal%' AND tgenabled <> 'D'"
	" AND tgrelid IN (pg_catalog.to_regclass('twilio_calls'), pg_catalog.to_regclass('hume_agents'))";

namespace {

/* What the database said when asked whether the signal is on. */
enum class Asked
{
	on, off,
	refused,					/* an error: it cannot LISTEN (a standby) */
	lost						/* the connection broke */
};

awaitable<Asked>
ask_signal(PgLink &link, const std::string &sql)
{
	PGconn	   *conn = link.conn();
	if (PQsendQuery(conn, sql.c_str()) != 1)
		co_return Asked::lost;
	if (co_await link.flush() != LinkState::ready)
		co_return Asked::lost;
	bool		enabled = false;
	bool		failed = false;
	for (;;)
	{
		if (co_await link.until_result() != LinkState::ready)
			co_return Asked::lost;
		PGresult   *res = PQgetResult(conn);
		if (res == nullptr)
			break;
		if (PQresultStatus(res) == PGRES_FATAL_ERROR)
		{
			failed = true;
			log_event(std::string("change signal: ") + PQresultErrorMessage(res));
		}
		else if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
			enabled = std::string(PQgetvalue(res, 0, 0)) == "t";
		PQclear(res);
	}
	if (failed)
		co_return Asked::refused;
	co_return enabled ? Asked::on : Asked::off;
}

}								/* namespace */

/*
 * LISTEN on both channels, then whether the signal is on; then
 * notifications until the connection breaks.  False when the database
 * cannot listen at all (a standby), which is not worth retrying soon.
 */
awaitable<bool>
ChangeFeed::serve(PgLink &link, const std::string &search_path)
{
	std::string setup = std::string("SET search_path = ") + search_path + "; LISTEN " + callboard::kChangeChannel + "; LISTEN pgrst";

	for (bool first = true;; first = false)
	{
		/* Ask (again) whether the signal is on: at connect, and when it is turned on or off. */
		std::string sql = first ? setup + "; " + kEnabledSql : std::string(kEnabledSql);
		Asked		asked = co_await ask_signal(link, sql);
		if (asked == Asked::lost)
			co_return true;
		if (asked == Asked::refused)
			co_return false;	/* cannot LISTEN here (a standby): poll */
		bool		enabled = asked == Asked::on;
		bool		was = pushing_.exchange(enabled);
		if (first || was != enabled)
		{
			log_event(enabled ? "change signal: listening" : "change signal: off; live documents poll");
			changed(ChangeNotice::everything());
		}
		if (!co_await follow(link))
			co_return true;
	}
}

/* Notifications, until one says to ask again whether the signal is on (true), or the connection breaks. */
awaitable<bool>
ChangeFeed::follow(PgLink &link)
{
	PGconn	   *conn = link.conn();
	for (;;)
	{
		/* What libpq read along with the last query's results first; then the socket. */
		PGnotify   *n = PQnotifies(conn);
		if (n == nullptr)
		{
			if (co_await link.until_input() != LinkState::ready)
				co_return false;
			n = PQnotifies(conn);
		}
		/* Several in one read count once. */
		ChangeNotice notice = take_notices(conn, n);
		if (notice.any_change())
			changed(notice);
		if (notice.signal)
			co_return true;
	}
}

/* `first` and every other notification libpq has read, merged; PostgREST's reloads done. */
ChangeNotice
ChangeFeed::take_notices(PGconn *conn, PGnotify *first)
{
	ChangeNotice notice;
	for (PGnotify *n = first; n != nullptr; n = PQnotifies(conn))
	{
		std::string channel = n->relname;
		std::string payload = n->extra ? n->extra : "";
		PQfreemem(n);
		if (channel == "pgrst")
		{
			/* PostgREST's payloads; an empty one means 'reload schema'. */
			if (payload == "reload schema" || payload.empty())
			{
				notice.privileges = true;
				if (on_reload_schema)
					on_reload_schema();
			}
			else if (payload == "reload config" && on_reload_config)
				on_reload_config();
			continue;
		}
		notice.merge(classify_payload(payload));
	}
	return notice;
}

awaitable<void>
ChangeFeed::listen(std::string conninfo, std::string search_path, BlockingPool blocking)
{
	Executor	loop = co_await net::this_coro::executor;
	std::chrono::milliseconds backoff{0};

	while (!stopping_)
	{
		std::string error;
		PGconn	   *conn = co_await pg_connect(conninfo, kConnectTimeout, error, blocking);
		bool		worth_retrying = true;
		if (conn != nullptr && stopping_)
		{
			/* stop() came while connecting: there was no link to interrupt. */
			PQfinish(conn);
			break;
		}
		if (conn != nullptr)
		{
			{
				PgLink		link(loop, conn);
				link_ = &link;
				worth_retrying = co_await serve(link, search_path);
				link_ = nullptr;
			}
			PQfinish(conn);
			backoff = std::chrono::milliseconds{0};
		}
		else
			log_event("change signal: cannot connect: " + error);

		/* Whatever happens next, changes may be missed until we listen again. */
		if (pushing_.exchange(false))
			log_event("change signal: connection lost; live documents poll until it is back");
		if (stopping_)
			break;
		backoff = !worth_retrying ? std::chrono::milliseconds{30000}
			: backoff.count() == 0 ? kFirstBackoff : std::min(kMaxBackoff, backoff * 2);
		pause_ = std::make_unique<net::steady_timer>(loop, backoff);
		boost::system::error_code ec;
		co_await pause_->async_wait(net::redirect_error(use_awaitable, ec));
		pause_.reset();
	}
}

}								/* namespace gateway */
