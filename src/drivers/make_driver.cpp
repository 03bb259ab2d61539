#include "drivers/driver.hpp"
#include "drivers/gradle_driver.hpp"
#include "drivers/maven_driver.hpp"
#include "drivers/pytest_driver.hpp"
#include "drivers/testhost_driver.hpp"

namespace runner::drivers {

std::unique_ptr<Driver> make_driver(pit::BuildTool tool) {
  switch (tool) {
    case pit::BuildTool::Maven:
      return std::make_unique<MavenDriver>();
    case pit::BuildTool::Gradle:
      return std::make_unique<GradleDriver>();
    case pit::BuildTool::Javac:
      return std::make_unique<JavacDriver>();
    case pit::BuildTool::Pytest:
      return std::make_unique<PytestDriver>();
  }
  return nullptr;
}

}  // namespace runner::drivers
