/*
 * http_session.cpp
 *		A connection's life, top to bottom: wait, read with limits, serve,
 *		answer, again.  Boost.Beast parses and serializes; nothing else in the
 *		gateway sees it.
 */
/* Beast's string views as std::string_view, as everywhere else (this is its only user). */
#define BOOST_BEAST_USE_STD_STRING_VIEW

#include "http/http_session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/spawn.hpp"
#include "http/query_string.hpp"
#include "http/request_head.hpp"

namespace gateway {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using RequestParser = http::request_parser<http::string_body>;

namespace {

/*
 * What the kernel may hold unsent of a lasting response (limit_unsent()).
 * Bytes in flight are not counted, so a fast reader far away is not slowed.
 */
constexpr int kMaxUnsentBytes = 128 * 1024;

/* What an idle connection may keep of its read buffer: one ordinary request's head. */
constexpr std::size_t kIdleBufferBytes = 4096;
/* The least an idle connection reads into: most requests' heads whole. */
constexpr std::size_t kFirstReadBytes = 1024;

/* How long, and how much, a refused client's remaining bytes are read and dropped. */
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 4 << 20;

template <class Name>
std::optional<std::string>
header(const http::fields &fields, Name name)
{
	auto		it = fields.find(name);
	if (it == fields.end())
		return std::nullopt;
	return std::string(it->value());
}

}								/* namespace */

HttpLimits
http_limits(const Config &config)
{
	return HttpLimits{
		config.callboard_max_uri_bytes,
		config.callboard_max_header_bytes,
		config.callboard_max_headers,
		config.callboard_max_body_bytes,
		std::chrono::seconds(config.callboard_request_timeout),
		std::chrono::seconds(config.callboard_keep_alive_timeout),
		config.callboard_min_send_rate,
	};
}

class Session : public Responder, public std::enable_shared_from_this<Session>
{
public:
	Session(tcp::socket socket, SessionSet &set, const HttpLimits &limits, App &app, ExchangeLog &log)
		: stream_(std::move(socket)), set_(set), limits_(limits), app_(app), log_(log),
		  idle_timer_(stream_.get_executor())
	{
		boost::system::error_code ec;
		auto		endpoint = stream_.socket().remote_endpoint(ec);
		remote_ = ec ? "-" : endpoint.address().to_string();
		stream_.socket().set_option(tcp::no_delay(true), ec);
		/* put() tries the kernel first: a write that would block must say so, not wait. */
		stream_.socket().non_blocking(true, ec);
	}

	awaitable<void> run();

	/* Shutdown: an idle connection closes now, a busy one after its response. */
	void		stop_idle()
	{
		if (idle_)
			stream_.socket().cancel();
		else if (on_shutdown_)
			on_shutdown_();
	}

	/* Grace is over: end whatever runs. */
	void		close_now()
	{
		fire_hangup();
		boost::system::error_code ec;
		stream_.socket().close(ec);
	}

	/* Responder */
	awaitable<bool> send(const Reply &reply) override;
	awaitable<bool> begin(const Reply &head, std::optional<std::size_t> content_length) override;
	awaitable<bool> write(const char *data, std::size_t size) override;
	awaitable<bool> end() override;
	void		abort(const std::string &reason) override;
	void		on_shutdown(std::function<void()> ending) override
	{
		on_shutdown_ = std::move(ending);
		if (set_.stopping() && on_shutdown_)
			on_shutdown_();
	}
	void		add_headers(const Headers &headers) override
	{
		extra_headers_.insert(extra_headers_.end(), headers.begin(), headers.end());
	}
	void		arm_hangup(std::function<void()> on_hangup) override;
	void		disarm_hangup() override;
	void		then(awaitable<void> rest) override { rest_.emplace(std::move(rest)); }
	void		limit_unsent() override
	{
		/* TCP_NOTSENT_LOWAT: past it, a write would block (and the kernel wakes it below half). */
		::setsockopt(stream_.socket().native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT,
					 &kMaxUnsentBytes, sizeof(kMaxUnsentBytes));
	}

private:
	awaitable<bool> wait_for_bytes(std::chrono::seconds timeout);
	void		begin_exchange();
	awaitable<void> serve(awaitable<void> &work);
	awaitable<std::optional<Request>> read_request();
	ApiError	head_too_large(const RequestParser &parser) const;
	awaitable<bool> read_failed(const boost::system::error_code &ec);
	Target		take_head(const http::request<http::string_body> &message);
	std::optional<ApiError> head_over_limits(const http::request<http::string_body> &message) const;
	awaitable<bool> read_body(RequestParser &parser);
	Request		make_request(Target target);
	awaitable<void> refuse(const ApiError &error);
	awaitable<void> discard_input();
	void		fill_head(http::response<http::empty_body> &message, const Reply &head);
	void		keep_head(const http::response<http::empty_body> &message);
	template <class Buffers>
	awaitable<bool> put(const Buffers &buffers);
	void		expire_after_sending(std::size_t bytes);
	void		fire_hangup();
	void		log_exchange();

