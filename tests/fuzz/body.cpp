// The story-body validator (the newsroom API's "body" JSON) and its stored form.
#include <cstdint>
#include <string>

#include "content/body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<herald::content::Block> blocks;
  std::string error;
  herald::content::BodyProblem problem;
  if (herald::content::parse_body_input(in, blocks, problem)) {
    // What the validator accepts is stored and read back unchanged.
    auto stored = herald::content::body_to_json(blocks);
    std::vector<herald::content::Block> again;
    if (!herald::content::body_from_json(stored, again, error)) __builtin_trap();
    if (herald::content::body_to_json(again) != stored) __builtin_trap();
    for (auto& b : blocks) (void)herald::content::spans_to_html(b.spans);
  } else if (problem.message.empty() || problem.key.rfind("body_", 0) != 0) {
    __builtin_trap();  // a refusal always says why, in English and as a catalog key
  }
  blocks.clear();
  (void)herald::content::body_from_json(in, blocks, error);
  (void)herald::content::is_safe_link(in);
  return 0;
}
