// column_texts: a query's first column, every row, as text (distinct
// addresses and the like). Store-internal; no SQL of its own.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace spamgate {

// Steps `st` to the end and returns column 0 of every row.
inline Result<std::vector<std::string>> column_texts(Statement& st) {
  std::vector<std::string> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row) return Error{row.error()};
    if (!*row) return out;
    out.push_back(st.column_text(0));
  }
}

}  // namespace spamgate
