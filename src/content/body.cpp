#include "content/body.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

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
      case Block::Type::Quote:
        if (b.spans.empty()) {
          o["text"] = b.text;
        } else {
          json::array spans;
          for (auto& sp : b.spans) {
            json::object so;
            so["text"] = sp.text;
            if (sp.bold) so["bold"] = true;
            if (sp.italic) so["italic"] = true;
            if (!sp.href.empty()) so["href"] = sp.href;
            spans.emplace_back(std::move(so));
          }
          o["spans"] = std::move(spans);
        }
        if (b.type == Block::Type::Quote && !b.cite.empty()) o["cite"] = b.cite;
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
      if (auto* sp = o.if_contains("spans"); sp && sp->is_array()) {
        b.text.clear();
        for (auto& x : sp->get_array()) {
          if (!x.is_object()) continue;
          auto& so = x.get_object();
          Span span;
          span.text = str(so, "text");
          auto flag = [&](const char* k) {
            auto* f = so.if_contains(k);
            return f && f->is_bool() && f->get_bool();
          };
          span.bold = flag("bold");
          span.italic = flag("italic");
          span.href = str(so, "href");
          b.text += span.text;
          b.spans.push_back(std::move(span));
        }
      }
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

bool is_safe_link(std::string_view url, bool allow_mailto) {
  if (url.empty() || url.size() > 2000) return false;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  auto lower_prefix = [&](std::string_view p) {
    if (url.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != p[i]) return false;
    return true;
  };
  if (lower_prefix("https://") || lower_prefix("http://")) {
    auto host = url.substr(url.find("//") + 2);
    return !host.empty() && host[0] != '/' && host[0] != '?' && host[0] != '#';
  }
  if (allow_mailto && lower_prefix("mailto:")) return url.size() > 7 && url.find('@') != std::string_view::npos;
  return false;
}

namespace {
const char* type_label(std::string_view t) { return t.empty() ? "block" : t.data(); }
}  // namespace

std::string spans_to_html(const std::vector<Span>& spans) {
  std::string out;
  for (const auto& sp : spans) {
    bool link = !sp.href.empty() && is_safe_link(sp.href);
    if (link) {
      out += "<a href=\"";
      util::html_escape_into(out, sp.href);
      out += "\" rel=\"nofollow noopener\">";
    }
    if (sp.bold) out += "<strong>";
    if (sp.italic) out += "<em>";
    util::html_escape_into(out, sp.text);
    if (sp.italic) out += "</em>";
    if (sp.bold) out += "</strong>";
    if (link) out += "</a>";
  }
  return out;
}

