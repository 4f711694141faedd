/*
 * output_buffer.hpp
 *		JSON under construction, in PostgreSQL memory, written only through
 *		checked reservations.
 *
 * append(piece) is the one way in: the piece (writers of call_json.hpp in a
 * lambda) is run with MaxLen to size its reservation, then with Raw to write
 * into it, and the end it reached is compared with the reservation's end.
 * The memory itself is private, so no caller can write past a reservation or
 * keep a size of its own.
 *
 * A piece whose bound is large (the bound counts six bytes per byte of a
 * string, since any byte may need \u00XX) is measured exactly (Length) and
 * only that much reserved: memory follows what is written, not the worst
 * case.
 *
 * Two uses:
 *
 *  - a json value: the buffer is the varlena that is returned, header
 *    included, so the document is never copied.  It grows by a quarter at a
 *    time once large and is trimmed at the end.  `limit` caps what it keeps:
 *    a piece that would pass the limit is measured but not written, and from
 *    then on pieces are only counted.  So memory stays within the limit while
 *    the 54000 error still gives the whole document's size.
 *
 *  - the stream's chunks (no limit): consume() takes bytes from the front
 *    through a head offset, so cutting a chunk moves nothing; compact() moves
 *    what is left to the front once, before more rows are appended.
 */
#ifndef CALLBOARD_OUTPUT_BUFFER_HPP
#define CALLBOARD_OUTPUT_BUFFER_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "json_output.hpp"

extern "C" {
#include "postgres.h"

#include "utils/memutils.h"
}

/* The most a json value can hold (its varlena header aside). */
constexpr std::size_t kJsonValueLimit = MaxAllocSize - VARHDRSZ;

class OutputBuffer
{
public:
	/*
	 * Allocates in CurrentMemoryContext, which must outlive the buffer.
	 * `limit`: the most bytes kept (SIZE_MAX for none); `header`: bytes left
	 * free before the data (VARHDRSZ for a varlena, else 0).
	 */
	void		init(std::size_t limit, std::size_t header);

	/* Appends what the piece writes; false when the piece reports failure. */
	template <typename Piece>
	bool		append(const Piece &piece);

	/* Bytes of the whole output so far, kept or only counted. */
	std::size_t total() const { return total_; }
	std::size_t limit() const { return limit_; }
	bool		over_limit() const { return total_ > limit_; }

	/* The bytes kept and not yet consumed. */
	const char *pending_data() const { return data_ + header_ + head_; }
	std::size_t pending() const { return kept_ - head_; }

	/* Marks the first n pending bytes as taken. */
	void		consume(std::size_t n);

	/* Moves the pending bytes to the front, before appending more. */
	void		compact();

	/*
	 * The json value (init's header must be VARHDRSZ), or, past the limit,
	 * ERROR 54000 giving the size the whole document would have had, with
	 * `hint`.  `function` names the SQL function in the message.
	 */
	Datum		finish_json(const char *function, const char *hint);

private:
	/* Pieces with a larger bound are measured before they are reserved. */
	static constexpr std::size_t kLargePiece = 64 * 1024;

	template <typename Piece>
	bool		append_measured(const Piece &piece);
	char	   *reserve(std::size_t n);
	void		commit(const char *end);
	void		grow(std::size_t need);
	[[noreturn]] void overrun(const char *end) const;

	char	   *data_;			/* header_ bytes, then the JSON */
	const char *reserved_end_;	/* end of the current reservation */
	std::size_t header_;
	std::size_t head_;			/* bytes at the front already consumed */
	std::size_t kept_;			/* bytes held after the header */
	std::size_t total_;			/* bytes of the whole output, kept or counted */
	std::size_t capacity_;		/* bytes the allocation holds after the header */
	std::size_t limit_;
};

/* Held across PostgreSQL calls, which may longjmp over it. */
static_assert(std::is_trivially_destructible<OutputBuffer>::value,
			  "an OutputBuffer must not need a destructor");

template <typename Piece>
inline bool
OutputBuffer::append(const Piece &piece)
{
	std::size_t bound = callboard::max_len(piece);

	if (bound > kLargePiece || over_limit() || bound > limit_ - total_)
		return append_measured(piece);

	callboard::Raw out{reserve(bound)};
	bool		ok = callboard::run_piece(piece, out);

	commit(out.p);
	return ok;
}

template <typename Piece>
bool
OutputBuffer::append_measured(const Piece &piece)
{
	bool		ok;
	std::size_t len = callboard::exact_len(piece, &ok);

	if (!ok)
		return false;
	if (over_limit() || len > limit_ - total_)
	{
		/* Past the limit: count the piece, keep nothing more. */
		total_ += len;
		return true;
	}

	callboard::Raw out{reserve(len)};

	ok = callboard::run_piece(piece, out);
	commit(out.p);
	return ok;
}

inline char *
OutputBuffer::reserve(std::size_t n)
{
	if (n > capacity_ - kept_)
		grow(kept_ + n);
	reserved_end_ = data_ + header_ + kept_ + n;
	return data_ + header_ + kept_;
}

inline void
OutputBuffer::commit(const char *end)
{
	/* One compare; past the reservation, the heap is already overwritten. */
	if (unlikely(end > reserved_end_))
		overrun(end);

	std::size_t piece = end - (data_ + header_ + kept_);

	kept_ += piece;
	total_ += piece;
}

#endif
