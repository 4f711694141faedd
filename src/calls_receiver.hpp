/*
 * calls_receiver.hpp
 *		A DestReceiver that writes each row of the calls query as JSON.
 *
 * The executor pushes rows straight into it, as it does into COPY TO: no
 * tuple is copied or kept, so memory stays at the output plus one row.  The
 * JSON function and its stream share it, and so every byte of formatting:
 * the function lets it write the whole document; the stream makes it pause
 * the executor once a chunk's worth of bytes is pending.
 */
#ifndef CALLBOARD_CALLS_RECEIVER_HPP
#define CALLBOARD_CALLS_RECEIVER_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "call_category.hpp"
#include "output_buffer.hpp"

extern "C" {
#include "tcop/dest.h"
}

struct CallsReceiver
{
	DestReceiver pub;			/* first, so a DestReceiver * is one of these */
	OutputBuffer *out;
	MemoryContext row_context;	/* detoasted values of the current row */
	std::size_t pause_at;		/* stop the executor at this many pending bytes */
	bool		paused;			/* the last row stopped the executor */
	int			open_category;	/* list being written, -1 before the first */
	std::int64_t counts[callboard::kCategoryCount];
};

/* Held across PostgreSQL calls, which may longjmp over it. */
static_assert(std::is_trivially_destructible<CallsReceiver>::value,
			  "a CallsReceiver must not need a destructor");

/*
 * Starts the document in `out`; the receiver writes into it from then on.
 * Once `out` holds pause_at bytes not yet consumed, the receiver stops the
 * executor after the row and sets `paused` (SIZE_MAX: it never does).
 */
void		calls_receiver_init(CallsReceiver *receiver, OutputBuffer *out, std::size_t pause_at);

/* Closes the lists and writes the summary. */
void		calls_receiver_finish(CallsReceiver *receiver);

#endif
