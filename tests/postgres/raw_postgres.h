// Direct access to a schema of the test server through libpq, for checks of what a read model
// holds that the store's API does not show.
#pragma once

#include <string>
#include <vector>

namespace es::testing {

// Runs `sql` with `schema` as the search path on the server at `url`; returns every value of
// the first column as text (NULL as ""). Fails the test when the statement fails.
std::vector<std::string> pg_query(const std::string& url, const std::string& schema,
                                  const std::string& sql);

}  // namespace es::testing
