#include "support/integrity.h"

namespace es::testing {

std::vector<std::string> problems_of(const VerifyReport& report) {
  std::vector<std::string> out;
  for (const IntegrityProblem& p : report.problems) {
    out.push_back(p.stream + "/" + std::to_string(p.version) + "/" +
                  std::string(integrity_problem_kind_name(p.kind)));
  }
  return out;
}

}  // namespace es::testing
