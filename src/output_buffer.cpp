/*
 * output_buffer.cpp
 *		Growing, trimming and handing over the json value.
 */
#include "output_buffer.hpp"

extern "C" {
#include "utils/memutils.h"
}

/* Doubling is cheap while small; past this, grow by a quarter. */
static const std::size_t kDoublingLimit = 8 * 1024 * 1024;

static const std::size_t kInitialCapacity = 8 * 1024;

void
output_init(OutputBuffer *out, std::size_t limit)
{
	out->capacity = kInitialCapacity;
	out->varlena = (char *) palloc(VARHDRSZ + out->capacity);
	out->kept = 0;
	out->total = 0;
	out->limit = limit;
}

char *
output_reserve(OutputBuffer *out, std::size_t n)
{
	std::size_t need = out->kept + n;

	if (need > out->capacity)
	{
		std::size_t grown = out->capacity < kDoublingLimit
			? 2 * out->capacity
			: out->capacity + out->capacity / 4;

		/* kept never passes limit, so limit + n always holds need. */
		grown = Min(Max(grown, need), out->limit + n);
		out->varlena = (char *) repalloc_huge(out->varlena, VARHDRSZ + grown);
		out->capacity = grown;
	}
	return out->varlena + VARHDRSZ + out->kept;
}

Datum
output_finish(OutputBuffer *out, const char *function, const char *hint)
{
	if (output_over_limit(out))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s() output would be %zu bytes, over the limit of %zu bytes",
						function, out->total, out->limit),
				 errhint("%s", hint)));

	/* Give back the slack of the last growth step. */
	if (out->capacity - out->kept > kInitialCapacity)
		out->varlena = (char *) repalloc_huge(out->varlena, VARHDRSZ + out->kept);
	SET_VARSIZE(out->varlena, VARHDRSZ + out->kept);
	return PointerGetDatum(out->varlena);
}
