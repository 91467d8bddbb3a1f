// A page template's values and sections recorded as a page gives them. The page is then either
// rendered from a ctemplate dictionary built from the record, or filled into a cut copy of the
// template (web::Stencil) kept for every page of the same shape: which sections show, how many
// times each repeats and which values each sets, all but the values themselves.
// Names are ctemplate's (template_names.hpp, or string literals) and must outlive the Filling.
#pragma once
#include <ctemplate/template_string.h>

#include <memory>
#include <string>
#include <vector>

namespace ctemplate {
class TemplateDictionary;
}

namespace herald::web {

class Filling {
 public:
  Filling();
  ~Filling();
  Filling(const Filling&) = delete;
  Filling& operator=(const Filling&) = delete;

  // In this scope: the whole template, or one repeat of a section.
  void set(const ctemplate::TemplateString& name, std::string value);
  void set(const ctemplate::TemplateString& name, long value);  // as SetIntValue writes it
  void show(const ctemplate::TemplateString& section);
  Filling& add(const ctemplate::TemplateString& section);  // one more repeat, with its own scope

  // Everything recorded but the values, the same for pages that a cut copy serves alike.
  const std::string& shape() const { return root_->shape_; }
  // The values in the order they were set, across all scopes.
  const std::vector<std::string>& values() const { return root_->values_; }
  // The dictionary as recorded, with values[k] for the k-th value (the recorded ones, or
  // stand-ins and probes of the same count).
  void build(ctemplate::TemplateDictionary& d, const std::vector<std::string>& values) const;
  void build(ctemplate::TemplateDictionary& d) const { build(d, values()); }

 private:
  explicit Filling(Filling* root);
  struct Op {
    enum Kind : char { Value = 'v', Show = 's', Section = 'a' } kind;
    ctemplate::TemplateString name;
    std::size_t index;  // the value's, or the child scope's
  };
  void note(Op::Kind kind, const ctemplate::TemplateString& name);
  Filling* root_;
  unsigned id_ = 0;
  std::vector<Op> ops_;
  std::vector<std::unique_ptr<Filling>> children_;
  // the root's only
  std::vector<std::string> values_;
  std::string shape_;
  unsigned scopes_ = 1;
};

}  // namespace herald::web
