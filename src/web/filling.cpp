#include "web/filling.hpp"

#include <ctemplate/template_dictionary.h>

namespace herald::web {

Filling::Filling() : root_(this) {
  shape_.reserve(1024);  // a story page records some 50 values in 20 scopes
  values_.reserve(64);
  ops_.reserve(32);
}
Filling::Filling(Filling* root) : root_(root), id_(root->scopes_++) { ops_.reserve(8); }
Filling::~Filling() = default;

void Filling::note(Op::Kind kind, const ctemplate::TemplateString& name) {
  // scope, kind, name: enough to tell any two different records apart
  auto& s = root_->shape_;
  s += static_cast<char>('0' + (id_ & 63));
  if (id_ >= 64) s += std::to_string(id_);
  s += static_cast<char>(kind);
  s.append(name.data(), name.size());
  s += '\n';
}

void Filling::set(const ctemplate::TemplateString& name, std::string value) {
  note(Op::Value, name);
  ops_.push_back(Op{Op::Value, name, root_->values_.size()});
  root_->values_.push_back(std::move(value));
}

void Filling::set(const ctemplate::TemplateString& name, long value) {
  set(name, std::to_string(value));
}

void Filling::show(const ctemplate::TemplateString& section) {
  note(Op::Show, section);
  ops_.push_back(Op{Op::Show, section, 0});
}

Filling& Filling::add(const ctemplate::TemplateString& section) {
  children_.push_back(std::unique_ptr<Filling>(new Filling(root_)));
  auto& child = *children_.back();
  // the child's number follows the section's name, so that its own ops name it
  note(Op::Section, section);
  root_->shape_ += std::to_string(child.id_);
  root_->shape_ += '\n';
  ops_.push_back(Op{Op::Section, section, children_.size() - 1});
  return child;
}

void Filling::build(ctemplate::TemplateDictionary& d, const std::vector<std::string>& values) const {
  for (const auto& op : ops_) {
    switch (op.kind) {
      case Op::Value:
        d.SetValue(op.name, op.index < values.size() ? values[op.index] : std::string());
        break;
      case Op::Show:
        d.ShowSection(op.name);
        break;
      case Op::Section:
        children_[op.index]->build(*d.AddSectionDictionary(op.name), values);
        break;
    }
  }
}

}  // namespace herald::web
