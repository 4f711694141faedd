/*
 * output_buffer.hpp
 *		The json value under construction, in PostgreSQL memory.
 *
 * The buffer is the varlena that is finally returned, header included, so
 * the document is never copied.  It grows by a quarter at a time once large
 * and is trimmed at the end, keeping memory close to the output's size.
 *
 * Past the limit the buffer keeps counting instead of growing: later pieces
 * are written into its tail and only their size is added, so the error can
 * say how large the whole document would have been.
 */
#ifndef CALLBOARD_OUTPUT_BUFFER_HPP
#define CALLBOARD_OUTPUT_BUFFER_HPP

#include <cstddef>

extern "C" {
#include "postgres.h"
}

struct OutputBuffer
{
	char	   *varlena;		/* VARHDRSZ header, then the JSON */
	std::size_t kept;			/* JSON bytes held */
	std::size_t total;			/* JSON bytes the whole document takes */
	std::size_t capacity;		/* JSON bytes the allocation holds */
	std::size_t limit;
};

/* Allocates in CurrentMemoryContext, which must outlive the result. */
void		output_init(OutputBuffer *out, std::size_t limit);

/* Where to write a piece of at most n bytes; may repalloc. */
char	   *output_reserve(OutputBuffer *out, std::size_t n);

/* Accounts for the piece written from output_reserve()'s pointer to end. */
inline void
output_commit(OutputBuffer *out, const char *end)
{
	std::size_t piece = end - (out->varlena + VARHDRSZ + out->kept);

	out->total += piece;
	if (out->total <= out->limit)
		out->kept += piece;
}

inline bool
output_over_limit(const OutputBuffer *out)
{
	return out->total > out->limit;
}

/*
 * The finished json Datum, or, past the limit, ERROR 54000 giving the size
 * the whole document would have had, with `hint`.  `function` names the SQL
 * function in the message.
 */
Datum		output_finish(OutputBuffer *out, const char *function, const char *hint);

#endif
