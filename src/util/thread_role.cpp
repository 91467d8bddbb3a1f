#include "util/thread_role.hpp"

namespace herald::util {
namespace {
thread_local bool io_thread = false;
thread_local bool reading_thread = false;
}

void mark_io_thread() { io_thread = true; }
bool on_io_thread() { return io_thread; }
void mark_reading_thread() { reading_thread = true; }
bool on_reading_thread() { return reading_thread; }

}  // namespace herald::util
