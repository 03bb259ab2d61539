#pragma once
// Where a job's output goes: bounded in memory whatever the job prints (README, "Verdicts").
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace runner::exec {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

// Keeps the first and last `cap / 2` bytes of everything written; the rest is counted and dropped.
// Memory use is bounded by `cap`.
class HeadTail {
 public:
  explicit HeadTail(std::int64_t cap);
  void write(std::string_view bytes);
  std::int64_t total() const { return total_; }
  std::int64_t dropped() const;
  std::string_view head() const { return head_; }
  // The kept text, with "... [N bytes truncated] ..." between head and tail when something
  // was dropped.
  std::string text() const;

 private:
  std::size_t head_cap_, tail_cap_;
  std::string head_;
  std::string tail_;          // ring buffer of the last tail_cap_ bytes
  std::size_t tail_pos_ = 0;  // next write position in the ring once it is full
  std::int64_t total_ = 0;
};

// log.txt: the head is streamed to the file as it arrives; the tail waits in memory for finish().
// Removes terminal escape sequences (colours and cursor moves: ESC [ ... final, ESC ] ... BEL or
// ESC \, ESC ( B and the like, and two-byte ESC x) from a stream, keeping its state across writes
// so a sequence split between two reads is still removed. Build tools colour their output even into
// a pipe.
class EscapeFilter {
 public:
  std::string filter(std::string_view bytes);

 private:
  enum class State { Text, Escape, Intermediate, Csi, Osc, OscEscape };
  State state_ = State::Text;
};

class LogFile : public OutputSink {
 public:
  LogFile(const std::filesystem::path& path, std::int64_t cap);
  ~LogFile() override;
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  void write(std::string_view bytes) override;
  // Writes the truncation marker and the tail, and closes the file. Idempotent.
  void finish();
  // The text as it will read in log.txt (for analysis and `output` fields).
  std::string text() const { return buffer_.text(); }

 private:
  HeadTail buffer_;
  EscapeFilter escapes_;  // log.txt is read as text: no colour codes
  std::FILE* file_ = nullptr;
  std::size_t head_written_ = 0;
  bool finished_ = false;
};

// A small in-memory capture, e.g. of one compiler run, for a verdict's `output`.
class TextCapture : public OutputSink {
 public:
  explicit TextCapture(std::int64_t cap = 64 * 1024) : buffer_(cap) {}
  void write(std::string_view bytes) override { buffer_.write(bytes); }
  std::string text() const { return buffer_.text(); }

 private:
  HeadTail buffer_;
};

// Sends everything to several sinks.
class Tee : public OutputSink {
 public:
  explicit Tee(std::vector<OutputSink*> sinks) : sinks_(std::move(sinks)) {}
  void write(std::string_view bytes) override {
    for (auto* s : sinks_) s->write(bytes);
  }

 private:
  std::vector<OutputSink*> sinks_;
};

// Watches the stream for marker strings (even split across writes) and reports each once.
class MarkerWatch : public OutputSink {
 public:
  using Callback = std::function<void(const std::string& marker)>;
  MarkerWatch(std::vector<std::string> markers, Callback on_seen);
  void write(std::string_view bytes) override;

 private:
  std::vector<std::string> markers_;
  std::vector<bool> seen_;
  Callback on_seen_;
  std::string carry_;  // the last bytes of the previous write, to catch split markers
  std::size_t longest_ = 0;
};

}  // namespace runner::exec
