#pragma once
// A student's loose files, made into the ZIP the grading core takes.
#include <filesystem>

namespace runner::batch {

// Writes every regular file under `folder` into `zip`, named by its path relative to `folder`.
// Symbolic links and special files are left out (the core would reject them in a ZIP anyway),
// so nothing outside the folder is read. Throws std::runtime_error naming the file on failure.
void zip_folder(const std::filesystem::path& folder, const std::filesystem::path& zip);

}  // namespace runner::batch
