/*
 * sse_clients.cpp
 *		Many HTTP clients on one event loop, for bench/live.py and
 *		bench/throughput.py: N event-stream subscribers that note when each
 *		event ends, or N keep-alive connections that make one request each
 *		and then stay idle.
 *
 *   sse_clients HOST PORT PATH N TOKENS [--idle] [--rate PER_SECOND]
 *               [--gzip] [--inflate-every K] [--slow PERCENT] [--slow-rate BYTES_PER_S]
 *               [--sources K]
 *
 * TOKENS is a file of bearer tokens, one a line; connection i sends token
 * i % count.  Default mode: GET PATH with Accept: text/event-stream; the
 * body (chunked) is read as it comes and every event's end ("\n\n") is
 * stamped with CLOCK_REALTIME; comments (": keep-alive") are skipped.
 * --idle: one plain GET per connection, the response read whole, then the
 * connection is left open and idle (a close by the server is counted).
 * Connections open at --rate a second (default 2000).
 *
 * --gzip: Accept-Encoding: gzip, as a browser's EventSource sends.  A
 * gzip-coded stream is inflated (zlib) by every K-th connection (default
 * every one), which parses its events as above; the others stamp an event
 * at the end of each chunk of 64 bytes or more that ends in a sync flush
 * (00 00 ff ff): the gateway writes each event as one such chunk.  Inflating
 * 10,000 streams of a large document costs this client more than the
 * gateway's sending them.
 *
 * --slow P: the first P percent of connections (spread evenly: every
 * (100/P)-th) are slow readers: SO_RCVBUF 4 kB, read at most
 * --slow-rate bytes a second (default 2048) in 256-byte reads, every
 * 125 ms.  Their events are stamped like the others' but reported as "S"
 * in dump (and counted in stats as slow_events).
 *
 * --sources K: connection i comes from 127.0.0.(2 + i mod K); one source
 * address has only about 28,000 ports towards the gateway's one address
 * and port (the local port range), so 50,000 connections need two.
 *
 * Commands, one a line on stdin; each answer ends with a line "END":
 *   stats   connected=C responded=R ready=Y closed=X events=E slow_events=S errors=F failed=Z
 *           (responded: status line and headers received; ready: a first
 *           event received, or with --idle the whole response; ready and
 *           events leave the slow readers out)
 *   dump    the events since the last dump, one a line:
 *           E <connection> <unix time in ns> <event id>   (or ERR ... for "event: error")
 *   quit    close everything and exit
 *
 * Build: g++ -std=c++20 -O2 -pthread -o sse_clients sse_clients.cpp -lz
 */
#include <utility>

#include <boost/asio.hpp>

#include <zlib.h>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct Event
{
	std::uint32_t conn;
	char		kind;			/* E, S (a slow reader's) or R (an error event) */
	bool		error;
	std::int64_t ns;
	std::string id;
};

struct Totals
{
	int			connected = 0;
	int			responded = 0;
	int			ready = 0;
	int			closed = 0;
	int			failed = 0;
	long		events = 0;
	long		slow_events = 0;
	long		errors = 0;
};