	beast::tcp_stream stream_;
	beast::flat_buffer buffer_;
	SessionSet &set_;
	const HttpLimits &limits_;
	App		   &app_;
	ExchangeLog &log_;
	std::string remote_;

	/* Between requests. */
	net::steady_timer idle_timer_;
	bool		idle_ = false;
	unsigned	idle_generation_ = 0;

	/* The exchange under way. */
	Clock::time_point started_;
	std::string method_ = "-";
	std::string path_ = "-";
	bool		head_ = false;
	unsigned	version_ = 11;
	bool		keep_alive_ = true;
	bool		responded_ = false;
	bool		broken_ = false;	/* the connection cannot carry another response */
	bool		refused_ = false;	/* a request refused unread: linger before closing */
	bool		incomplete_ = false;
	int			status_ = 0;
	std::size_t bytes_ = 0;
	std::string role_;
	Headers		extra_headers_;
	std::optional<http::request<http::string_body>> message_;	/* the request being answered */
	std::string head_bytes_;	/* the response's head, until it goes out with the first bytes of the body (a chunked one's at once) */
	std::optional<awaitable<void>> rest_;	/* what the exchange goes on with after the handler (then()) */
	bool		chunked_ = false;	/* the body goes in chunks (its length was not known) */
	bool		bodiless_ = false;	/* HEAD, 304, 204: write() sends nothing */

