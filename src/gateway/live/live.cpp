/*
 * live.cpp
 *		A watcher per stream, woken on its own loop; the stream's loop.
 */
#include "live/live.hpp"

#include <ctime>

#include "core/wake_up.hpp"
#include "live/event_coding.hpp"

namespace gateway {

namespace {

constexpr std::int64_t kCenturySeconds = 100LL * 365 * 24 * 3600;

/*
 * One stream's mailbox, on the stream's loop (the cohort offers there too).
 * Only the latest version matters: a stream that is still writing the last
 * one skips those in between, and finds the latest as soon as it is done
 * (WakeUp remembers the offer).
 */
class Mailbox : public Watcher
{
public:
	explicit	Mailbox(Executor loop) : wake_(WakeUp::on(loop)) {}

	Executor	loop() const override { return wake_->loop(); }

	void		offer(std::shared_ptr<const Version> version) override
	{
		version_ = std::move(version);
		wake_->notify();
	}

	void		fail(const ApiError &error) override
	{
		error_ = error;
		wake_->notify();
	}

	/* The stream must end: the client left, or the gateway stops.  (On the stream's loop.) */
	void		close()
	{
		closed_ = true;
		wake_->notify();
	}

	bool		closed() const { return closed_; }

	/* Until something arrives (or arrived while the stream was busy), close(), or `until`. */
	awaitable<void> wait(std::chrono::steady_clock::time_point until)
	{
		co_await wake_->wait_until(until);
	}

	std::shared_ptr<const Version> take_version() { return std::move(version_); }

	std::optional<ApiError> take_error()
	{
		std::optional<ApiError> e = std::move(error_);
		error_.reset();
		return e;
	}

private:
	std::shared_ptr<WakeUp> wake_;
	std::shared_ptr<const Version> version_;
	std::optional<ApiError> error_;
	bool		closed_ = false;
};

/* Watches the audience until the stream ends, however it ends; moves with the stream. */
class Watching
{
public:
	Watching(Cohorts &cohorts, const Audience &audience, std::shared_ptr<Mailbox> mailbox)
		: cohorts_(&cohorts), key_(audience.key), mailbox_(std::move(mailbox))
	{
		cohorts_->watch(audience, mailbox_);
	}
	Watching(Watching &&other) noexcept = default;
	Watching(const Watching &) = delete;
	Watching &operator=(const Watching &) = delete;
	~Watching()
	{
		if (mailbox_)
			cohorts_->unwatch(key_, mailbox_);
	}

