#include "es/core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace es {
namespace {

TEST(Utf8, AcceptsEveryWellFormedLength) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9"));          // é
  EXPECT_TRUE(is_valid_utf8("\xE2\x9C\x93"));      // ✓
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4U);
}

TEST(Utf8, RefusesMalformedSequences) {
  for (const std::string& bad : {
           std::string("\x80"),              // a lone continuation byte
           std::string("\xC3"),              // truncated
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xED\xA0\x80"),      // a surrogate
           std::string("\xF4\x90\x80\x80"),  // past U+10FFFF
           std::string("\xFF"),
       }) {
    EXPECT_FALSE(is_valid_utf8(bad)) << testing::PrintToString(bad);
    EXPECT_EQ(utf8_sequence_length(bad, 0), 0U);
  }
}

}  // namespace
}  // namespace es