std::int64_t
realtime_ns()
{
	timespec	ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

Totals		totals;
std::vector<Event> events;
bool		idle_mode = false;
bool		gzip_mode = false;
int			inflate_every = 1;
int			sources = 0;		/* --sources K: connections spread over 127.0.0.2 .. 127.0.0.(K+1) (0: any) */
int			slow_every = 0;		/* every slow_every-th connection is slow (0: none) */
double		slow_rate = 2048;
char		shared_buffer[256 * 1024];	/* every read lands here: one loop, read then parse */

class Conn : public std::enable_shared_from_this<Conn>
{
public:
	Conn(net::io_context &io, std::uint32_t index, std::string request)
		: socket_(io), pacer_(io), index_(index), request_(std::move(request)),
		  slow_(slow_every > 0 && index % slow_every == 0) {}

	~Conn()
	{
		if (inflating_)
			inflateEnd(&z_);
	}

	void		start(const tcp::endpoint &endpoint)
	{
		auto		self = shared_from_this();
		if (slow_)
		{
			/* A small receive window, set before the handshake so it is the one advertised. */
			socket_.open(endpoint.protocol());
			socket_.set_option(net::socket_base::receive_buffer_size(4096));
		}
		if (sources > 0)
		{
			/*
			 * From 127.0.0.2, .3, ...: one source address has about 28,000
			 * ports towards one destination.  The port is chosen at connect()
			 * (IP_BIND_ADDRESS_NO_PORT), per address and destination.
			 */
			if (!socket_.is_open())
				socket_.open(endpoint.protocol());
			int			one = 1;
			::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
			net::ip::address_v4 source(0x7f000002u + index_ % static_cast<std::uint32_t>(sources));
			socket_.bind(tcp::endpoint(source, 0));
		}
		socket_.async_connect(endpoint, [self](boost::system::error_code ec) {
			if (ec)
			{
				totals.failed++;
				return;
			}
			totals.connected++;
			self->socket_.set_option(tcp::no_delay(true));
			self->socket_.non_blocking(true);
			net::async_write(self->socket_, net::buffer(self->request_),
							 [self](boost::system::error_code ec, std::size_t) {
								 if (ec)
								 {
									 self->lost();
									 return;
								 }
								 std::string().swap(self->request_);
								 self->wait();
							 });
		});
	}

	void		close()
	{
		boost::system::error_code ec;
		socket_.close(ec);
	}

private:
	enum class State { head, size_line, data, data_crlf, plain, done };

	void		wait()
	{
		auto		self = shared_from_this();
		if (slow_)
			return read_slowly();
		socket_.async_wait(tcp::socket::wait_read, [self](boost::system::error_code ec) {
			if (ec)
				return self->lost();
			for (;;)
			{
				std::size_t n = self->socket_.read_some(net::buffer(shared_buffer), ec);
				if (ec == net::error::would_block || ec == net::error::try_again)
					break;
				if (ec)
					return self->lost();
				self->parse(shared_buffer, shared_buffer + n);
				if (n < sizeof(shared_buffer))
					break;
			}
			self->wait();
		});
	}

	/* --slow: 256 bytes every 125 ms (2 kB/s by default). */
	void		read_slowly()
	{
		auto		self = shared_from_this();
		pacer_.expires_after(std::chrono::microseconds(static_cast<long>(256 * 1e6 / slow_rate)));
		pacer_.async_wait([self](boost::system::error_code ec) {
			if (ec || self->gone_)
				return;
			char		small[256];
			std::size_t n = self->socket_.read_some(net::buffer(small), ec);
			if (ec && ec != net::error::would_block && ec != net::error::try_again)
				return self->lost();
			if (!ec)
				self->parse(small, small + n);
			self->read_slowly();
		});
	}

	void		lost()
	{
		if (!gone_)
		{
			gone_ = true;
			totals.closed++;
		}
	}

	void		parse(const char *p, const char *e)
	{
		while (p < e)
		{
			switch (state_)
			{
				case State::head:
				{
					/* Headers: kept until the blank line (they are small). */
					head_.append(p, e);
					p = e;
					auto		end = head_.find("\r\n\r\n");
					if (end == std::string::npos)
						break;
					std::string rest = head_.substr(end + 4);
					head_.resize(end + 2);
					headers_done();
					std::string().swap(head_);
					if (!rest.empty())
						parse(rest.data(), rest.data() + rest.size());
					return;
				}
				case State::size_line:
				{
					const char *nl = static_cast<const char *>(std::memchr(p, '\n', e - p));
					const char *stop = nl ? nl : e;
					line_.append(p, stop);
					if (!nl)
					{
						p = e;
						break;
					}
					p = nl + 1;
					remaining_ = std::strtoull(line_.c_str(), nullptr, 16);
					chunk_size_ = remaining_;
					line_.clear();
					if (remaining_ == 0)
					{
						state_ = State::done;
						response_done();
						return;
					}
					state_ = State::data;
					break;
				}
				case State::data:
				case State::plain:
				{
					std::size_t n = std::min<std::size_t>(remaining_, e - p);
					coded(p, p + n);
					p += n;
					remaining_ -= n;
					if (remaining_ == 0)
					{
						if (state_ == State::plain)
						{
							state_ = State::done;
							response_done();
							return;
						}
						chunk_end();
						state_ = State::data_crlf;
						crlf_ = 2;
					}
					break;
				}
				case State::data_crlf:
					while (p < e && crlf_ > 0)
					{
						p++;
						crlf_--;
					}
					if (crlf_ == 0)
						state_ = State::size_line;
					break;
				case State::done:
					return;		/* nothing more is expected on this connection */
			}
		}
	}

	void		headers_done()
	{
		totals.responded++;
		status_ = std::atoi(head_.c_str() + 9);
		std::string lower = head_;
		for (char &c : lower)
			c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
		if (lower.find("\r\ncontent-encoding: gzip\r\n") != std::string::npos)
		{
			gzip_ = true;
			if (index_ % inflate_every == 0)
			{
				inflating_ = inflateInit2(&z_, 15 + 16) == Z_OK;
				if (!inflating_)
					std::abort();
			}
		}
		if (lower.find("\r\ntransfer-encoding: chunked\r\n") != std::string::npos)
			state_ = State::size_line;
		else
		{
			auto		cl = lower.find("\r\ncontent-length:");
			remaining_ = cl == std::string::npos ? 0 : std::strtoull(lower.c_str() + cl + 17, nullptr, 10);
			state_ = State::plain;
			if (remaining_ == 0)
			{
				state_ = State::done;
				response_done();
			}
		}
		if (status_ != 200)
		{
			totals.errors++;
			events.push_back({index_, 'R', true, realtime_ns(), "HTTP " + std::to_string(status_)});
		}
	}

	void		response_done()
	{
		if (idle_mode && status_ == 200)
			totals.ready++;
	}

	/* Body bytes as sent: inflated first if gzip-coded (or only their chunks' ends watched). */
	void		coded(const char *p, const char *e)
	{
		if (!gzip_)
			return body(p, e);
		if (!inflating_)
		{
			/* The last 4 bytes of the chunk so far. */
			for (; p < e; p++)
				tail_ = (tail_ << 8) | static_cast<unsigned char>(*p);
			return;
		}
		static char out[64 * 1024];
		z_.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(p));
		z_.avail_in = static_cast<uInt>(e - p);
		while (z_.avail_in > 0)
		{
			z_.next_out = reinterpret_cast<Bytef *>(out);
			z_.avail_out = sizeof(out);
			int			rc = inflate(&z_, Z_SYNC_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			{
				totals.errors++;
				events.push_back({index_, 'R', true, realtime_ns(), "inflate failed"});
				return;
			}
			body(out, out + (sizeof(out) - z_.avail_out));
			if (rc == Z_STREAM_END || (rc == Z_BUF_ERROR && z_.avail_out == sizeof(out)))
				break;
		}
	}

	void		chunk_end()
	{
		if (gzip_ && !inflating_ && !idle_mode && chunk_size_ >= 64 && tail_ == 0x0000ffffU)
		{
			event_head_ = "data";	/* an event, not a comment */
			event_end();
		}
		event_head_.clear();
		tail_ = 0;
	}

	/* Event-stream bytes: an event ends at a blank line. */
	void		body(const char *p, const char *e)
	{
		if (idle_mode)
			return;
		while (p < e)
		{
			const char *nl = static_cast<const char *>(std::memchr(p, '\n', e - p));
			const char *stop = nl ? nl + 1 : e;
			if (event_head_.size() < 64)
				event_head_.append(p, std::min<std::size_t>(64 - event_head_.size(), stop - p));
			if (!nl)
			{
				last_nl_ = false;
				return;
			}
			bool		end = nl == p ? last_nl_ : nl[-1] == '\n';
			last_nl_ = true;
			p = nl + 1;
			if (end)
			{
				event_end();
				event_head_.clear();
				last_nl_ = false;
			}
		}
	}

	void		event_end()
	{
		if (event_head_.empty() || event_head_[0] == ':')
			return;				/* a comment */
		std::int64_t now = realtime_ns();
		bool		error = event_head_.rfind("event: error", 0) == 0;
		std::string id;
		if (event_head_.rfind("id:", 0) == 0)
		{
			auto		nl = event_head_.find('\n');
			id = event_head_.substr(3, nl == std::string::npos ? std::string::npos : nl - 3);
			while (!id.empty() && id[0] == ' ')
				id.erase(0, 1);
		}
		if (error)
			totals.errors++;
		else if (slow_)
			totals.slow_events++;
		else
			totals.events++;
		if (!got_event_ && !slow_)
		{
			got_event_ = true;
			totals.ready++;		/* slow readers are not waited for */
		}
		events.push_back({index_, error ? 'R' : slow_ ? 'S' : 'E', error, now, id});
	}

	tcp::socket socket_;
	net::steady_timer pacer_;
	std::uint32_t index_;
	std::string request_;
	std::string head_;
	std::string line_;
	std::string event_head_;
	State		state_ = State::head;
	unsigned long long remaining_ = 0;
	int			crlf_ = 0;
	int			status_ = 0;
	bool		last_nl_ = false;
	bool		got_event_ = false;
	bool		gone_ = false;
	bool		slow_;
	bool		gzip_ = false;
	bool		inflating_ = false;
	z_stream	z_{};
	unsigned long long chunk_size_ = 0;
	std::uint32_t tail_ = 0;
};

void
raise_fd_limit()
{
	rlimit		limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
	{
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

}								/* namespace */

int
main(int argc, char **argv)
{
	if (argc < 6)
	{
		std::fprintf(stderr, "usage: %s HOST PORT PATH N TOKENS [--idle] [--rate PER_SECOND]\n", argv[0]);
		return 2;
	}
	std::string host = argv[1];
	unsigned short port = static_cast<unsigned short>(std::atoi(argv[2]));
	std::string path = argv[3];
	int			n = std::atoi(argv[4]);
	std::vector<std::string> tokens;
	{
		std::ifstream in(argv[5]);
		for (std::string line; std::getline(in, line);)
			if (!line.empty())
				tokens.push_back(line);
	}
	double		rate = 2000;
	for (int i = 6; i < argc; i++)
	{
		if (std::strcmp(argv[i], "--idle") == 0)
			idle_mode = true;
		else if (std::strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
			rate = std::atof(argv[++i]);
		else if (std::strcmp(argv[i], "--gzip") == 0)
			gzip_mode = true;
		else if (std::strcmp(argv[i], "--inflate-every") == 0 && i + 1 < argc)
			inflate_every = std::max(1, std::atoi(argv[++i]));
		else if (std::strcmp(argv[i], "--slow") == 0 && i + 1 < argc)
		{
			double		percent = std::atof(argv[++i]);
			slow_every = percent > 0 ? std::max(1, static_cast<int>(100 / percent + 0.5)) : 0;
		}
		else if (std::strcmp(argv[i], "--sources") == 0 && i + 1 < argc)
			sources = std::max(0, std::atoi(argv[++i]));
		else if (std::strcmp(argv[i], "--slow-rate") == 0 && i + 1 < argc)
			slow_rate = std::atof(argv[++i]);
	}
	if (tokens.empty())
		tokens.push_back("");
	raise_fd_limit();
	static char out_buffer[1 << 20];
	std::setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));

	net::io_context io(1);
	tcp::endpoint endpoint(net::ip::make_address(host), port);
	std::vector<std::shared_ptr<Conn>> conns;
	conns.reserve(n);
	for (int i = 0; i < n; i++)
	{
		std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
		if (!tokens[i % tokens.size()].empty())
			request += "Authorization: Bearer " + tokens[i % tokens.size()] + "\r\n";
		if (!idle_mode)
			request += "Accept: text/event-stream\r\n";
		if (gzip_mode)
			request += "Accept-Encoding: gzip\r\n";
		request += "\r\n";
		conns.push_back(std::make_shared<Conn>(io, static_cast<std::uint32_t>(i), std::move(request)));
	}

	/* Open them at `rate` a second, in batches every millisecond. */
	net::steady_timer pacer(io);
	int			started = 0;
	auto		began = std::chrono::steady_clock::now();
	std::function<void()> pace = [&]() {
		double		elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
		int			due = std::min(n, static_cast<int>(elapsed * rate) + 1);
		for (; started < due; started++)
			conns[started]->start(endpoint);
		if (started < n)
		{
			pacer.expires_after(std::chrono::milliseconds(1));
			pacer.async_wait([&](boost::system::error_code) { pace(); });
		}
	};
	pace();

	net::posix::stream_descriptor input(io, ::dup(0));
	net::streambuf commands;
	std::function<void()> read_command = [&]() {
		net::async_read_until(input, commands, '\n', [&](boost::system::error_code ec, std::size_t) {
			if (ec)
			{
				io.stop();
				return;
			}
			std::istream is(&commands);
			std::string command;
			std::getline(is, command);
			if (command == "stats")
				std::printf("connected=%d responded=%d ready=%d closed=%d events=%ld slow_events=%ld errors=%ld "
							"failed=%d\n", totals.connected, totals.responded, totals.ready, totals.closed,
							totals.events, totals.slow_events, totals.errors, totals.failed);
			else if (command == "dump")
			{
				for (const Event &ev : events)
					std::printf("%s %u %lld %s\n", ev.error ? "ERR" : ev.kind == 'S' ? "S" : "E", ev.conn,
								static_cast<long long>(ev.ns), ev.id.c_str());
				events.clear();
			}
			else if (command == "quit")
			{
				for (auto &c : conns)
					c->close();
				std::printf("END\n");
				std::fflush(stdout);
				io.stop();
				return;
			}
			std::printf("END\n");
			std::fflush(stdout);
			read_command();
		});
	};
	read_command();
	io.run();
	return 0;
}
