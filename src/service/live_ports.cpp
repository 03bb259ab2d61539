#include "service/live_ports.hpp"

#include <thread>

#include "grading/grader.hpp"
#include "service/heartbeat.hpp"
#include "service/job_policy.hpp"

namespace runner::service {

namespace fs = std::filesystem;

namespace {

class SqsQueue : public Queue {
 public:
  SqsQueue(aws::SqsClient& sqs, std::string url) : sqs_(sqs), url_(std::move(url)) {}
  void change_visibility(const aws::SqsMessage& m, int seconds) override {
    sqs_.change_message_visibility(url_, m.receipt_handle, seconds);
  }
  void remove(const aws::SqsMessage& m) override { sqs_.delete_message(url_, m.receipt_handle); }

 private:
  aws::SqsClient& sqs_;
  std::string url_;
};

class DbStore : public Store {
 public:
  explicit DbStore(db::Submissions& db) : db_(db) {}
  db::TakeResult take_lease(const std::string& id, const std::string& pit_id,
                            int lease_seconds) override {
    return db_.take_lease(id, pit_id, lease_seconds);
  }
  bool write_verdict(const std::string& id, const std::string& token,
                     const db::VerdictRow& row) override {
    return db_.write_verdict(id, token, row);
  }
  bool release_lease(const std::string& id, const std::string& token, db::Release kind,
                     const std::string& reason) override {
    return db_.release_lease(id, token, kind, reason);
  }
  bool mark_error(const std::string& id, const std::string& pit_id,
                  const std::string& reason) override {
    return db_.mark_error(id, pit_id, reason);
  }
  std::optional<std::string> feedback_key(const std::string& id) override {
    return db_.feedback_key(id);
  }

 private:
  db::Submissions& db_;
};

class S3Objects : public Objects {
 public:
  S3Objects(aws::S3Client& s3, std::string bucket) : s3_(s3), bucket_(std::move(bucket)) {}
  void download(const std::string& key, const fs::path& file, std::uint64_t max_bytes) override {
    s3_.get_object(bucket_, key, file, max_bytes);
  }
  void upload(const std::string& key, const fs::path& file,
              const std::string& content_type) override {
    s3_.put_object_file(bucket_, key, file, content_type);
  }

 private:
  aws::S3Client& s3_;
  std::string bucket_;
};

// The verdict cache in PostgreSQL, on the slot's connection (idle while the slot grades), so
// every worker shares hits.
class DbVerdictCache : public grading::VerdictCache {
 public:
  explicit DbVerdictCache(db::Submissions& db) : db_(db) {}
  std::optional<std::string> find(const std::string& key) override {
    return db_.cached_verdict(key);
  }
  void store(const std::string& key, const std::string& pit_id,
             const std::string& feedback) override {
    db_.keep_verdict(key, pit_id, feedback);
  }

 private:
  db::Submissions& db_;
};

class CoreGrader : public Grader {
 public:
  CoreGrader(const WorkerContext& ctx, exec::Launcher& launcher, db::Submissions& db)
      : ctx_(ctx), launcher_(launcher), cache_(db) {}
  std::optional<pit::Pit> load_pit(const std::string& pit_id) override {
    const fs::path dir = ctx_.settings.pits_dir / pit_id;
    if (!fs::is_regular_file(dir / "pit.yaml")) return std::nullopt;
    return pit::load_pit(dir, ctx_.pit_defaults);
  }
  grading::SandboxInfo sandbox(const pit::Pit& pit) const override {
    return {launcher_.level(), launcher_.features(drivers::job_limits(pit))};
  }
  grading::Verdict grade(const grading::GradeRequest& request, const fs::path& work_dir) override {
    const grading::GradeContext context{launcher_,
                                        ctx_.tools,
                                        work_dir,
                                        ctx_.archive_limits,
                                        ctx_.settings.max_log_bytes,
                                        nullptr,
                                        ctx_.settings.verdict_cache ? &cache_ : nullptr};
    return grading::grade(request, context);
  }

 private:
  const WorkerContext& ctx_;
  exec::Launcher& launcher_;
  DbVerdictCache cache_;
};

class HeartbeatWatch : public LeaseWatch {
 public:
  HeartbeatWatch(const WorkerContext& ctx, db::Submissions& lease_db, const aws::SqsMessage& m,
                 const std::string& id, const std::string& token, const LogFields& f)
      : heartbeat_(
            ctx.sqs, ctx.settings.sqs_queue_url, m.receipt_handle, ctx.visibility_seconds,
            [&lease_db, id, token, lease_s = policy::lease_seconds(ctx.visibility_seconds)] {
              return lease_db.renew_lease(id, token, lease_s);
            },
            ctx.metrics, f) {}
  bool lease_lost() const override { return heartbeat_.lease_lost(); }

 private:
  Heartbeat heartbeat_;
};

class LiveHeartbeats : public Heartbeats {
 public:
  LiveHeartbeats(const WorkerContext& ctx, db::Submissions& lease_db)
      : ctx_(ctx), lease_db_(lease_db) {}
  std::unique_ptr<LeaseWatch> start(const aws::SqsMessage& m, const std::string& id,
                                    const std::string& token, const LogFields& f) override {
    return std::make_unique<HeartbeatWatch>(ctx_, lease_db_, m, id, token, f);
  }

 private:
  const WorkerContext& ctx_;
  db::Submissions& lease_db_;
};

class BreakerOutages : public Outages {
 public:
  explicit BreakerOutages(Breakers& breakers) : breakers_(breakers) {}
  void trip(Dependency d, const std::string& reason) override { breakers_.trip(d, reason); }
  bool wait_closed(std::chrono::milliseconds max_wait) override {
    return breakers_.wait_closed(max_wait);
  }
  void pause(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }

 private:
  Breakers& breakers_;
};

}  // namespace

struct LivePorts::Impl {
  SqsQueue queue;
  DbStore store;
  S3Objects objects;
  CoreGrader grader;
  LiveHeartbeats heartbeats;
  BreakerOutages outages;
};

LivePorts::LivePorts(const WorkerContext& context, exec::Launcher& launcher, db::Submissions& db,
                     db::Submissions& lease_db, Breakers& breakers)
    : impl_(new Impl{SqsQueue(context.sqs, context.settings.sqs_queue_url), DbStore(db),
                     S3Objects(context.s3, context.settings.s3_bucket),
                     CoreGrader(context, launcher, db), LiveHeartbeats(context, lease_db),
                     BreakerOutages(breakers)}) {}

LivePorts::~LivePorts() = default;

JobPorts LivePorts::ports() {
  return {impl_->queue,  impl_->store,      impl_->objects,
          impl_->grader, impl_->heartbeats, impl_->outages};
}

}  // namespace runner::service
