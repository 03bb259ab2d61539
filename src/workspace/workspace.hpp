#pragma once
// A job's private directories, and turning a submission ZIP plus a PIT into a project to build.
#include <filesystem>
#include <string>

#include "archive/extract.hpp"
#include "pit/pit.hpp"

namespace runner::workspace {

// Everything a job touches lives under `root`, created fresh and removed afterwards. The build
// runs in `project`; the other folders are the runner's and the submission cannot pre-fill them.
struct JobDirs {
  std::filesystem::path root;
  std::filesystem::path project;  // student files + the PIT overlay, less its tests
  std::filesystem::path tests;    // the PIT's tests (src/test/**, tests/**): outside the project
  std::filesystem::path classes;  // the student's classes when the test host compiles them
  std::filesystem::path test_classes;  // the PIT's tests, compiled by the test host
  std::filesystem::path home;          // HOME of the job
  std::filesystem::path tmp;           // TMPDIR / java.io.tmpdir of the job

  static JobDirs create(const std::filesystem::path& work_dir);
};

// Extracts the submission, removes what the PIT protects and what could change how the tests run,
// checks the PIT's required files, then copies the overlay over it: its src/test/** (the hidden
// tests) into `dirs.tests`, never into the project the build tools see. Throws
// archive::InvalidArchive with the reason when the submission is unacceptable.
// Returns the digest of the student's tree as graded (after unwrapping, dropping ignored and
// protected files, before the overlay): the submission part of a verdict cache key.
std::string prepare_project(const std::filesystem::path& zip, const pit::Pit& pit,
                            const archive::Limits& limits, const JobDirs& dirs);

// The paths (relative, '/'-separated) of files a submission may never provide, whatever the PIT:
// build files and test-framework configuration (pit::LanguageRules::is_reserved). Exposed for
// tests.
bool is_reserved_path(const pit::Pit& pit, const std::string& relative);

}  // namespace runner::workspace
