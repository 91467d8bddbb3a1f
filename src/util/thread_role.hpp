// Which threads may wait: the server marks its I/O threads, and code that blocks on the network
// (a PostgreSQL query) reports when it finds itself on one. Readers on such a thread wait for
// every query it runs.
#pragma once

namespace herald::util {

// Marks the calling thread as one that serves connections (net::Server's I/O threads).
void mark_io_thread();
// Whether the calling thread was marked.
bool on_io_thread();

// Marks the calling thread as one that renders reader pages from the database (the server's
// reading pool): the database pool serves it first, and keeps connections free for it.
void mark_reading_thread();
bool on_reading_thread();

}  // namespace herald::util