bool parse_body_input(const std::string& text, std::vector<Block>& out, BodyProblem& problem) {
  out.clear();
  std::string& error = problem.message;
  // Sets the catalog key and its values; the English text is composed beside it.
  auto say = [&](const char* key, BodyProblem::Args args = {}) {
    problem.key = key;
    problem.args = std::move(args);
  };
  if (text.size() > 2'000'000) {
    say("body_too_large");
    error = "The body is larger than 2 MB; split the story.";
    return false;
  }
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) {
    say("body_not_list");
    error = "The body must be a JSON array of blocks.";
    return false;
  }
  if (v.get_array().size() > 1000) {
    say("body_too_many_blocks");
    error = "A story can have at most 1,000 blocks.";
    return false;
  }
  std::size_t n = 0;
  for (const auto& item : v.get_array()) {
    ++n;
    std::string where = "Block " + std::to_string(n);
    std::string number = std::to_string(n);
    if (!item.is_object()) {
      say("body_block_not_object", {{"n", number}});
      error = where + " is not an object.";
      return false;
    }
    const auto& o = item.get_object();
    auto* tv = o.if_contains("type");
    std::string type = tv && tv->is_string() ? std::string(tv->get_string()) : "";
    std::string label = type.size() > 40 ? type.substr(0, 40) : std::string(type_label(type));
    where += " (" + label + ")";
    BodyProblem::Args at{{"n", number}, {"type", label}};
    auto with = [&](BodyProblem::Args more) {
      BodyProblem::Args all = at;
      all.insert(all.end(), more.begin(), more.end());
      return all;
    };
    // The fields each type may have; anything else is refused, never stored.
    std::vector<std::string_view> allowed;
    if (type == "paragraph") allowed = {"type", "text", "spans"};
    else if (type == "subheading") allowed = {"type", "text"};
    else if (type == "quote") allowed = {"type", "text", "spans", "cite"};
    else if (type == "list") allowed = {"type", "items", "ordered"};
    else if (type == "image") allowed = {"type", "media_id", "caption", "credit"};
    else if (type == "embed") allowed = {"type", "url", "title"};
    else {
      say("body_unknown_type", at);
      error = where + ": unknown block type; use paragraph, subheading, quote, list, image or embed.";
      return false;
    }
    for (auto& [k, val] : o) {
      if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) == allowed.end()) {
        std::string field = std::string(k).substr(0, 40);
        say("body_field_not_allowed", with({{"field", field}}));
        error = where + " has a field '" + field + "' that is not allowed.";
        return false;
      }
    }
    auto get_text = [&](const char* key, std::size_t max_chars, bool required,
                        std::string& dst) -> bool {
      auto* f = o.if_contains(key);
      if (!f) {
        if (required) {
          say("body_field_required", with({{"field", key}}));
          error = where + " needs '" + key + "'.";
        }
        return !required;
      }
      if (!f->is_string()) {
        say("body_field_not_text", with({{"field", key}}));
        error = where + ": '" + key + "' must be text.";
        return false;
      }
      dst = std::string(f->get_string());
      if (util::utf8_length(dst) > max_chars) {
        say("body_field_too_long", with({{"field", key}, {"max", std::to_string(max_chars)}}));
        error = where + ": '" + key + "' is longer than " + std::to_string(max_chars) + " characters.";
        return false;
      }
      return true;
    };
    Block b;
    if (type == "paragraph" || type == "quote" || type == "subheading") {
      b.type = type == "paragraph" ? Block::Type::Paragraph
               : type == "quote"   ? Block::Type::Quote
                                   : Block::Type::Subheading;
      if (auto* sp = o.if_contains("spans")) {
        if (!sp->is_array() || sp->get_array().size() > 500) {
          say("body_spans", at);
          error = where + ": 'spans' must be a list of at most 500 runs.";
          return false;
        }
        for (auto& x : sp->get_array()) {
          if (!x.is_object()) {
            say("body_span_not_object", at);
            error = where + ": each span must be an object.";
            return false;
          }
          Span span;
          for (auto& [k, val] : x.get_object()) {
            if (k == "text" && val.is_string()) {
              span.text = std::string(val.get_string());
            } else if ((k == "bold" || k == "italic") && val.is_bool()) {
              (k == "bold" ? span.bold : span.italic) = val.get_bool();
            } else if (k == "href" && val.is_string()) {
              span.href = std::string(val.get_string());
              if (!is_safe_link(span.href)) {
                say("body_link", with({{"link", span.href.substr(0, 100)}}));
                error = where + ": the link '" + span.href.substr(0, 100) +
                        "' is not allowed; links must start with http://, https:// or mailto:.";
                return false;
              }
            } else {
              std::string mark = std::string(k).substr(0, 40);
              say("body_mark", with({{"mark", mark}}));
              error = where + ": a span has a mark '" + mark +
                      "' that is not allowed (bold, italic and href are).";
              return false;
            }
          }
          b.text += span.text;
          b.spans.push_back(std::move(span));
        }
        if (util::utf8_length(b.text) > 20000) {
          say("body_block_too_long", at);
          error = where + " is longer than 20,000 characters.";
          return false;
        }
      } else if (!get_text("text", type == "subheading" ? 300 : 20000, true, b.text)) {
        return false;
      }
      if (!get_text("cite", 300, false, b.cite)) return false;
    } else if (type == "list") {
      b.type = Block::Type::List;
      auto* items = o.if_contains("items");
      if (!items || !items->is_array() || items->get_array().empty() ||
          items->get_array().size() > 200) {
        say("body_list_items", at);
        error = where + " needs 'items': a list of 1 to 200 texts.";
        return false;
      }
      for (auto& i : items->get_array()) {
        if (!i.is_string() || util::utf8_length(i.get_string()) > 5000) {
          say("body_list_item", at);
          error = where + ": each item must be a text of at most 5,000 characters.";
          return false;
        }
        b.items.emplace_back(i.get_string());
      }
      if (auto* ord = o.if_contains("ordered")) {
        if (!ord->is_bool()) {
          say("body_list_ordered", at);
          error = where + ": 'ordered' must be true or false.";
          return false;
        }
        b.ordered = ord->get_bool();
      }
    } else if (type == "image") {
      b.type = Block::Type::Image;
      auto* id = o.if_contains("media_id");
      if (!id || !id->is_int64() || id->get_int64() <= 0) {
        say("body_image_photo", at);
        error = where + " needs 'media_id': the number of a photo in the library.";
        return false;
      }
      b.media_id = id->get_int64();
      if (!get_text("caption", 1000, false, b.caption) || !get_text("credit", 300, false, b.credit))
        return false;
    } else {
      b.type = Block::Type::Embed;
      if (!get_text("url", 2000, true, b.url) || !get_text("title", 300, false, b.text))
        return false;
      if (!is_safe_link(b.url, false)) {
        say("body_embed_link", at);
        error = where + ": embedded links must start with http:// or https://.";
        return false;
      }
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
