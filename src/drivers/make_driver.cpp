#include "drivers/driver.hpp"
#include "drivers/gradle_driver.hpp"
#include "drivers/javac_driver.hpp"
#include "drivers/maven_driver.hpp"
#include "drivers/testhost_driver.hpp"

namespace runner::drivers {

std::unique_ptr<Driver> make_driver(config::BuildTool tool, const Toolchain& tools) {
  switch (tool) {
    case config::BuildTool::Maven:
      return std::make_unique<MavenDriver>();
    case config::BuildTool::Gradle:
      return std::make_unique<GradleDriver>();
    case config::BuildTool::Javac:
      if (!tools.testhost_jar.empty()) return std::make_unique<TestHostDriver>();
      return std::make_unique<JavacDriver>();
  }
  return nullptr;
}

}  // namespace runner::drivers
