// Writes that survive a crash or a power cut once they return: the data is fsynced, and so is
// the folder that names it. Used for every file a reply acknowledges (photos, outbox and
// queued mail); the database does the same for its rows (synchronous=FULL).
#pragma once
#include <string>
#include <string_view>

namespace herald::util {

// Writes `data` to `path` through a temporary file in the same folder, fsyncs it, renames it
// into place and fsyncs the folder. Throws std::runtime_error naming the path on failure.
void write_durably(const std::string& path, std::string_view data);
// Fsyncs a file someone else wrote (libvips output), then its folder.
void sync_file(const std::string& path);
void sync_dir(const std::string& dir);

}  // namespace herald::util
