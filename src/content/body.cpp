#include "content/body.hpp"

#include <boost/json.hpp>

namespace herald::content {
namespace json = boost::json;

namespace {
const char* type_name(Block::Type t) {
  switch (t) {
    case Block::Type::Paragraph:
      return "paragraph";
    case Block::Type::Subheading:
      return "subheading";
    case Block::Type::Quote:
      return "quote";
    case Block::Type::List:
      return "list";
    case Block::Type::Image:
      return "image";
    case Block::Type::Embed:
      return "embed";
  }
  return "paragraph";
}

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  return std::string(v->get_string());
}
}  // namespace

std::string body_to_json(const std::vector<Block>& blocks) {
  json::array arr;
  for (const auto& b : blocks) {
    json::object o;
    o["type"] = type_name(b.type);
    switch (b.type) {
      case Block::Type::Paragraph:
      case Block::Type::Subheading:
        o["text"] = b.text;
        break;
      case Block::Type::Quote:
        o["text"] = b.text;
        if (!b.cite.empty()) o["cite"] = b.cite;
        break;
      case Block::Type::List: {
        json::array items;
        for (auto& i : b.items) items.emplace_back(i);
        o["items"] = std::move(items);
        o["ordered"] = b.ordered;
        break;
      }
      case Block::Type::Image:
        o["media_id"] = b.media_id;
        if (!b.caption.empty()) o["caption"] = b.caption;
        if (!b.credit.empty()) o["credit"] = b.credit;
        break;
      case Block::Type::Embed:
        o["url"] = b.url;
        if (!b.text.empty()) o["title"] = b.text;
        break;
    }
    arr.emplace_back(std::move(o));
  }
  return json::serialize(arr);
}

bool body_from_json(const std::string& text, std::vector<Block>& out, std::string& error) {
  out.clear();
  boost::system::error_code ec;
  // Bodies are small: parse into a stack buffer instead of many heap allocations.
  unsigned char buffer[16384];
  json::monotonic_resource mr(buffer, sizeof buffer);
  json::value v = json::parse(text, ec, &mr);
  if (ec || !v.is_array()) {
    error = "The body is not a JSON array of blocks.";
    return false;
  }
  std::size_t n = 0;
  for (const auto& item : v.get_array()) {
    ++n;
    if (!item.is_object()) {
      error = "Block " + std::to_string(n) + " is not an object.";
      return false;
    }
    const auto& o = item.get_object();
    std::string type = str(o, "type");
    Block b;
    if (type == "paragraph" || type == "subheading" || type == "quote") {
      b.type = type == "paragraph"    ? Block::Type::Paragraph
               : type == "subheading" ? Block::Type::Subheading
                                      : Block::Type::Quote;
      b.text = str(o, "text");
      b.cite = str(o, "cite");
    } else if (type == "list") {
      b.type = Block::Type::List;
      auto* items = o.if_contains("items");
      if (!items || !items->is_array()) {
        error = "Block " + std::to_string(n) + " (list) has no items array.";
        return false;
      }
      for (auto& i : items->get_array())
        if (i.is_string()) b.items.emplace_back(i.get_string());
      auto* ord = o.if_contains("ordered");
      b.ordered = ord && ord->is_bool() && ord->get_bool();
    } else if (type == "image") {
      b.type = Block::Type::Image;
      auto* id = o.if_contains("media_id");
      if (!id || !id->is_int64()) {
        error = "Block " + std::to_string(n) + " (image) has no media_id.";
        return false;
      }
      b.media_id = id->get_int64();
      b.caption = str(o, "caption");
      b.credit = str(o, "credit");
    } else if (type == "embed") {
      b.type = Block::Type::Embed;
      b.url = str(o, "url");
      b.text = str(o, "title");
    } else {
      error = "Block " + std::to_string(n) + " has an unknown type '" + type + "'.";
      return false;
    }
    out.push_back(std::move(b));
  }
  return true;
}

bool ensure_body(Article& a, std::string& error) {
  if (a.body_json.empty()) return true;
  bool ok = body_from_json(a.body_json, a.body, error);
  a.body_json.clear();
  return ok;
}

}  // namespace herald::content
