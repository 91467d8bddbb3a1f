// How a service's request came out, in the newsroom's terms. Services (the Desk, chat) return
// it with a catalog key or message; the web modules map it to an HTTP status (web::status_of),
// other callers (the CLI, the hub) to their own answers.
#pragma once

namespace herald::content {

enum class Outcome {
  Done,
  Created,
  BadInput,   // the request itself is malformed (not JSON, a field of the wrong type)
  Forbidden,  // the person's role or ownership does not allow it
  NotFound,   // nothing there, or nothing this person may see (the same answer)
  Conflict,   // it clashes with what is stored now (a newer version, a published story)
  Invalid,    // well-formed but breaks a rule (an embargo, a limit, a missing field)
  TooSoon,    // allowed, but not this often: the person must wait (a posting rate)
};

inline bool succeeded(Outcome o) { return o == Outcome::Done || o == Outcome::Created; }

}  // namespace herald::content
