// Every JSON writer stays inside the room its own MaxLen reserves and writes
// exactly what Length counts: for generated worst-case calls (escapes,
// multi-byte text, NULLs, timestamps at and past the edges, extreme
// integers) and for every frame of every document.  This is what keeps
// OutputBuffer's reservations honest; its commit() checks the same at run
// time.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "call_json.hpp"
#include "json_output.hpp"

using callboard::CallFields;
using callboard::TextField;
using callboard::TimestampField;

namespace {

// Never written by a writer here: generated text avoids it (0xFF is never
// part of UTF-8).
constexpr char kGuardByte = '\xff';
constexpr std::size_t kGuardLen = 64;

// Writes through Raw, but checks before each primitive that what it will
// write fits in [begin, end); a primitive that would not fit is skipped.
struct Bounded
{
	callboard::Raw out;
	const char *end;
	bool overran = false;

	bool
	fits(std::size_t n)
	{
		if (out.p + n > end)
			overran = true;
		return !overran;
	}

	template <std::size_t N>
	void literal(const char (&text)[N]) { if (fits(N - 1)) out.literal(text); }
	void raw(const char *s, std::size_t n) { if (fits(n)) out.raw(s, n); }
	void string(const char *s, std::size_t n) { if (fits(callboard::json_string_len(s, n))) out.string(s, n); }
	void uuid(const unsigned char *b) { if (fits(callboard::kUuidJsonLen)) out.uuid(b); }

	bool
	timestamp(std::int64_t usecs)
	{
		std::size_t n = callboard::json_timestamp_len(usecs);
		if (n == 0)
			return false;
		return fits(n) ? out.timestamp(usecs) : true;
	}

	void int64(std::int64_t v) { if (fits(callboard::json_int_len(v))) out.int64(v); }
};

// The piece, written into exactly its MaxLen of room followed by guard
// bytes, ends within the room, leaves the guard alone, writes what Length
// counts, and never oversteps under Bounded.
template <typename Piece>
::testing::AssertionResult
fits_its_reservation(const Piece &piece)
{
	const std::size_t bound = callboard::max_len(piece);
	bool length_ok;
	const std::size_t exact = callboard::exact_len(piece, &length_ok);

	std::vector<char> room(bound + kGuardLen, kGuardByte);
	callboard::Raw raw{room.data()};
	const bool raw_ok = callboard::run_piece(piece, raw);
	const std::size_t written = raw.p - room.data();

	if (written > bound)
		return ::testing::AssertionFailure() << "wrote " << written << " bytes, MaxLen reserved " << bound;
	for (std::size_t i = bound; i < room.size(); i++)
		if (room[i] != kGuardByte)
			return ::testing::AssertionFailure() << "changed guard byte " << i - bound << " past MaxLen " << bound;
	if (raw_ok != length_ok)
		return ::testing::AssertionFailure() << "Raw and Length disagree on failure";
	if (raw_ok && written != exact)
		return ::testing::AssertionFailure() << "wrote " << written << " bytes, Length counted " << exact;

	std::vector<char> checked(bound);
	Bounded bounded{{checked.data()}, checked.data() + checked.size()};
	callboard::run_piece(piece, bounded);
	if (bounded.overran)
		return ::testing::AssertionFailure() << "a primitive went past MaxLen " << bound;
	return ::testing::AssertionSuccess();
}

// TimestampTz of 0001-01-01T00:00:00 and of 10000-01-01T00:00:00, UTC.
constexpr std::int64_t kFirstPythonUsecs = INT64_C(-63082281600000000);
constexpr std::int64_t kPastPythonUsecs = INT64_C(252455616000000000);

class CallGenerator
{
public:
	explicit CallGenerator(std::uint64_t seed) : rng_(seed) {}

	CallFields
	next()
	{
		texts_.clear();
		texts_.reserve(5);		// TextFields point into these strings
		CallFields call;
		call.call_id = maybe_uuid(id_);
		call.call_sid = text();
		call.to_number = text();
		call.customer_name = text();
		call.status = text();
		call.agent_id = maybe_uuid(agent_);
		call.agent_name = text();
		call.created_at = timestamp();
		call.started_at = timestamp();
		call.duration_isnull = pick(6) == 0;
		call.duration = integer();
		return call;
	}

private:
	std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

	const unsigned char *
	maybe_uuid(unsigned char (&bytes)[16])
	{
		if (pick(5) == 0)
			return nullptr;
		for (unsigned char &b : bytes)
			b = static_cast<unsigned char>(pick(256));
		return bytes;
	}

	TextField
	text()
	{
		static const char *const pieces[] = {
			"\x01", "\x1f", "\n", "\t", "\b", "\f", "\r", "\"", "\\", "/", "a", " ", "\x7f",
			"\xc3\xa9", "\xe6\xbc\xa2", "\xf0\x9f\x98\x80",		// é 漢 😀
		};
		switch (pick(8))
		{
			case 0:
				return {nullptr, 0};
			case 1:
				texts_.emplace_back();
				break;
			case 2:				// the worst case: every byte becomes \u00XX
				texts_.emplace_back(pick(3000), static_cast<char>(1 + pick(0x1f)));
				break;
			default:
			{
				std::string s;
				for (std::size_t n = pick(300); n > 0; n--)
					s += pieces[pick(sizeof(pieces) / sizeof(pieces[0]))];
				texts_.push_back(s);
			}
		}
		return {texts_.back().data(), texts_.back().size()};
	}

