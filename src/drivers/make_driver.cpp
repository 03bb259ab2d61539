#include "drivers/driver.hpp"
#include "drivers/gradle_driver.hpp"
#include "drivers/maven_driver.hpp"
#include "drivers/testhost_driver.hpp"

namespace runner::drivers {

std::unique_ptr<Driver> make_driver(config::BuildTool tool) {
  switch (tool) {
    case config::BuildTool::Maven:
      return std::make_unique<MavenDriver>();
    case config::BuildTool::Gradle:
      return std::make_unique<GradleDriver>();
    case config::BuildTool::Javac:
      return std::make_unique<JavacDriver>();
  }
  return nullptr;
}

}  // namespace runner::drivers
