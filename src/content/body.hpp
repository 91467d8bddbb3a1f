// Article bodies as JSON: the typed block list stored in the database and served by the API.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "content/model.hpp"

namespace herald::content {

// Serialises blocks to a compact JSON array.
std::string body_to_json(const std::vector<Block>& blocks);

// Parses a JSON array of blocks. Unknown block types or malformed fields are an error:
// returns false and sets `error` to a message naming the block.
bool body_from_json(const std::string& json, std::vector<Block>& out, std::string& error);

// Parses a body sent by the newsroom, strictly: only the block types, fields, marks and URL
// schemes of the allowlist (links: http, https, mailto; embeds: http, https), within size
// limits. Returns false with the problem: a catalog key (web/locales, body_*) and its values
// (the block's number {n} and {type}, the {field}, ...) for the person's language, and the same
// in English for logs and the command line.
struct BodyProblem {
  using Args = std::vector<std::pair<std::string, std::string>>;
  std::string key;
  Args args;
  std::string message;  // English
};
bool parse_body_input(const std::string& json, std::vector<Block>& out, BodyProblem& problem);

// True for an absolute link readers may follow: http(s)://host... or mailto:address
// (no spaces or control characters, at most 2,000 bytes).
bool is_safe_link(std::string_view url, bool allow_mailto = true);

// The HTML of a run list: text escaped, <strong>, <em> and <a href rel="nofollow noopener">.
std::string spans_to_html(const std::vector<Span>& spans);

// Fills a.body from a.body_json when the store left it unparsed. Returns false with `error`
// when the stored JSON is damaged.
bool ensure_body(Article& a, std::string& error);

}  // namespace herald::content