	TimestampField
	timestamp()
	{
		static const std::int64_t edges[] = {
			kFirstPythonUsecs, kFirstPythonUsecs + 1, kPastPythonUsecs - 1, kPastPythonUsecs - 1000000,
			-1, 0, 1, kFirstPythonUsecs - 1, kPastPythonUsecs, INT64_MIN, INT64_MAX,
		};
		switch (pick(4))
		{
			case 0:
				return {true, 0};
			case 1:
				return {false, edges[pick(sizeof(edges) / sizeof(edges[0]))]};
			default:
				return {false, std::uniform_int_distribution<std::int64_t>(kFirstPythonUsecs,
																		   kPastPythonUsecs - 1)(rng_)};
		}
	}

	std::int64_t
	integer()
	{
		static const std::int64_t edges[] = {0, -1, 9, 10, INT64_MIN, INT64_MAX, INT64_MIN + 1};
		if (pick(2) == 0)
			return edges[pick(sizeof(edges) / sizeof(edges[0]))];
		return std::uniform_int_distribution<std::int64_t>(INT64_MIN, INT64_MAX)(rng_);
	}

	std::mt19937_64 rng_;
	std::vector<std::string> texts_;
	unsigned char id_[16];
	unsigned char agent_[16];
};

}  // namespace

TEST(WriterBounds, GeneratedCalls)
{
	CallGenerator generator(20251129);
	int failed_timestamps = 0;
	for (int i = 0; i < 20000; i++)
	{
		CallFields call = generator.next();
		const char *bad = nullptr;
		auto piece = [&](auto &out) { return callboard::write_call(out, call, &bad); };
		ASSERT_TRUE(fits_its_reservation(piece)) << "call " << i;
		callboard::Length length;
		if (!callboard::run_piece(piece, length))
			failed_timestamps++;
	}
	// The generator does reach the failure path, and mostly writes calls.
	EXPECT_GT(failed_timestamps, 100);
	EXPECT_LT(failed_timestamps, 10000);
}

TEST(WriterBounds, RowPiecesAsTheReceiverWritesThem)
{
	CallGenerator generator(7);
	for (int open = -1; open < callboard::kCategoryCount; open++)
		for (int category = open < 0 ? 0 : open; category < callboard::kCategoryCount; category++)
		{
			CallFields call = generator.next();
			const char *bad = nullptr;
			EXPECT_TRUE(fits_its_reservation([&](auto &out) {
				if (category != open)
					callboard::write_advance_to_category(out, open, category);
				else
					callboard::write_call_separator(out);
				return callboard::write_call(out, call, &bad);
			})) << open << " -> " << category;
		}
}

TEST(WriterBounds, EveryFrame)
{
	EXPECT_TRUE(fits_its_reservation([](auto &out) { callboard::write_document_start(out); }));
	EXPECT_TRUE(fits_its_reservation([](auto &out) { callboard::write_call_separator(out); }));
	for (int open = -1; open <= callboard::kCategoryCount; open++)
		for (int next = open; next <= callboard::kCategoryCount; next++)
			EXPECT_TRUE(fits_its_reservation([&](auto &out) {
				callboard::write_advance_to_category(out, open, next);
			})) << open << " -> " << next;

	const std::int64_t count_sets[][4] = {
		{0, 0, 0, 0}, {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX},
		{INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN}, {9, 10, 99, 100},
	};
	for (const auto &counts : count_sets)
	{
		EXPECT_TRUE(fits_its_reservation([&](auto &out) { callboard::write_document_end(out, counts); }));
		EXPECT_TRUE(fits_its_reservation([&](auto &out) { callboard::write_summary_document(out, counts); }));
	}

	const std::string cursor(callboard::kPageCursorLen, 'f');
	for (int c = 0; c < callboard::kCategoryCount; c++)
	{
		auto category = static_cast<callboard::Category>(c);
		EXPECT_TRUE(fits_its_reservation([&](auto &out) { callboard::write_page_start(out, category); }));
	}
	EXPECT_TRUE(fits_its_reservation([](auto &out) { callboard::write_page_end(out, nullptr); }));
	EXPECT_TRUE(fits_its_reservation([&](auto &out) { callboard::write_page_end(out, cursor.c_str()); }));
}

// The check itself can fail: a piece that writes more than it counts (what a
// size kept by hand beside an edited key would do) is caught.
TEST(WriterBounds, CatchesAPieceThatOutgrowsItsBound)
{
	auto sloppy = [](auto &out) {
		out.literal("{\"key\":");
		if constexpr (std::is_same<std::decay_t<decltype(out)>, callboard::Raw>::value)
			out.literal("\"added without being counted\"");
		out.literal("}");
	};
	EXPECT_FALSE(fits_its_reservation(sloppy));

	auto miscounted = [](auto &out) {
		if constexpr (std::is_same<std::decay_t<decltype(out)>, callboard::Length>::value)
			out.literal("12");
		else
			out.literal("1");
	};
	EXPECT_FALSE(fits_its_reservation(miscounted));
}