	/* The hang-up watch; what ends an endless response at shutdown. */
	std::function<void()> on_hangup_;
	std::function<void()> on_shutdown_;
	bool		watching_ = false;
	unsigned	watch_generation_ = 0;
};

void
SessionSet::stop_idle()
{
	stopping_ = true;
	for (Session *s : sessions_)
		s->stop_idle();
	if (sessions_.empty() && on_drained)
		on_drained();
}

void
SessionSet::close_all()
{
	/* close_now() ends each session's coroutine later, on this loop: iterate a copy. */
	std::vector<Session *> all(sessions_.begin(), sessions_.end());
	for (Session *s : all)
		s->close_now();
}

void
SessionSet::remove(Session *s)
{
	sessions_.erase(s);
	if (open_connections)
		(*open_connections)--;
	if (stopping_ && sessions_.empty() && on_drained)
		on_drained();
}

awaitable<void>
Session::run()
{
	/* In the loop's set for as long as this runs, however it ends: shutdown waits for the set to empty. */
	struct Registered
	{
		SessionSet &set;
		Session    *session;
		Registered(SessionSet &s, Session *self) : set(s), session(self) { set.add(session); }
		~Registered() { set.remove(session); }
	}			registered(set_, this);
	bool		first = true;

	for (;;)
	{
		/*
		 * A pipelined request may already be here; else wait, holding no large
		 * buffer (an idle connection keeps at most a small one, reused).
		 */
		if (buffer_.size() == 0)
		{
			if (buffer_.capacity() > kIdleBufferBytes)
				buffer_.shrink_to_fit();
			auto		timeout = first ? limits_.request_timeout : limits_.keep_alive_timeout;
			if (!co_await wait_for_bytes(timeout))
				break;
		}
		first = false;
		begin_exchange();
		std::optional<Request> request = co_await read_request();
		if (!request)
			break;
		awaitable<void> answer = app_.serve(*request, *this);
		co_await serve(answer);
		/* The request's header fields were views of it: answered, it goes (idle costs nothing, a stream goes on without it). */
		request.reset();
		message_.reset();
		if (rest_)
		{
			awaitable<void> rest = std::move(*rest_);
			rest_.reset();
			co_await serve(rest);
		}
		disarm_hangup();
		log_exchange();
		if (broken_ || !keep_alive_ || set_.stopping())
			break;
	}

	boost::system::error_code ec;
	stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
	if (refused_ && !ec)
		co_await discard_input();
	stream_.socket().close(ec);
}

/* A new exchange: nothing of the last one's is left in what its log line and response read. */
void
Session::begin_exchange()
{
	started_ = Clock::now();
	method_ = path_ = "-";
	head_ = false;
	responded_ = broken_ = incomplete_ = false;
	status_ = 0;
	bytes_ = 0;
	role_.clear();
	extra_headers_.clear();
	on_shutdown_ = nullptr;
}

/*
 * The application answers the request (`work`: the handler, then what it
 * goes on with).  A C++ exception in it is logged and counted, and the
 * client told: a 500 if nothing was sent, else a visibly cut response.
 */
awaitable<void>
Session::serve(awaitable<void> &work)
{
	std::optional<std::string> failure;
	try
	{
		co_await std::move(work);
	}
	catch (const std::exception &e)
	{
		failure = e.what();
		task_failed("request", std::current_exception());
	}
	catch (...)
	{
		failure = "unknown exception";
		task_failed("request", std::current_exception());
	}
	if (failure && responded_)
		abort(*failure);
	else if (!responded_ && !broken_)
		co_await send(error_reply(transport_error(500, "Internal server error",
												  failure.value_or("No response was produced."))));
}

/*
 * After a refusal the client may still be sending what was refused.  Closing
 * with its bytes unread makes the kernel answer with a reset, which can
 * destroy the refusal before the client reads it; so read and drop what comes
 * for a while first (nginx's lingering close), bounded in time and bytes.
 */
awaitable<void>
Session::discard_input()
{
	char		sink[16384];
	std::size_t taken = 0;
	boost::system::error_code ec;
	stream_.expires_after(kLingerTime);
	while (taken < kLingerBytes)
	{
		std::size_t n = co_await stream_.async_read_some(net::buffer(sink),
														   net::redirect_error(use_awaitable, ec));
		if (ec)
			break;
		taken += n;
	}
	stream_.expires_never();
}

awaitable<bool>
Session::wait_for_bytes(std::chrono::seconds timeout)
{
	if (set_.stopping())
		co_return false;
	idle_ = true;
	unsigned	generation = ++idle_generation_;
	idle_timer_.expires_after(timeout);
	idle_timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
		if (!ec && self->idle_ && self->idle_generation_ == generation)
			self->stream_.socket().cancel();
	});
	/*
	 * Read what comes into the small buffer an idle connection keeps, rather
	 * than wait to be told it is readable: a read is tried at once and then
	 * waits on the loop's standing registration, where a wait for
	 * readability would re-register the socket with the kernel each time.
	 */
	boost::system::error_code ec;
	std::size_t room = std::max(buffer_.capacity() - buffer_.size(), kFirstReadBytes);
	std::size_t n = co_await stream_.socket().async_read_some(buffer_.prepare(room),
															  net::redirect_error(use_awaitable, ec));
	buffer_.commit(n);
	idle_ = false;
	idle_timer_.cancel();
	co_return !ec && n > 0 && !set_.stopping();
}

/*
 * One request, read within callboard-request-timeout and the size limits;
 * none when the client went away or the request was refused (then the
 * refusal has been sent).
 */
awaitable<std::optional<Request>>
Session::read_request()
{
	RequestParser parser;
	/* The head's size as a whole; which part is too large is told apart below. */
	parser.header_limit(static_cast<std::uint32_t>(limits_.max_uri_bytes + limits_.max_header_bytes + 1024));
	parser.body_limit(limits_.max_body_bytes);
	boost::system::error_code ec;

	/* The whole request, not each read, must arrive in time. */
	stream_.expires_after(limits_.request_timeout);
	co_await http::async_read_header(stream_, buffer_, parser, net::redirect_error(use_awaitable, ec));
	if (ec == http::error::header_limit)
	{
		co_await refuse(head_too_large(parser));
		co_return std::nullopt;
	}
	if (co_await read_failed(ec))
		co_return std::nullopt;

	Target		target = take_head(parser.get());
	if (std::optional<ApiError> error = head_over_limits(parser.get()))
	{
		co_await refuse(*error);
		co_return std::nullopt;
	}
	if (!parser.is_done() && !co_await read_body(parser))
		co_return std::nullopt;
	stream_.expires_never();

	/* Kept while the request is served: its header fields are views of it. */
	message_ = parser.release();
	co_return make_request(std::move(target));
}

