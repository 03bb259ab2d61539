#include "service/job_processor.hpp"

#include <fmt/format.h>

#include "service/job_folder.hpp"
#include "service/job_state.hpp"

namespace runner::service {

using Clock = std::chrono::steady_clock;
using policy::Action;
using policy::Decision;
using policy::Outcome;

JobProcessor::JobProcessor(Setup setup, JobPorts ports)
    : setup_(std::move(setup)),
      ports_(ports),
      outlast_(ports_.outages, setup_.metrics, setup_.stopping) {}

std::optional<JobProcessor::Lease> JobProcessor::current_lease() const {
  std::lock_guard lock(lease_mutex_);
  return lease_;
}

void JobProcessor::set_lease(std::optional<Lease> lease) {
  std::lock_guard lock(lease_mutex_);
  lease_ = std::move(lease);
}

void JobProcessor::process(const aws::SqsMessage& message) {
  received_at_ = Clock::now();
  const auto parsed = parse_job_message(message.body);
  if (!parsed.job) {
    poison(message, parsed, policy::bad_message(parsed.error));
    return;
  }
  try {
    take_and_run(message, *parsed.job);
  } catch (const std::exception& e) {
    // Nothing escapes to the slot: the message reappears after its visibility timeout.
    log_error(std::string("internal error: ") + e.what(),
              {parsed.job->submission_id, parsed.job->pit_id, "receive", std::nullopt});
  }
}

// A body that is not a job can never be graded. With an id, the row says why first.
void JobProcessor::poison(const aws::SqsMessage& message, const ParseResult& parsed,
                          const Decision& decision) {
  setup_.metrics.poison();
  const LogFields f{parsed.submission_id, parsed.pit_id, "poison", std::nullopt};
  log_error("poison message " + message.message_id + ": " + decision.reason, f);
  if (!parsed.submission_id.empty()) {
    try {
      if (ports_.store.mark_error(parsed.submission_id, parsed.pit_id,
                                  "bad job message: " + decision.reason)) {
        setup_.metrics.job_finished("ERROR", 0);
      }
    } catch (const db::DbError& e) {
      // The reason must reach the row: keep the message until PostgreSQL is back.
      setup_.metrics.db_error();
      ports_.outages.trip(Dependency::Postgres, e.what());
      const policy::Facts facts{message.receive_count(), setup_.settings.max_attempts, 0, false};
      give_back(message, nullptr, policy::store_down(facts, e.what()), f);
      return;
    }
  }
  delete_message(message, parsed.submission_id);
}

void JobProcessor::take_and_run(const aws::SqsMessage& message, const JobMessage& msg) {
  const LogFields f{msg.submission_id, msg.pit_id, "receive", std::nullopt};
  policy::Facts facts{message.receive_count(), setup_.settings.max_attempts, 0, false};
  db::TakeResult take;
  try {
    take = ports_.store.take_lease(msg.submission_id, msg.pit_id,
                                   policy::lease_seconds(setup_.visibility_seconds));
  } catch (const db::DbError& e) {
    setup_.metrics.db_error();
    ports_.outages.trip(Dependency::Postgres, e.what());
    give_back(message, nullptr, policy::store_down(facts, e.what()), f);
    return;
  }
  facts.failed_attempts = take.failed_attempts;
  const Decision decision = policy::after_take(take, facts);
  switch (decision.action) {
    case Action::Duplicate:
      setup_.metrics.duplicate();
      log_info(decision.reason, f);
      delete_message(message, msg.submission_id);
      return;
    case Action::StandBack:
      setup_.metrics.lease_held();
      give_back(message, nullptr, decision, f);
      return;
    default:
      run(message, msg, take, decision);
  }
}

// Under the lease: the heartbeat runs, and each decision leads to the next until none is left.
void JobProcessor::run(const aws::SqsMessage& message, const JobMessage& msg,
                       const db::TakeResult& take, Decision decision) {
  const LogFields f{msg.submission_id, msg.pit_id, "receive", std::nullopt};
  log_info(fmt::format("received (attempt {}, delivery {}{})", take.attempt,
                       message.receive_count(), take.after_crash ? ", the last holder died" : ""),
           f);
  if (take.after_crash) setup_.metrics.failed_attempt();
  set_lease(Lease{msg.submission_id, take.token});
  setup_.metrics.job_started();
  Job job{message, msg, take, setup_.settings.max_attempts, f, nullptr, std::nullopt};
  job.watch = ports_.heartbeats.start(message, msg.submission_id, take.token, f);
  while (decision.action != Action::Done) decision = step(job, decision);
  job.watch.reset();
  set_lease(std::nullopt);
  setup_.metrics.job_ended();
}

Decision JobProcessor::step(Job& job, const Decision& decision) {
  switch (decision.action) {
    case Action::Grade:
    case Action::GiveUp:
      return attempt(job, decision);
    case Action::Retry:
    case Action::HandBack:
      give_back(job.message, &job, decision,
                {job.msg.submission_id, job.msg.pit_id, "retry", std::nullopt});
      return {};
    case Action::Abandon:
      log_warn(decision.reason, job.f);
      return {};
    default:  // Publish is done within attempt(); the rest come before a lease is taken
      return {};
  }
}

// One go at the job in a fresh folder: grade (or take the verdict given), then publish.
Decision JobProcessor::attempt(Job& job, const Decision& decision) {
  try {
    if (decision.action == Action::GiveUp) {
      job.verdict = grading::runner_error(job.msg.submission_id, job.msg.pit_id, decision.reason);
    }
    std::optional<pit::Pit> pit;
    if (!job.verdict) pit = load_pit(job.msg);
    std::optional<JobFolder> dir;
    try {
      dir.emplace(setup_.settings.work_dir, setup_.slot, job.msg.submission_id);
    } catch (const std::exception& e) {
      throw JobFault(Outcome::InfraFault, std::string("local disk: ") + e.what());
    }
    if (job.verdict) {
      write_outputs(*dir, *job.verdict);
    } else {
      auto verdict = download_and_grade(job, *dir, *pit);
      const Decision next = decide(job, policy::classify(verdict), verdict.output);
      if (next.action != Action::Publish) return next;
      job.verdict = std::move(verdict);
    }
    publish(job, *dir);
    return {};
  } catch (const JobFault& e) {
    return decide(job, e.outcome, e.what());
  } catch (const std::exception& e) {
    // Anything unexpected (bad_alloc, a bug): one attempt spent.
    return decide(job, Outcome::FailedAttempt, std::string("internal error: ") + e.what());
  }
}

Decision JobProcessor::decide(Job& job, Outcome outcome, const std::string& reason) {
  switch (outcome) {
    case Outcome::LeaseLost:
      setup_.metrics.lease_lost();
      break;
    case Outcome::InfraFault:
      setup_.metrics.retried();
      break;
    case Outcome::FailedAttempt:
      setup_.metrics.failed_attempt();
      break;
    default:
      break;
  }
  return policy::after(outcome, reason, job.facts());
}

// The one way a message goes back to the queue. With a lease (decision.release), the lease goes
// back to the row first (QUEUED, the reason in `error`); PostgreSQL may be the dependency that
// failed: the release outlasts it like any other statement of the job, so the row is not left
// RUNNING under a lease that would later look like a crash.
void JobProcessor::give_back(const aws::SqsMessage& message, Job* job, const Decision& decision,
                             const LogFields& f) {
  if (job && decision.release) {
    bool released = false;
    try {
      released = outlast_(Dependency::Postgres, job->watch.get(), f, [&] {
        return ports_.store.release_lease(job->msg.submission_id, job->take.token,
                                          *decision.release, decision.reason);
      });
    } catch (const JobFault& e) {
      // Shutting down, or PostgreSQL still down after the wait: the message goes back anyway.
      if (e.outcome != Outcome::LeaseLost) {
        log_warn(std::string("cannot release the lease: ") + e.what(), f);
        released = true;
      }
    } catch (const std::exception& e) {
      log_warn(std::string("cannot release the lease: ") + e.what(), f);
      released = true;
    }
    if (!released) {
      setup_.metrics.lease_lost();
      log_warn("the lease was taken over meanwhile; leaving the message to its new holder", f);
      return;
    }
  }
  if (decision.action == Action::HandBack) {
    log_info("shutting down: job handed back to the queue", f);
  } else if (decision.action == Action::StandBack) {
    log_info(decision.reason, f);
  } else if (decision.release) {
    log_warn(fmt::format("{}; {} in {} s", decision.reason,
                         decision.release == db::Release::InfraFault
                             ? "retrying (not counted as an attempt)"
                             : "retrying (a failed attempt)",
                         decision.delay_seconds),
             f);
  }
  try {
    ports_.queue.change_visibility(message, decision.delay_seconds);
  } catch (const std::exception& e) {
    // It comes back anyway when its current visibility runs out.
    setup_.metrics.queue_error();
    log_warn(std::string("cannot return the message: ") + e.what(), f);
  }
}

void JobProcessor::delete_message(const aws::SqsMessage& message,
                                  const std::string& submission_id) {
  try {
    ports_.queue.remove(message);
  } catch (const std::exception& e) {
    // The verdict is stored; a redelivery finds the row final and is deleted then.
    setup_.metrics.queue_error();
    log_warn(std::string("cannot delete the message: ") + e.what(),
             {submission_id, "", "delete", std::nullopt});
  }
}

}  // namespace runner::service
