// The default provider chain and its cache.
#include <fmt/format.h>

#include "aws/credentials.hpp"
#include "aws/error.hpp"
#include "aws/fail.hpp"

namespace runner::aws {

namespace {
[[noreturn]] void no_credentials(const std::string& message) {
  throw_aws_error("credentials", "ResolveCredentials", "", "NoCredentials", message);
}
}  // namespace

DefaultCredentialsChain::DefaultCredentialsChain(Env env)
    : DefaultCredentialsChain(std::move(env), Options{}) {}

DefaultCredentialsChain::DefaultCredentialsChain(Env env, Options options)
    : env_(std::move(env)), options_(std::move(options)) {}

bool DefaultCredentialsChain::fresh(const Credentials& c) const {
  return !c.expiration || options_.now() + options_.refresh_before < *c.expiration;
}

Credentials DefaultCredentialsChain::get() {
  std::lock_guard lock(mutex_);
  if (cached_ && fresh(*cached_)) return *cached_;
  try {
    cached_ = resolve();
  } catch (const AwsError&) {
    // A failed early refresh is not fatal while the old credentials are still valid.
    if (cached_ && cached_->expiration && options_.now() < *cached_->expiration) return *cached_;
    throw;
  }
  return *cached_;
}

Credentials DefaultCredentialsChain::resolve() {
  if (remembered_) return remembered_->get();

  if (auto c = credentials_from_env(env_)) return *c;
  if (auto c = credentials_from_profile(env_)) return *c;
  auto explicit_profile = env_.find("AWS_PROFILE");
  if (explicit_profile != env_.end() && !explicit_profile->second.empty()) {
    // A profile that was asked for by name must exist: falling through to the instance role
    // would silently run with other permissions.
    no_credentials(
        fmt::format("profile '{}' has no credentials in the shared credentials or "
                    "config file",
                    explicit_profile->second));
  }
  if (ContainerCredentialsProvider::configured(env_)) {
    // Configured but failing is an error, not a reason to try the instance role.
    auto provider = std::make_unique<ContainerCredentialsProvider>(env_, options_.remote);
    Credentials c = provider->get();
    remembered_ = std::move(provider);
    return c;
  }
  std::string imds_note = "disabled by AWS_EC2_METADATA_DISABLED";
  if (!ImdsCredentialsProvider::disabled(env_)) {
    auto provider = std::make_unique<ImdsCredentialsProvider>(env_, options_.remote);
    try {
      Credentials c = provider->get();
      remembered_ = std::move(provider);
      return c;
    } catch (const AwsError& e) {
      const auto& d = e.details();
      imds_note = d.resource.empty() ? fmt::format("{}: {}", d.code, d.message)
                                     : fmt::format("{} from {}: {}", d.code, d.resource, d.message);
      if (d.attempts > 1) imds_note += fmt::format(" after {} attempts", d.attempts);
    }
  }
  no_credentials(fmt::format(
      "no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
      "unset), shared files (profile '{}'), container endpoint (not configured), instance "
      "metadata ({})",
      profile_name(env_), imds_note));
}

}  // namespace runner::aws