	Mailbox    &mailbox() const { return *mailbox_; }

private:
	Cohorts    *cohorts_;
	std::string key_;
	std::shared_ptr<Mailbox> mailbox_;	/* none once moved from */
};

std::string
error_event(const ApiError &error)
{
	return "event: error\ndata: " + error_body(error) + "\n\n";
}

Reply
stream_head(const std::string &role)
{
	Reply		head;
	head.content_type = "text/event-stream";
	head.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
	head.role = role;
	return head;
}

/*
 * The token's expiry as a point on the steady clock (`expires`: Unix
 * seconds); none for no expiry, or one more than a century away (which in
 * nanoseconds would overflow the clock).
 */
std::optional<std::chrono::steady_clock::time_point>
stream_end(std::optional<std::int64_t> expires)
{
	auto		now = std::chrono::steady_clock::now();
	std::int64_t left = expires ? *expires - static_cast<std::int64_t>(std::time(nullptr)) : 0;
	if (expires && left < kCenturySeconds)
		return now + std::chrono::seconds(left);
	return std::nullopt;
}

/*
 * What the mailbox holds, as events: an error, then the latest version if
 * it is newer than the one sent last (`sent`); or a keep-alive, if nothing
 * came by `until`.  false: the client is gone.
 *
 * Newer, not merely other: a cohort numbers its versions in the order of
 * their reads (DocumentCache::keep), and a refresh may offer what it read
 * after a newer read reached this stream (its first version, from a GET's
 * build that began after the refresh's): a screen never goes back.
 */
awaitable<bool>
pass_on(Mailbox &mailbox, Responder &out, EventCoding &coding, std::uint64_t &sent,
		std::chrono::steady_clock::time_point until)
{
	std::string text;
	if (auto error = mailbox.take_error())
	{
		text += error_event(*error);
		sent = 0;				/* the next version is news again, even if the bytes are the same */
	}
	auto		version = mailbox.take_version();
	if (version && version->number() > sent)
	{
		sent = version->number();
		if (!text.empty())
		{
			if (!co_await coding.text(out, text))
				co_return false;
			text.clear();
		}
		if (!co_await coding.version(out, *version))
			co_return false;
	}
	if (text.empty() && std::chrono::steady_clock::now() >= until)
		text = ": keep-alive\n\n";
	if (text.empty())
		co_return true;
	co_return co_await coding.text(out, text);
}

/* What a begun stream keeps: no more than it needs for as long as it lasts. */
struct OpenStream
{
	Responder  &out;
	Watching	watching;
	EventCoding coding;
	std::uint64_t sent;			/* the version number sent last */
	std::optional<std::chrono::steady_clock::time_point> end;	/* the token's exp */
	std::chrono::seconds keepalive;
};

/*
 * The stream once it has begun: each new version, error or keep-alive as
 * an event, until the client leaves, the token expires or the gateway
 * stops.  It runs after the handler has returned (Responder::then), so an
 * open stream holds this frame and its OpenStream, not the request or the
 * frames that led to it.  It owns `opened` (a plain pointer, not a class
 * parameter: core/asio.hpp).
 */
awaitable<void>
stream_events(OpenStream *opened)
{
	std::unique_ptr<OpenStream> stream(opened);
	Mailbox    &mailbox = stream->watching.mailbox();
	for (;;)
	{
		auto		until = std::chrono::steady_clock::now() + stream->keepalive;
		if (stream->end && *stream->end < until)
			until = *stream->end;
		co_await mailbox.wait(until);
		if (mailbox.closed())
			break;
		if (stream->end && std::chrono::steady_clock::now() >= *stream->end)
			break;				/* the token expired: end the stream cleanly */
		bool		open = co_await pass_on(mailbox, stream->out, stream->coding, stream->sent, until);
		if (!open)
			co_return;
	}
	/* Expired or shutting down: the last chunk, so the client knows to reconnect (after a hang-up it goes nowhere). */
	stream->out.disarm_hangup();
	bool		finished = co_await stream->coding.finish(stream->out);
	if (finished)
		co_await stream->out.end();
}

}								/* namespace */

bool
wants_event_stream(std::string_view accept)
{
	return accept.find("text/event-stream") != std::string_view::npos;
}

awaitable<void>
serve_live(const Request &request, Responder &out, Cohorts &cohorts, const Audience &audience,
		   std::optional<std::int64_t> expires, std::chrono::seconds keepalive)
{
	Executor	loop = co_await net::this_coro::executor;
	auto		mailbox = std::make_shared<Mailbox>(loop);
	/* Watch first: a change while the first version is built is not missed. */
	Watching	watching(cohorts, audience, mailbox);

	Built		first = co_await cohorts.get(audience);
	if (first.error || first.too_large)
	{
		ApiError	error = first.error ? *first.error : too_large_to_watch();
		Reply		reply = error_reply(error);
		reply.role = audience.role;
		co_return (void) co_await out.send(reply);
	}

	EventCoding coding(request);
	Reply		head = stream_head(audience.role);
	coding.add_headers(head);
	out.limit_unsent();
	bool		begun = co_await out.begin(head, std::nullopt);
	if (begun)
		begun = co_await coding.start(out);
	if (!begun)
		co_return;
	out.arm_hangup([mailbox] { mailbox->close(); });
	out.on_shutdown([mailbox] { mailbox->close(); });

	/* A client reconnecting with the current version does not get it again. */
	if (request.last_event_id != first.version->etag())
	{
		if (!co_await coding.version(out, *first.version))
			co_return;
	}
	auto		stream = std::make_unique<OpenStream>(OpenStream{out, std::move(watching), std::move(coding),
															 first.version->number(), stream_end(expires),
															 keepalive});
	awaitable<void> rest = stream_events(stream.get());
	stream.release();			/* the coroutine owns it now; the session always runs what then() is given */
	out.then(std::move(rest));
}

}								/* namespace gateway */
