#pragma once
// The one place that reads the process environment: callers at the top (main, tools) turn it
// into an Env map and hand that to the library, so nothing below depends on getenv.
#include "aws/credentials.hpp"

namespace runner::aws {

Env process_env();

}  // namespace runner::aws
