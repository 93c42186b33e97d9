#include "app/vsm/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

namespace vsm::cli {
namespace {

constexpr uint16_t kMaxPercent = 100;  // Hyper-V v1 allows 101; never draw past full

std::string_view DescriptionOf(const JobView& job) {
  return job.description.empty() ? std::string_view(job.type) : std::string_view(job.description);
}

class TerminalProgress final : public ProgressDisplay {
 public:
  TerminalProgress(std::ostream& out, size_t width) : out_(out), width_(width) {}

  void Update(const JobView& job) override {
    // One column is kept free: a line as wide as the terminal wraps on some terminals.
    std::string line = FormatProgressBar(job.percent_complete, DescriptionOf(job),
                                         width_ > 1 ? width_ - 1 : 0);
    if (line == last_line_) return;
    out_ << '\r' << line;
    if (line.size() < last_line_.size()) {
      size_t extra = last_line_.size() - line.size();
      out_ << std::string(extra, ' ') << std::string(extra, '\b');
    }
    out_.flush();
    last_line_ = std::move(line);
  }

  void Finish(const JobView& job) override {
    Update(job);
    if (!last_line_.empty()) out_ << '\n';
    out_.flush();
  }

 private:
  std::ostream& out_;
  size_t width_;
  std::string last_line_;
};

class LineProgress final : public ProgressDisplay {
 public:
  explicit LineProgress(std::ostream& out) : out_(out) {}

  void Update(const JobView& job) override {
    if (last_percent_ == job.percent_complete) return;
    last_percent_ = job.percent_complete;
    out_ << FormatProgressLine(job.percent_complete, DescriptionOf(job)) << '\n';
    out_.flush();
  }

  void Finish(const JobView& job) override { Update(job); }

 private:
  std::ostream& out_;
  int last_percent_ = -1;
};

class SilentProgress final : public ProgressDisplay {
 public:
  void Update(const JobView&) override {}
  void Finish(const JobView&) override {}
};

}  // namespace

std::string FormatProgressBar(uint16_t percent, std::string_view description, size_t width) {
  percent = std::min(percent, kMaxPercent);
  size_t filled = kProgressBarCells * percent / kMaxPercent;
  std::string line = fmt::format("[{}{}] {:>3}%", std::string(filled, '#'),
                                 std::string(kProgressBarCells - filled, '.'), percent);
  if (description.empty()) return line;
  constexpr std::string_view kGap = "  ";
  constexpr std::string_view kEllipsis = "...";
  size_t used = line.size() + kGap.size();
  size_t room = width == 0 ? used + description.size() : width;
  if (used + description.size() <= room) {
    line += kGap;
    line += description;
  } else if (used + kEllipsis.size() < room) {
    line += kGap;
    line += description.substr(0, room - used - kEllipsis.size());
    line += kEllipsis;
  }
  return line;
}

std::string FormatProgressLine(uint16_t percent, std::string_view description) {
  percent = std::min(percent, kMaxPercent);
  if (description.empty()) return fmt::format("{}%", percent);
  return fmt::format("{}% {}", percent, description);
}

std::unique_ptr<ProgressDisplay> NewTerminalProgress(std::ostream& out, size_t width) {
  return std::make_unique<TerminalProgress>(out, width);
}

std::unique_ptr<ProgressDisplay> NewLineProgress(std::ostream& out) {
  return std::make_unique<LineProgress>(out);
}

std::unique_ptr<ProgressDisplay> NewSilentProgress() { return std::make_unique<SilentProgress>(); }

size_t TerminalWidth() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace vsm::cli
