// Memory with inaccessible pages on both sides: an array placed flush against one of
// them turns any read or write one element outside it into a SIGSEGV, in every build
// (no sanitizer needed), including accesses by vector loads that ASan would not see as
// out of bounds when they stay inside a malloc'ed block.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

namespace guarded {

enum class flush { begin, end };

inline std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

/// `count` elements of T between two PROT_NONE pages, touching the one on `side`.
template <class T>
class array {
 public:
  array(std::size_t count, flush side) : count_(count) {
    const std::size_t page = page_size();
    const std::size_t bytes = count * sizeof(T);
    const std::size_t data_pages = (bytes + page - 1) / page + (bytes == 0 ? 1 : 0);
    mapped_ = (data_pages + 2) * page;
    void* base = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<unsigned char*>(base);
    mprotect(base_, page, PROT_NONE);
    mprotect(base_ + (data_pages + 1) * page, page, PROT_NONE);
    unsigned char* first = base_ + page;
    if (side == flush::end) first += data_pages * page - bytes;
    data_ = reinterpret_cast<T*>(first);  // page-aligned or sizeof(T)-aligned: valid for T
  }
  array(const array&) = delete;
  array& operator=(const array&) = delete;
  ~array() { munmap(base_, mapped_); }

  T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return count_; }

 private:
  std::size_t count_;
  std::size_t mapped_ = 0;
  unsigned char* base_ = nullptr;
  T* data_ = nullptr;
};

/// The case being run, printed if a guard page is hit (the test binary then dies, and
/// this says which operation, instruction set and shape did it).
inline char current_case[256] = "";

inline void report_fault(int) {
  static const char prefix[] = "\npage guard hit (read or write outside a view) in: ";
  [[maybe_unused]] auto a = write(2, prefix, sizeof prefix - 1);
  [[maybe_unused]] auto b = write(2, current_case, std::strlen(current_case));
  [[maybe_unused]] auto c = write(2, "\n", 1);
  _exit(3);
}

/// Installs report_fault for SIGSEGV and SIGBUS (sanitizer builds keep their own).
inline void install_fault_report() {
  struct sigaction action {};
  action.sa_handler = report_fault;
  sigaction(SIGSEGV, &action, nullptr);
  sigaction(SIGBUS, &action, nullptr);
}

inline void set_case(const std::string& text) {
  std::snprintf(current_case, sizeof current_case, "%s", text.c_str());
}

}  // namespace guarded
