#pragma once
// A small typed IoC container for client programs, in the spirit of addict-ioc: each type
// is registered once with a name and a factory that may resolve its own dependencies; the
// container makes each registered type once, on first resolve, and hands out that one
// instance (shared_ptr) from then on.
//
// Ownership: the container owns the instances it made and destroys them in reverse order
// of creation, so a part never outlives what it was built from (a ConsumerApiClient
// holds a reference to its HttpTransport). Threading: not thread-safe; wire at start-up.
// Errors (control plane, thrown as ResolutionError): a type that was never registered, a
// dependency cycle (the message lists the chain), a factory that returns null.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace processhost::client::examples {

class ResolutionError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class Container {
 public:
  template <class T>
  using Factory = std::function<std::shared_ptr<T>(Container&)>;

  Container() = default;
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;
  ~Container() {
    for (auto& [type, entry] : entries_) entry.instance.reset();
    while (!created_.empty()) created_.pop_back();
  }

  // Registers (or replaces, before it was first resolved) how to make T.
  template <class T>
  void register_singleton(std::string name, Factory<T> factory) {
    Entry& entry = entries_[std::type_index(typeid(T))];
    if (entry.instance) throw ResolutionError("'" + name + "' is already in use and cannot be registered again");
    entry.name = std::move(name);
    entry.make = [factory = std::move(factory)](Container& container) -> std::shared_ptr<void> {
      return factory(container);
    };
  }

  // Registers a ready-made instance.
  template <class T>
  void register_instance(std::string name, std::shared_ptr<T> instance) {
    register_singleton<T>(std::move(name), [instance](Container&) { return instance; });
  }

  template <class T>
  bool has() const {
    return entries_.count(std::type_index(typeid(T))) != 0;
  }

  template <class T>
  std::shared_ptr<T> resolve() {
    auto found = entries_.find(std::type_index(typeid(T)));
    if (found == entries_.end()) {
      throw ResolutionError(std::string("nothing is registered for type ") + typeid(T).name() + chain_text());
    }
    Entry& entry = found->second;
    if (!entry.instance) {
      if (entry.resolving) throw ResolutionError("dependency cycle: " + cycle_text(entry.name));
      entry.resolving = true;
      resolving_.push_back(entry.name);
      std::shared_ptr<void> made;
      try {
        made = entry.make(*this);
      } catch (...) {
        entry.resolving = false;
        resolving_.pop_back();
        throw;
      }
      entry.resolving = false;
      resolving_.pop_back();
      if (!made) throw ResolutionError("the factory of '" + entry.name + "' returned nothing");
      entry.instance = made;
      created_.push_back(std::move(made));
    }
    return std::static_pointer_cast<T>(entry.instance);
  }

 private:
  struct Entry {
    std::string name;
    std::function<std::shared_ptr<void>(Container&)> make;
    std::shared_ptr<void> instance;
    bool resolving = false;
  };

  std::string chain_text() const {
    if (resolving_.empty()) return {};
    return " (needed by '" + resolving_.back() + "')";
  }
  std::string cycle_text(const std::string& again) const {
    std::string text;
    for (const auto& name : resolving_) text += name + " -> ";
    return text + again;
  }

  std::unordered_map<std::type_index, Entry> entries_;
  std::vector<std::string> resolving_;
  std::vector<std::shared_ptr<void>> created_;  // creation order; released in reverse
};

}  // namespace processhost::client::examples