/*
 * The head outgrew the parser's limit.  Once the request line is whole the
 * parser has taken it (and its target) out of the buffer: the fields are too
 * large.  Before, the buffer still starts with the line, and tells which one is.
 */
ApiError
Session::head_too_large(const RequestParser &parser) const
{
	auto		data = buffer_.data();
	if (parser.get().target().empty() &&
		request_line_too_long(static_cast<const char *>(data.data()), data.size(), limits_.max_uri_bytes))
		return transport_error(414, "Request URI too long");
	return transport_error(431, "Request header fields too large");
}

/*
 * After a read of the head or the body: false when it went well.  A client
 * gone or too slow is let go quietly; anything else is refused with the reason.
 */
awaitable<bool>
Session::read_failed(const boost::system::error_code &ec)
{
	if (!ec)
		co_return false;
	if (ec == http::error::body_limit)
		co_await refuse(transport_error(413, "Request body too large",
										"The limit is " + std::to_string(limits_.max_body_bytes) + " bytes."));
	else if (ec != http::error::end_of_stream && ec != beast::error::timeout && ec != net::error::eof &&
			 ec != net::error::operation_aborted && ec != net::error::connection_reset)
		co_await refuse(transport_error(400, "Malformed request", ec.message()));
	co_return true;
}

/* What the exchange's log line and response need of the head; the target, parsed. */
Target
Session::take_head(const http::request<http::string_body> &message)
{
	method_ = std::string(message.method_string());
	version_ = message.version();
	keep_alive_ = message.keep_alive();
	head_ = message.method() == http::verb::head;
	Target		target = parse_target(message.target());
	path_ = target.path;
	return target;
}

/* The target and the header fields within callboard-max-uri-bytes, -max-headers and -max-header-bytes. */
std::optional<ApiError>
Session::head_over_limits(const http::request<http::string_body> &message) const
{
	std::size_t count = 0;
	std::size_t header_bytes = 0;
	for (const auto &field : message)
	{
		count++;
		header_bytes += field.name_string().size() + field.value().size() + 4;
	}
	if (message.target().size() > limits_.max_uri_bytes)
		return transport_error(414, "Request URI too long");
	if (count > limits_.max_headers || header_bytes > limits_.max_header_bytes)
		return transport_error(431, "Request header fields too large",
							   "At most " + std::to_string(limits_.max_headers) + " fields of " +
							   std::to_string(limits_.max_header_bytes) + " bytes in all.");
	return std::nullopt;
}

/* The body, after a 100 Continue if the client waits for one; false if it did not come whole. */
awaitable<bool>
Session::read_body(RequestParser &parser)
{
	boost::system::error_code ec;
	auto		expect = parser.get().find(http::field::expect);
	if (expect != parser.get().end() && beast::iequals(expect->value(), "100-continue"))
	{
		http::response<http::empty_body> proceed{http::status::continue_, version_};
		co_await http::async_write(stream_, proceed, net::redirect_error(use_awaitable, ec));
		if (ec)
			co_return false;
	}
	co_await http::async_read(stream_, buffer_, parser, net::redirect_error(use_awaitable, ec));
	co_return !co_await read_failed(ec);
}

/* The request as the application sees it: plain data, its fields views of message_. */
Request
Session::make_request(Target target)
{
	const auto &kept = *message_;
	Request		request;
	request.method = method_;
	request.path = std::move(target.path);
	request.params = std::move(target.params);
	request.authorization = header(kept, http::field::authorization);
	request.origin = header(kept, http::field::origin);
	request.accept = header(kept, http::field::accept).value_or("");
	request.accept_encoding = header(kept, http::field::accept_encoding).value_or("");
	request.if_none_match = header(kept, http::field::if_none_match).value_or("");
	request.last_event_id = header(kept, "Last-Event-ID").value_or("");
	request.head = head_;
	request.access_control_request_method = header(kept, http::field::access_control_request_method);
	request.access_control_request_headers =
		header(kept, http::field::access_control_request_headers).value_or("");
	for (const auto &field : kept)
		request.header_fields.emplace_back(field.name_string(), field.value());
	request.body = std::move(message_->body());
	request.remote = remote_;
	return request;
}

