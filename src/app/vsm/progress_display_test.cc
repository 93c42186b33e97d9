#include "app/vsm/progress_display.h"

#include <gtest/gtest.h>

#include <sstream>

namespace vsm::cli {
namespace {

JobView Job(uint16_t percent, uint16_t state = 4) {
  JobView job;
  job.id = "job-1";
  job.state_code = state;
  job.percent_complete = percent;
  job.description = "Importing virtual system from '/srv/exports/web01'";
  return job;
}

TEST(FormatProgressBarTest, BarPercentAndDescription) {
  EXPECT_EQ(FormatProgressBar(0, "Exporting"), "[....................]   0%  Exporting");
  EXPECT_EQ(FormatProgressBar(42, "Importing"), "[########............]  42%  Importing");
  EXPECT_EQ(FormatProgressBar(100, "Importing"), "[####################] 100%  Importing");
  EXPECT_EQ(FormatProgressBar(7, ""), "[#...................]   7%");
}

TEST(FormatProgressBarTest, NeverPastFull) {
  // Hyper-V v1 allows PercentComplete 101.
  EXPECT_EQ(FormatProgressBar(101, "x"), "[####################] 100%  x");
}

TEST(FormatProgressBarTest, DescriptionIsCutToTheWidth) {
  std::string line = FormatProgressBar(50, "Importing virtual system from '/a/very/long/path'", 40);
  EXPECT_EQ(line, "[##########..........]  50%  Importin...");
  EXPECT_EQ(line.size(), 40u);
  // Too narrow for any of the description: the bar alone.
  EXPECT_EQ(FormatProgressBar(50, "Importing", 30), "[##########..........]  50%");
}

TEST(FormatProgressLineTest, PercentThenDescription) {
  EXPECT_EQ(FormatProgressLine(42, "Importing virtual system from '/x'"),
            "42% Importing virtual system from '/x'");
  EXPECT_EQ(FormatProgressLine(5, ""), "5%");
}

TEST(LineProgressTest, PrintsALineEachTimeThePercentChanges) {
  std::ostringstream out;
  auto display = NewLineProgress(out);
  display->Update(Job(0));
  display->Update(Job(0));
  display->Update(Job(42));
  display->Update(Job(42));
  display->Finish(Job(100, 7));
  EXPECT_EQ(out.str(),
            "0% Importing virtual system from '/srv/exports/web01'\n"
            "42% Importing virtual system from '/srv/exports/web01'\n"
            "100% Importing virtual system from '/srv/exports/web01'\n");
}

TEST(TerminalProgressTest, RedrawsOneLineWithCarriageReturns) {
  std::ostringstream out;
  auto display = NewTerminalProgress(out, 0);
  display->Update(Job(0));
  display->Update(Job(0));  // unchanged: not redrawn
  display->Update(Job(50));
  display->Finish(Job(100, 7));
  std::string expected =
      "\r[....................]   0%  Importing virtual system from '/srv/exports/web01'"
      "\r[##########..........]  50%  Importing virtual system from '/srv/exports/web01'"
      "\r[####################] 100%  Importing virtual system from '/srv/exports/web01'\n";
  EXPECT_EQ(out.str(), expected);
}

TEST(TerminalProgressTest, ClearsWhatALongerLineLeft) {
  std::ostringstream out;
  auto display = NewTerminalProgress(out, 0);
  JobView job = Job(10);
  job.description = "abcdef";
  display->Update(job);
  job.description = "abc";
  display->Update(job);
  EXPECT_EQ(out.str(),
            "\r[##..................]  10%  abcdef"
            "\r[##..................]  10%  abc   \b\b\b");
}

TEST(SilentProgressTest, PrintsNothing) {
  auto display = NewSilentProgress();
  display->Update(Job(10));
  display->Finish(Job(100, 7));
  SUCCEED();
}

}  // namespace
}  // namespace vsm::cli
