#include "exec/output.hpp"

#include <algorithm>
#include <stdexcept>

namespace runner::exec {

HeadTail::HeadTail(std::int64_t cap)
    : head_cap_(static_cast<std::size_t>(cap / 2)),
      tail_cap_(static_cast<std::size_t>(cap - cap / 2)) {}

void HeadTail::write(std::string_view bytes) {
  total_ += static_cast<std::int64_t>(bytes.size());
  const std::size_t to_head = std::min(bytes.size(), head_cap_ - head_.size());
  head_.append(bytes.substr(0, to_head));
  bytes.remove_prefix(to_head);
  if (bytes.empty() || tail_cap_ == 0) return;
  if (bytes.size() >= tail_cap_) {
    tail_.assign(bytes.substr(bytes.size() - tail_cap_));
    tail_pos_ = 0;
    return;
  }
  if (tail_.size() < tail_cap_) {
    const std::size_t fill = std::min(bytes.size(), tail_cap_ - tail_.size());
    tail_.append(bytes.substr(0, fill));
    bytes.remove_prefix(fill);
  }
  while (!bytes.empty()) {  // the ring is full: overwrite the oldest bytes
    const std::size_t n = std::min(bytes.size(), tail_cap_ - tail_pos_);
    tail_.replace(tail_pos_, n, bytes.substr(0, n));
    tail_pos_ = (tail_pos_ + n) % tail_cap_;
    bytes.remove_prefix(n);
  }
}

std::int64_t HeadTail::dropped() const {
  return total_ - static_cast<std::int64_t>(head_.size() + tail_.size());
}

std::string HeadTail::text() const {
  std::string out = head_;
  if (dropped() > 0) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "... [" + std::to_string(dropped()) + " bytes truncated] ...\n";
  }
  out.append(tail_, tail_pos_, std::string::npos);
  out.append(tail_, 0, tail_pos_);
  return out;
}

LogFile::LogFile(const std::filesystem::path& path, std::int64_t cap) : buffer_(cap) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) throw std::runtime_error("cannot write " + path.string());
}

LogFile::~LogFile() {
  finish();
}

std::string EscapeFilter::filter(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    switch (state_) {
      case State::Text:
        if (u == 0x1b) {
          state_ = State::Escape;
        } else {
          out += c;
        }
        break;
      case State::Escape:  // ESC [, ESC ], ESC + intermediates + final (ESC ( B), or ESC x
        state_ = c == '['                 ? State::Csi
                 : c == ']'               ? State::Osc
                 : u >= 0x20 && u <= 0x2f ? State::Intermediate
                                          : State::Text;
        break;
      case State::Intermediate:
        if (u < 0x20 || u > 0x2f) state_ = State::Text;
        break;
      case State::Csi:  // parameters and intermediates 0x20-0x3f, then one final byte
        if (u >= 0x40 && u <= 0x7e) state_ = State::Text;
        if (u < 0x20 || u > 0x7e) state_ = State::Text;  // not a sequence after all
        break;
      case State::Osc:
        if (u == 0x07) state_ = State::Text;
        if (u == 0x1b) state_ = State::OscEscape;
        break;
      case State::OscEscape:
        state_ = c == '\\' ? State::Text : State::Osc;
        break;
    }
  }
  return out;
}

void LogFile::write(std::string_view bytes) {
  buffer_.write(escapes_.filter(bytes));
  // Stream what joined the head now; the tail can still change until finish().
  const std::string_view head = buffer_.head();
  if (head.size() > head_written_) {
    std::fwrite(head.data() + head_written_, 1, head.size() - head_written_, file_);
    std::fflush(file_);
    head_written_ = head.size();
  }
}

void LogFile::finish() {
  if (finished_ || file_ == nullptr) return;
  finished_ = true;
  const std::string all = buffer_.text();
  std::fwrite(all.data() + head_written_, 1, all.size() - head_written_, file_);
  std::fclose(file_);
  file_ = nullptr;
}

MarkerWatch::MarkerWatch(std::vector<std::string> markers, Callback on_seen)
    : markers_(std::move(markers)), seen_(markers_.size(), false), on_seen_(std::move(on_seen)) {
  for (const auto& m : markers_) longest_ = std::max(longest_, m.size());
}

void MarkerWatch::write(std::string_view bytes) {
  const std::string window = carry_ + std::string(bytes);
  for (std::size_t i = 0; i < markers_.size(); ++i) {
    if (!seen_[i] && window.find(markers_[i]) != std::string::npos) {
      seen_[i] = true;
      if (on_seen_) on_seen_(markers_[i]);
    }
  }
  const std::size_t keep = longest_ > 0 ? longest_ - 1 : 0;
  carry_ = window.size() > keep ? window.substr(window.size() - keep) : window;
}

}  // namespace runner::exec