/* A request refused before the application saw it: the error, then the connection closes. */
awaitable<void>
Session::refuse(const ApiError &error)
{
	keep_alive_ = false;
	refused_ = true;
	co_await send(error_reply(error));
	log_exchange();
}

void
Session::fill_head(http::response<http::empty_body> &message, const Reply &head)
{
	message.result(static_cast<unsigned>(head.status));
	message.set(http::field::server, "callboard-gateway");
	message.set(http::field::content_type, head.content_type);
	for (const auto &h : head.headers)
		message.insert(h.first, h.second);
	for (const auto &h : extra_headers_)
		message.insert(h.first, h.second);
	message.keep_alive(keep_alive_ && !set_.stopping());
	status_ = head.status;
	role_ = head.role;
	responded_ = true;
}

/*
 * The head, serialized by Beast into head_bytes_ (reused from one exchange
 * to the next): it goes out with the first bytes of the body, in one write.
 */
void
Session::keep_head(const http::response<http::empty_body> &message)
{
	http::response_serializer<http::empty_body> serializer(message);
	serializer.split(true);
	boost::system::error_code ec;
	head_bytes_.clear();
	while (!ec && !serializer.is_header_done())
		serializer.next(ec, [&](boost::system::error_code &, const auto &buffers) {
			for (net::const_buffer b : beast::buffers_range_ref(buffers))
				head_bytes_.append(static_cast<const char *>(b.data()), b.size());
			serializer.consume(beast::buffer_bytes(buffers));
		});
}

void
Session::expire_after_sending(std::size_t bytes)
{
	/* A reader slower than the minimum rate is cut off (with some slack for a pause). */
	auto		allowed = limits_.request_timeout +
		std::chrono::seconds(limits_.min_send_rate ? bytes / limits_.min_send_rate : 0);
	stream_.expires_after(allowed);
}

/*
 * `buffers` to the client.  Most often the kernel takes them all at once (an
 * event, a head, a document that fits the socket's buffer): then one
 * gather write, with no timer, no operation queued and no wait.  What it
 * did not take is written asynchronously within the minimum send rate.
 * The hang-up watch stays armed meanwhile: a write and a wait for bytes to
 * read do not interfere.
 */
template <class Buffers>
awaitable<bool>
Session::put(const Buffers &buffers)
{
	std::size_t total = beast::buffer_bytes(buffers);
	boost::system::error_code ec;
	std::size_t taken = stream_.socket().write_some(buffers, ec);
	if (ec == net::error::would_block || ec == net::error::try_again)
	{
		ec = {};
		taken = 0;
	}
	if (!ec && taken < total)
	{
		beast::buffers_suffix<Buffers> rest(buffers);
		rest.consume(taken);
		expire_after_sending(total - taken);
		co_await net::async_write(stream_, rest, net::redirect_error(use_awaitable, ec));
		stream_.expires_never();
	}
	head_bytes_.clear();
	if (chunked_)
		head_bytes_.shrink_to_fit();	/* an endless response keeps nothing it does not need */
	if (ec)
	{
		broken_ = incomplete_ = true;
		co_return false;
	}
	co_return true;
}

/* A whole reply: its head and body in one write. */
awaitable<bool>
Session::send(const Reply &reply)
{
	disarm_hangup();
	bool		ok = co_await begin(reply, reply.body.size());
	if (ok)
		ok = co_await write(reply.body.data(), reply.body.size());
	if (ok)
		ok = co_await end();
	co_return ok;
}

