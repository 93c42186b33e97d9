// ProgressDisplay: how a job being watched is shown — a live one-line bar on a terminal, a plain
// line each time PercentComplete changes when stdout is a file or pipe, or nothing (--json).
// Not thread-safe; one watcher drives one display.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "app/vsm/system_view.h"

namespace vsm::cli {

inline constexpr size_t kProgressBarCells = 20;

// "[########............]  42%  Importing virtual system from '/x'": the bar, the percent (at
// most 100) and the description, cut with "..." so that the line fits in `width` columns (0: no
// limit).
std::string FormatProgressBar(uint16_t percent, std::string_view description, size_t width = 0);
// "42% Importing virtual system from '/x'".
std::string FormatProgressLine(uint16_t percent, std::string_view description);

class ProgressDisplay {
 public:
  virtual ~ProgressDisplay() = default;
  // Called with each state of the job read while it runs.
  virtual void Update(const JobView& job) = 0;
  // Called once with the final state; leaves the output at the start of a line.
  virtual void Finish(const JobView& job) = 0;
};

// Redraws one line with '\r' (and clears what a longer line left); `width` is the terminal's.
std::unique_ptr<ProgressDisplay> NewTerminalProgress(std::ostream& out, size_t width);
// Prints FormatProgressLine each time PercentComplete changes.
std::unique_ptr<ProgressDisplay> NewLineProgress(std::ostream& out);
// Prints nothing.
std::unique_ptr<ProgressDisplay> NewSilentProgress();

// The width of the terminal on stdout, or 80 if it cannot be told.
size_t TerminalWidth();

}  // namespace vsm::cli
