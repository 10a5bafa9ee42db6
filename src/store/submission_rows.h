// The submissions table's column list and row reader, shared by the
// SubmissionLog query files (internal to the store module).
#pragma once

#include "store/database.h"
#include "store/submission_record.h"

namespace spamgate {

// The columns read_submission_row() expects, in its order.
extern const char* const kSubmissionColumns;

// The current row of a statement that selected kSubmissionColumns.
SubmissionRecord read_submission_row(const Statement& st);

}  // namespace spamgate