awaitable<bool>
Session::begin(const Reply &head, std::optional<std::size_t> content_length)
{
	if (broken_)
		co_return false;
	http::response<http::empty_body> message{http::status::ok, version_};
	fill_head(message, head);
	/* A 304 or 204 has no body, and says nothing of its length (RFC 9110 8.6); a HEAD's is not sent. */
	bool		no_content = head.status == 304 || head.status == 204;
	bodiless_ = head_ || no_content;
	chunked_ = !content_length && !no_content;
	if (content_length && !no_content)
		message.content_length(*content_length);
	else if (chunked_)
	{
		message.chunked(true);
		/* A response without a known end may last for hours (an event stream): it keeps no read buffer. */
		if (buffer_.size() == 0)
			buffer_.shrink_to_fit();
	}
	keep_head(message);
	/* The head of an endless response goes at once: the client learns it is on. */
	if (chunked_)
	{
		net::const_buffer whole_head(head_bytes_.data(), head_bytes_.size());
		bool		ok = co_await put(whole_head);
		co_return ok;
	}
	co_return true;
}

awaitable<bool>
Session::write(const char *data, std::size_t size)
{
	if (broken_)
		co_return false;
	if (bodiless_ || size == 0)
		co_return true;
	net::const_buffer head(head_bytes_.data(), head_bytes_.size());
	net::const_buffer body(data, size);
	/* Named first: GCC 12 and temporaries in co_await-ed calls (core/asio.hpp). */
	bool		ok;
	if (chunked_)
	{
		auto		chunk = beast::buffers_cat(head, http::make_chunk(body));
		ok = co_await put(chunk);
	}
	else
	{
		std::array<net::const_buffer, 2> whole{head, body};
		ok = co_await put(whole);
	}
	if (ok)
		bytes_ += size;
	co_return ok;
}

awaitable<bool>
Session::end()
{
	if (broken_)
		co_return false;
	net::const_buffer head(head_bytes_.data(), head_bytes_.size());
	bool		ok = true;
	if (chunked_ && !bodiless_)
	{
		auto		last = beast::buffers_cat(head, http::make_chunk_last());
		ok = co_await put(last);
	}
	else if (head.size() > 0)
		ok = co_await put(head);
	co_return ok;
}

void
Session::abort(const std::string &reason)
{
	broken_ = incomplete_ = true;
	/* Nothing sent: logged as nginx logs a client that left first. */
	if (!responded_)
		status_ = 499;
	head_bytes_.clear();
	boost::system::error_code ec;
	stream_.socket().close(ec);
	log_event("response to " + method_ + " " + path_ + " cut short: " + reason);
}

void
Session::arm_hangup(std::function<void()> on_hangup)
{
	on_hangup_ = std::move(on_hangup);
	/* Bytes of a pipelined request are already here: a hang-up cannot be told from them. */
	if (buffer_.size() > 0 || broken_)
		return;
	watching_ = true;
	unsigned	generation = ++watch_generation_;
	stream_.socket().async_wait(tcp::socket::wait_read,
		[self = shared_from_this(), generation](boost::system::error_code ec) {
			if (ec || !self->watching_ || self->watch_generation_ != generation)
				return;
			char		byte;
			ssize_t		n = ::recv(self->stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
			if (n > 0)
			{
				self->watching_ = false;	/* the next request: it waits its turn */
				return;
			}
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			{
				self->arm_hangup(std::move(self->on_hangup_));
				return;
			}
			self->broken_ = true;
			self->fire_hangup();
		});
}

void
Session::disarm_hangup()
{
	on_hangup_ = nullptr;
	if (!watching_)
		return;
	watching_ = false;
	++watch_generation_;
	boost::system::error_code ec;
	stream_.socket().cancel(ec);
}

void
Session::fire_hangup()
{
	watching_ = false;
	++watch_generation_;
	if (auto f = std::move(on_hangup_))
	{
		on_hangup_ = nullptr;
		f();
	}
}

void
Session::log_exchange()
{
	auto		elapsed = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
	log_.exchange(AccessRecord{remote_, method_, path_, status_, bytes_, elapsed, role_, incomplete_});
}

void
start_session(tcp::socket socket, SessionSet &set, const HttpLimits &limits, App &app, ExchangeLog &log)
{
	Executor	loop = socket.get_executor();
	auto		session = std::make_shared<Session>(std::move(socket), set, limits, app, log);
	/* The function object, and the session it holds, live until run() ends. */
	spawn(loop, [session] { return session->run(); }, "session");
}

}								/* namespace gateway */
