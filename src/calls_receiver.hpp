/*
 * calls_receiver.hpp
 *		A DestReceiver that writes each row of the calls query as JSON.
 *
 * The executor pushes rows straight into it, as it does into COPY TO: no
 * tuple is copied or kept, so memory stays at the output plus one row.
 */
#ifndef CALLBOARD_CALLS_RECEIVER_HPP
#define CALLBOARD_CALLS_RECEIVER_HPP

#include <cstdint>

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
	int			open_category;	/* list being written, -1 before the first */
	std::int64_t counts[callboard::kCategoryCount];
};

/* Starts the document in `out`; the receiver writes into it from then on. */
void		calls_receiver_init(CallsReceiver *receiver, OutputBuffer *out);

/* Closes the lists and writes the summary. */
void		calls_receiver_finish(CallsReceiver *receiver);

#endif
