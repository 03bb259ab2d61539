#pragma once
// AWS credentials and the providers that find them, in the order the SDKs search:
// environment, shared credentials/config files, ECS container endpoint, EC2 IMDSv2.
// Everything is configured from an explicit variable map (Env), never from the process
// environment directly, so tests are hermetic.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/time_format.hpp"

namespace runner::aws {

using Env = std::map<std::string, std::string>;

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;                    // empty for long-term keys
  std::optional<Clock::time_point> expiration;  // set for temporary credentials
  std::string source;  // "environment", "profile default", "container", "imds"
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Throws AwsError (service "credentials") when this source cannot produce credentials.
  virtual Credentials get() = 0;
};

// Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; nullopt when
// either of the pair is missing or empty.
std::optional<Credentials> credentials_from_env(const Env& env);

// Credentials of one profile in the shared files. The credentials file
// (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials) wins over the config file
// (AWS_CONFIG_FILE, default ~/.aws/config, sections "[profile NAME]" or "[default]").
// nullopt when neither file has keys for the profile.
std::optional<Credentials> credentials_from_profile(const Env& env);

// The profile in use: AWS_PROFILE, else "default".
std::string profile_name(const Env& env);

// The `region` of the active profile in the config file, if any.
std::optional<std::string> region_from_profile(const Env& env);

// Parses the JSON document the container endpoint and IMDS return
// ({"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}). Throws std::runtime_error.
Credentials parse_credentials_json(const std::string& body, const std::string& source);

struct RemoteCredentialsOptions {
  // Where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is resolved. Tests point it at 127.0.0.1.
  std::string ecs_host = "http://169.254.170.2";
  // IMDS when AWS_EC2_METADATA_SERVICE_ENDPOINT is not set.
  std::string imds_endpoint = "http://169.254.169.254";
  std::chrono::milliseconds timeout{1000};  // connect and whole-request timeout per attempt
  // Every request to an endpoint is tried up to `attempts` times on connection failures,
  // timeouts and 5xx answers, waiting retry_base_delay * 2^(n-1) after failed attempt n
  // (100 ms, 200 ms). When all fail, AwsError "CredentialsEndpointUnavailable" names the URL,
  // the last failure and the attempts; is_network() tells a connection failure from a 5xx.
  int attempts = 3;
  std::chrono::milliseconds retry_base_delay{100};
};

// Fetches from the ECS container endpoint. Configured when either
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI is set.
class ContainerCredentialsProvider : public CredentialsProvider {
 public:
  ContainerCredentialsProvider(Env env, RemoteCredentialsOptions options);
  static bool configured(const Env& env);
  Credentials get() override;

 private:
  Env env_;
  RemoteCredentialsOptions options_;
};

// Fetches the instance role's credentials over IMDSv2 (PUT a session token, then GET with it).
// Disabled by AWS_EC2_METADATA_DISABLED=true.
class ImdsCredentialsProvider : public CredentialsProvider {
 public:
  ImdsCredentialsProvider(Env env, RemoteCredentialsOptions options);
  static bool disabled(const Env& env);
  Credentials get() override;

 private:
  Env env_;
  RemoteCredentialsOptions options_;
};

// Fixed credentials (tests, tools).
class StaticCredentialsProvider : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials c) : creds_(std::move(c)) {}
  Credentials get() override { return creds_; }

 private:
  Credentials creds_;
};

// The SDK default chain with a cache in front: the first source that yields credentials is
// remembered; temporary credentials are reused until `refresh_before` ahead of Expiration, then
// fetched again. If a refresh fails while the cached credentials have not yet expired, the
// cached ones are used (the next call tries again). The remote sources retry each request
// (RemoteCredentialsOptions::attempts) before the chain gives up on them. Thread-safe.
class DefaultCredentialsChain : public CredentialsProvider {
 public:
  struct Options {
    RemoteCredentialsOptions remote;
    std::chrono::seconds refresh_before{300};
    std::function<Clock::time_point()> now = [] { return Clock::now(); };
  };
  explicit DefaultCredentialsChain(Env env);
  DefaultCredentialsChain(Env env, Options options);
  Credentials get() override;

 private:
  Credentials resolve();  // walks the chain; throws AwsError naming every source tried
  bool fresh(const Credentials& c) const;

  Env env_;
  Options options_;
  std::mutex mutex_;
  std::optional<Credentials> cached_;
  std::unique_ptr<CredentialsProvider> remembered_;  // the remote provider that worked
};

}  // namespace runner::aws
