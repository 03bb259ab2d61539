#pragma once
// The real ports of one worker slot (service/job_ports.hpp): SQS, the slot's PostgreSQL
// connections, S3, the grading core with the slot's launcher, the heartbeat, the breakers.
#include <memory>

#include "db/submissions.hpp"
#include "exec/launcher.hpp"
#include "service/breaker.hpp"
#include "service/job_ports.hpp"
#include "service/worker.hpp"

namespace runner::service {

class LivePorts {
 public:
  // `db`: the slot's connection for the job; `lease_db`: the heartbeat's.
  LivePorts(const WorkerContext& context, exec::Launcher& launcher, db::Submissions& db,
            db::Submissions& lease_db, Breakers& breakers);
  ~LivePorts();
  LivePorts(const LivePorts&) = delete;
  LivePorts& operator=(const LivePorts&) = delete;

  JobPorts ports();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runner::service
