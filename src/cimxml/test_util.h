// Test helpers for cimxml/: golden files under src/cimxml/testdata and instance comparison.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "cim/instance.h"

namespace vsm::cimxml::testing {

inline std::filesystem::path TestDataDir() {
  if (const char* source = std::getenv("VSM_SOURCE_DIR")) {
    return std::filesystem::path(source) / "src/cimxml/testdata";
  }
  return VSM_CIMXML_TESTDATA_DIR;
}

inline std::string ReadTestData(std::string_view name) {
  std::ifstream in(TestDataDir() / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing test data " << (TestDataDir() / name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Compares `actual` with the golden file `name`, ignoring one trailing newline in the file.
// With VSM_UPDATE_GOLDEN=1 in the environment, rewrites the file instead.
inline void ExpectMatchesGolden(const std::string& actual, std::string_view name) {
  if (const char* update = std::getenv("VSM_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(TestDataDir() / name, std::ios::binary) << actual << '\n';
    return;
  }
  std::string expected = ReadTestData(name);
  if (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(actual, expected) << "golden file " << name
                              << " differs (VSM_UPDATE_GOLDEN=1 rewrites it)";
}

// Same class, and the same properties in the same order with equal values.
inline ::testing::AssertionResult SameInstance(const cim::Instance& a, const cim::Instance& b) {
  if (a.class_name() != b.class_name()) {
    return ::testing::AssertionFailure() << a.class_name() << " vs " << b.class_name();
  }
  if (a.properties().size() != b.properties().size()) {
    return ::testing::AssertionFailure()
           << a.properties().size() << " vs " << b.properties().size() << " properties";
  }
  for (size_t i = 0; i < a.properties().size(); ++i) {
    const auto& pa = a.properties()[i];
    const auto& pb = b.properties()[i];
    if (pa.name != pb.name || !(pa.value == pb.value)) {
      return ::testing::AssertionFailure() << "property " << pa.name << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace vsm::cimxml::testing
