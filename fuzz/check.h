// FUZZ_CHECK(condition): a property a fuzz target asserts. On failure it prints the condition and
// aborts, which libFuzzer reports as a crash and saves the input; unlike assert() it stays on in
// every build type.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                               \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)
