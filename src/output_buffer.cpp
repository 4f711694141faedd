/*
 * output_buffer.cpp
 *		Growing, trimming, draining and handing over the buffer.
 */
#include "output_buffer.hpp"

#include <cstring>

extern "C" {
#include "utils/memutils.h"
}

/* Doubling is cheap while small; past this, grow by a quarter. */
static const std::size_t kDoublingLimit = 8 * 1024 * 1024;

static const std::size_t kInitialCapacity = 8 * 1024;

void
OutputBuffer::init(std::size_t limit, std::size_t header)
{
	capacity_ = Min(kInitialCapacity, limit);
	data_ = (char *) palloc(header + capacity_);
	reserved_end_ = data_ + header;
	header_ = header;
	head_ = 0;
	kept_ = 0;
	total_ = 0;
	limit_ = limit;
}

void
OutputBuffer::grow(std::size_t need)
{
	std::size_t grown = capacity_ < kDoublingLimit
		? 2 * capacity_
		: capacity_ + capacity_ / 4;

	/*
	 * append() reserves only what fits under the limit, so the limit holds
	 * `need`: the buffer never outgrows it.
	 */
	grown = Max(Min(Max(grown, need), limit_), need);
	data_ = (char *) repalloc_huge(data_, header_ + grown);
	capacity_ = grown;
}

void
OutputBuffer::overrun(const char *end) const
{
	/* The bytes past the reservation belong to someone else: stop the server. */
	elog(PANIC, "callboard wrote %zu bytes past its output reservation",
		 (std::size_t) (end - reserved_end_));
	pg_unreachable();
}

void
OutputBuffer::consume(std::size_t n)
{
	Assert(n <= pending());
	head_ += n;
}

void
OutputBuffer::compact()
{
	if (head_ == 0)
		return;
	std::memmove(data_ + header_, data_ + header_ + head_, kept_ - head_);
	kept_ -= head_;
	head_ = 0;
}

Datum
OutputBuffer::finish_json(const char *function, const char *hint)
{
	Assert(header_ == VARHDRSZ && head_ == 0);

	if (over_limit())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s() output would be %zu bytes, over the limit of %zu bytes",
						function, total_, limit_),
				 errhint("%s", hint)));

	/* Give back the slack of the last growth step. */
	if (capacity_ - kept_ > kInitialCapacity)
		data_ = (char *) repalloc_huge(data_, header_ + kept_);
	SET_VARSIZE(data_, header_ + kept_);
	return PointerGetDatum(data_);
}
