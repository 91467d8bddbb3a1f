// Article bodies as JSON: the typed block list stored in the database and served by the API.
#pragma once
#include <string>
#include <vector>

#include "content/model.hpp"

namespace herald::content {

// Serialises blocks to a compact JSON array.
std::string body_to_json(const std::vector<Block>& blocks);

// Parses a JSON array of blocks. Unknown block types or malformed fields are an error:
// returns false and sets `error` to a message naming the block.
bool body_from_json(const std::string& json, std::vector<Block>& out, std::string& error);

// Fills a.body from a.body_json when the store left it unparsed. Returns false with `error`
// when the stored JSON is damaged.
bool ensure_body(Article& a, std::string& error);

}  // namespace herald::content
