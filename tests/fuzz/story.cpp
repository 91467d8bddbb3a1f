// The newsroom API's story JSON (POST and PUT /api/v1/newsroom/stories) through the Desk, on a
// real SQLite database in a temporary folder: whatever the JSON holds, the answer is a story
// or a refusal with a code and a message, and nothing refused changes what is stored.
#include <boost/json.hpp>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "content/body.hpp"
#include "newsroom/desk.hpp"
#include "storage/stores.hpp"

namespace {
using namespace herald;

struct World {
  std::string dir;
  std::unique_ptr<storage::Stores> stores;
  storage::NewsStore* store = nullptr;
  std::unique_ptr<newsroom::Desk> desk;
  content::User editor, contributor;
  content::Id story = 0;
  World() {
    char tmpl[] = "/tmp/herald-fuzz-story-XXXXXX";
    dir = mkdtemp(tmpl);
    stores = storage::open_stores("sqlite:" + dir + "/herald.db");
    store = &stores->news();
    content::Edition en{0, "en", "en", "en_GB", "Herald", "", "Europe/London", "dd.MM.yyyy",
                        true, 0};
    en.id = store->add_edition(en).id;
    store->add_section(content::Section{0, en.id, "world", "World", "", 0});
    store->add_section(content::Section{0, en.id, "science", "Science", "", 1});
    desk = std::make_unique<newsroom::Desk>(*stores,
                                            [](content::Article&) {});
    editor.id = 1;
    editor.role = content::Role::Editor;
    contributor.id = 2;
    contributor.role = content::Role::Contributor;
    auto sections = store->sections();
    auto d = desk->create(editor, boost::json::object{{"headline", "Seed"},
                                                      {"section_id", sections[0].id}});
    story = d.id;
  }
  ~World() {
    desk.reset();
    stores.reset();
    std::string cmd = "rm -rf '" + dir + "'";
    (void)std::system(cmd.c_str());
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World w;
  if (size < 1) return 0;
  std::string json(reinterpret_cast<const char*>(data) + 1, size - 1);
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec) return 0;  // the API answers 400 before the Desk
  const auto& who = (data[0] & 1) ? w.editor : w.contributor;
  auto before = w.store->article(w.story);
  newsroom::DeskResult r = (data[0] & 2) ? w.desk->save(who, w.story, v) : w.desk->create(who, v);
  if (!r.ok()) {
    if (r.code.empty() || r.message.empty()) __builtin_trap();  // a refusal says what and why
    auto after = w.store->article(w.story);
    auto sig = [](const content::Article& a) {
      return a.headline + '\x01' + a.summary + '\x01' +
             (a.body_json.empty() ? content::body_to_json(a.body) : a.body_json);
    };
    if (before && after && sig(*before) != sig(*after)) __builtin_trap();  // nothing refused is stored
  } else if (!r.body.is_object()) {
    __builtin_trap();
  }
  return 0;
}
